"""The released self-answer checker: its request, its retries and the wording of its feedback.

One request (the release's checker instruction, the question and the reply), asked afresh up to
five times until the answer holds a code block (without one: the release's "failed to generate
code" feedback); the script runs; no stderr gives ``output: ...``; otherwise the whole request is
asked again, up to three attempts, and the last output and errors are reported (or the release's
"does not work" notice when the output is over about 2,000 tokens). Unlike our checker, a
failure is never shown to the model: every request is identical, as in the release.
"""

from __future__ import annotations

from codesteer.sandbox.types import Execution
from codesteer.steer import events
from codesteer.steer.context import Run
from codesteer.steer.extract import approx_tokens, first_code
from codesteer.steer.original.release import Release
from codesteer.steer.trajectory import Conversation, SelfCheck

ATTEMPTS = 3
ASKS_FOR_CODE = 5
#: Output above this many tokens was not shown (the release counted with tiktoken; we estimate).
TOO_LONG_TOKENS = 2000


def output_and_errors(execution: Execution, release: Release) -> tuple[str, str]:
    """stdout and stderr as the release reported them (a time-out adds its line to the errors)."""
    errors = execution.stderr
    if execution.timed_out:
        errors += release.timeout_error.fill(**{"e.cmd": "['python3', 'main.py']", "e.timeout": f"{execution.wall_s:.0f}"})
    return execution.stdout, errors


async def _script(run: Run, index: int, request: str, attempt: int) -> str | None:
    """A check script, asking up to ``ASKS_FOR_CODE`` times (each ask a conversation of its own)."""
    for ask in range(ASKS_FOR_CODE):
        label = str(index) if attempt == ask == 0 else f"{index}.{attempt}.{ask}"
        chat = run.chat(Conversation("self_check", label))
        chat.say(request, index)
        code = first_code(await chat.answer(index))
        if code is not None:
            return code
    return None


async def original_self_check(run: Run, index: int, seen_reply: str, release: Release) -> SelfCheck:
    request = release.checker_request.fill(Code_checker_prompt=release.checker_instruction, question=run.question,
                                           response=seen_reply)
    result = SelfCheck(feedback="")
    output = errors = ""
    for attempt in range(ATTEMPTS):
        result.attempts = attempt + 1
        code = await _script(run, index, request, attempt)
        if code is None:
            result.feedback = release.checker_errors.fill(errors=release.checker_no_code)
            break
        execution = await run.code.execute(code)
        result.code, result.execution = code, execution
        output, errors = output_and_errors(execution, release)
        if not errors:
            result.feedback = release.checker_output.fill(output=output)
            break
    else:
        result.feedback = (release.checker_too_long if approx_tokens(output) > TOO_LONG_TOKENS
                           else release.checker_both.fill(output=output, errors=errors))
    run.record.round(index).self_check = result
    run.record.emit(events.CheckerNote(index, "self_answer", result.feedback))
    return result
