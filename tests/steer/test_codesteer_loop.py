"""The CodeSteer loop against scripted models: every branch of the round structure."""

from __future__ import annotations

import pytest

from codesteer.llm.card import ModelCard
from codesteer.llm.scripted import ScriptedModel
from codesteer.steer import SteerConfig, Trajectory, events, solve, trajectory_json
from codesteer.steer.prompts import render
from codesteer.steer.scorer import judge_inline
from codesteer.steer.trajectory import STEER, TASK
from codesteer.symbench import get_task

from .conftest import code, task_model


async def _run(task, steer, config, executor, **kw) -> Trajectory:
    return await solve("What is 3 + 4?", method="codesteer", task_model=task, steer_model=steer,
                       config=config, executor=executor, **kw)


def _task_turns(t: Trajectory) -> list[str]:
    return [m["content"] for m in t.conversation("task") if m["role"] == "user"]


async def test_code_then_return_answer(executor) -> None:
    task = task_model([code("print(f'<<<{3 + 4}>>>')")])
    steer = ScriptedModel(["Use code. <<<Code>>>", "<<<Return Answer>>>"], name="gpt")
    t = await _run(task, steer, SteerConfig(sandbox_timeout_s=5.0), executor)
    assert t.stop_reason == "return_answer"
    assert t.final.answer == "7" and t.final.channel == "executed_output"
    assert t.final.extractor == "deterministic"
    r0 = t.rounds[0]
    assert r0.action == "code" and r0.guidance == render("task_code").text
    assert r0.execution.outcome == "ok" and "<<<7>>>" in r0.execution_report
    assert r0.symbolic is not None and r0.self_check.feedback.startswith("output:\nCorrect")
    # the steerer saw the reply with its execution, the checker feedback and the code analysis
    turn1 = t.conversation("steer")[2]["content"]
    assert "Result of running the first code block" in turn1 and "Correct" in turn1
    assert "Complexity score" in turn1
    # the task model never saw the execution output (faithful default)
    assert all("Result of running" not in m["content"] for m in t.conversation("task"))
    assert len(t.conversation("task")) == 2
    # the final answer reused the round's execution instead of running the code again
    assert t.final.execution == r0.execution


async def test_text_then_return_answer(executor, quick) -> None:
    task = task_model(["Three plus four is seven. <<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>", "<<<return answer>>>"])
    t = await _run(task, steer, quick, executor)
    assert t.rounds[0].action == "text"
    assert _task_turns(t)[0].startswith(render("task_text").text)
    assert _task_turns(t)[0].endswith("What is 3 + 4?")
    assert t.rounds[0].code is None and t.rounds[0].symbolic is None
    assert t.final.answer == "7" and t.final.channel == "reply_text" and t.final.execution is None
    assert t.stop_reason == "return_answer"


async def test_text_code_switches(executor, quick) -> None:
    task = task_model(["I guess 8. <<<8>>>", code("print('<<<7>>>')"), "Seven. <<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>", "<<<Code>>>", "<<< TEXT >>>", "<<<Terminate>>>"])
    t = await _run(task, steer, quick, executor)
    turns = _task_turns(t)
    assert turns[1] == render("task_code").text and turns[2] == render("task_text").text
    assert [r.action for r in t.rounds] == ["text", "code", "text", "terminate"]
    assert t.stop_reason == "terminate" and t.final.answer == "7"
    assert t.rounds[1].code is not None and t.rounds[1].execution.stdout.strip() == "<<<7>>>"


async def test_free_form_guidance_is_passed_on(executor, quick) -> None:
    task = task_model([code("print('<<<8>>>')"), code("print('<<<7>>>')")])
    steer = ScriptedModel(["<<<Code>>>", "Check it.\n<<<Recompute the sum; do not Terminate early.>>>",
                           "<<<Return Answer>>>"])
    t = await _run(task, steer, quick, executor)
    assert _task_turns(t)[1] == "Recompute the sum; do not Terminate early."
    assert t.rounds[1].action == "guidance" and t.malformed_steer_outputs == 0
    assert t.final.answer == "7"
    user_msgs = [m for m in t.messages if m.conversation == TASK and m.role == "user"]
    assert user_msgs[1].templates == []  # verbatim guidance has no template


async def test_max_rounds_reached(executor, quick) -> None:
    task = task_model([f"Attempt {i}. <<<{i}>>>" for i in range(3)])
    steer = ScriptedModel(["<<<Text>>>", "<<<Try once more.>>>"], repeat_last=True)
    t = await _run(task, steer, quick.with_(max_rounds=2), executor)
    assert t.stop_reason == "max_rounds"
    assert len(_task_turns(t)) == 3 and len(steer.calls) == 3
    assert t.final.answer == "2"


async def test_zero_rounds_is_the_opening_only(executor, quick) -> None:
    task = task_model(["<<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>"])
    t = await _run(task, steer, quick.with_(max_rounds=0), executor)
    assert t.stop_reason == "max_rounds" and len(steer.calls) == 1 and t.final.answer == "7"


async def test_crashing_code_is_reported_to_the_steerer(executor, quick) -> None:
    task = task_model([code("print('start')\nraise ValueError('boom')"), "Seven. <<<7>>>"])
    steer = ScriptedModel(["<<<Code>>>", "<<<Text>>>", "<<<Return Answer>>>"])
    t = await _run(task, steer, quick, executor)
    r0 = t.rounds[0]
    assert r0.execution.outcome == "error" and "ValueError: boom" in r0.execution_report
    assert "ValueError: boom" in t.conversation("steer")[2]["content"]
    assert t.final.answer == "7" and t.final.channel == "reply_text"


async def test_timeout_is_reported(executor, quick) -> None:
    task = task_model([code("print('<<<5>>>', flush=True)\nwhile True:\n    pass")])
    steer = ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"])
    t = await _run(task, steer, quick.with_(sandbox_timeout_s=1.0), executor)
    r0 = t.rounds[0]
    assert r0.execution.outcome == "timed_out"
    assert "time limit" in r0.execution_report
    assert "time limit" in t.conversation("steer")[2]["content"]


async def test_reply_without_code_or_answer(executor, quick) -> None:
    instance = get_task("game24").generate(3)
    task = task_model(["I am not sure how to do this."])
    steer = ScriptedModel(["<<<Text>>>", "<<<Return Answer>>>"])
    t = await solve(instance, task_model=task, steer_model=steer, config=quick, executor=executor)
    assert t.final.answer is None and t.final.channel is None and t.final.extractor is None
    assert t.verdict.correct is False and "no <<<" in t.verdict.reason
    assert t.instance.id == instance.id


async def test_malformed_steering_outputs(executor, quick) -> None:
    task = task_model(["<<<8>>>", "<<<7>>>"])
    # round 0: a stop action is meaningless -> code; round 1: no wrapper -> whole text as guidance;
    # round 2: an empty block -> keep the latest answer
    steer = ScriptedModel(["<<<Return Answer>>>", "Please re-check the arithmetic.", "<<<  >>>"])
    t = await _run(task, steer, quick, executor)
    assert t.malformed_steer_outputs == 3
    assert t.rounds[0].action == "code" and "round 0" in t.rounds[0].malformed
    assert _task_turns(t)[1] == "Please re-check the arithmetic."
    assert t.rounds[2].action == "return_answer" and t.stop_reason == "return_answer"
    assert t.final.answer == "7"


async def test_bare_words_do_not_stop_the_loop(executor, quick) -> None:
    task = task_model(["<<<8>>>", "<<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>", "Terminate is not what I want. <<<Return Answer? No: redo it.>>>",
                           "<<<Terminate.>>>"])
    t = await _run(task, steer, quick, executor)
    assert t.rounds[1].action == "guidance" and t.stop_reason == "terminate"


async def test_show_execution_to_task_model(executor, quick) -> None:
    task = task_model([code("print('<<<8>>>')"), "<<<7>>>"])
    steer = ScriptedModel(["<<<Code>>>", "<<<Text>>>", "<<<Return Answer>>>"])
    t = await _run(task, steer, quick.with_(show_execution_to_task_model=True), executor)
    second = _task_turns(t)[1]
    assert "<<<8>>>" in second and second.endswith(render("task_text").text)
    assert t.config.show_execution_to_task_model is True
    assert [m for m in t.messages if m.conversation == TASK][2].templates[:1] == ["task_execution@1"]


async def test_prompted_steerer_gets_header_and_greedy_sampling(executor, quick) -> None:
    task = task_model(["<<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>", "<<<Return Answer>>>"], name="openai:gpt-4o")
    t = await _run(task, steer, quick, executor)
    assert t.steering.style == "prompted"
    turn = [m for m in t.messages if m.conversation == STEER and m.role == "user"][1]
    assert turn.content.startswith(render("steer_decision", question="What is 3 + 4?").text)
    assert turn.bare is not None and turn.content.endswith(turn.bare)
    assert turn.templates[0] == "steer_decision@2"
    assert steer.calls[0][1]["temperature"] == 0.0


async def test_finetuned_steerer_sees_bodies_and_samples(executor, quick) -> None:
    task = task_model(["<<<7>>>"])
    steer = ScriptedModel(["Reason it out in words.", "<<<Return Answer>>>"], name="hf:/ckpt/sft")
    steer.card = ModelCard(steer_style="finetuned")  # what a checkpoint trained by codesteer declares
    t = await _run(task, steer, quick, executor)
    assert t.steering.style == "finetuned" and t.steering.source == "card"
    turn = [m for m in t.messages if m.conversation == STEER and m.role == "user"][1]
    assert turn.bare is None and turn.content.startswith("Latest answer of the assistant")
    assert steer.calls[0][1] == {"temperature": 0.95, "max_tokens": 1024, "top_p": 0.7}
    # round 0 output without a wrapper: used verbatim (what a fine-tuned steerer emits), counted
    assert _task_turns(t)[0].startswith("Reason it out in words.") and t.malformed_steer_outputs == 1


async def test_a_name_never_decides_the_style(executor, quick) -> None:
    task = task_model(["<<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>", "<<<Return Answer>>>"], name="hf:yongchao98/CodeSteer-v1")
    t = await _run(task, steer, quick, executor)
    assert t.steering.style == "prompted" and t.steering.source == "default"


async def test_steer_style_can_be_forced(executor, quick) -> None:
    task = task_model(["<<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>", "<<<Return Answer>>>"], name="gpt")
    t = await _run(task, steer, quick.with_(steer_style="finetuned"), executor)
    assert t.steering.style == "finetuned" and t.config.steer_style == "finetuned"


async def test_task_model_steers_itself_when_no_steering_model(executor, quick) -> None:
    task = task_model(["<<<Text>>>", "<<<7>>>", "<<<Return Answer>>>"], name="local")
    t = await solve("What is 3 + 4?", task_model=task, config=quick, executor=executor)
    assert t.steer_model == "local" and t.steering.style == "prompted" and t.final.answer == "7"


async def test_model_error_ends_the_run_with_a_reason(executor, quick) -> None:
    task = task_model(["<<<7>>>"])
    steer = ScriptedModel(["<<<Text>>>"])  # runs out in round 1
    t = await _run(task, steer, quick, executor)
    assert t.stop_reason == "error" and "ran out of replies" in t.error and t.error.startswith("ModelError")
    assert t.final.answer == "7"


async def test_verdict_either_channel(executor, quick) -> None:
    instance = get_task("game24").generate(1)  # numbers 4 4 4 11
    right = "(11-4)*4-4"
    task = task_model([code(f"print('<<<{right}>>>')") + "\nSo the answer is <<<4*4+4+11>>>."])
    steer = ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"])
    t = await solve(instance, task_model=task, steer_model=steer, config=quick, executor=executor)
    assert t.verdict.correct and t.accepted_channel == "executed_output" and t.correct
    task = task_model([code("print('<<<4*4+4+11>>>')") + f"\nActually: <<<{right}>>>"])
    steer = ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"])
    t = await solve(instance, task_model=task, steer_model=steer, config=quick, executor=executor)
    assert t.verdict.correct and t.accepted_channel == "reply_text"
    assert t.final.channel == "reply_text" and t.final.answer == right
    task = task_model(["<<<4*4+4+11>>>"])
    steer = ScriptedModel(["<<<Text>>>", "<<<Return Answer>>>"])
    t = await solve(instance, task_model=task, steer_model=steer, config=quick, executor=executor)
    assert t.verdict.correct is False and t.accepted_channel is None and t.correct is False


async def test_model_extractor_fallback(executor, quick) -> None:
    task = task_model(["The total is seven.", "<<<7>>>"])  # 2nd reply: the extractor's
    steer = ScriptedModel(["<<<Text>>>", "<<<Return Answer>>>"])
    t = await _run(task, steer, quick.with_(model_extractor=True), executor)
    assert t.final.answer == "7" and t.final.extractor == "model" and t.final.channel == "reply_text"
    assert [str(c.conversation) for c in t.calls].count("extract:reply_text") == 1
    assert "extract" in t.totals()


async def test_self_check_retries_with_the_error(executor) -> None:
    broken = "```python\nraise RuntimeError('bad check')\n```"
    replies = iter([broken, "```python\nprint('Wrong: 3 + 4 is not 8')\n```"])
    base = task_model([code("print('<<<8>>>')")])

    def respond(messages):
        if "proposed answer" in messages[0]["content"]:
            return next(replies)
        return base._responder(messages)

    task = ScriptedModel(respond, name="task")
    steer = ScriptedModel(["<<<Code>>>", "<<<Terminate>>>"])
    t = await _run(task, steer, SteerConfig(sandbox_timeout_s=5.0), executor)
    check = t.rounds[0].self_check
    assert check.attempts == 2 and "Wrong: 3 + 4 is not 8" in check.feedback
    retry = t.conversation("self_check:0")[2]["content"]
    assert "RuntimeError: bad check" in retry
    assert "Wrong: 3 + 4 is not 8" in t.conversation("steer")[2]["content"]


async def test_events_stream_in_order(executor, quick) -> None:
    seen: list[events.Event] = []
    task = task_model([code("print('<<<7>>>')")])
    steer = ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"])
    await _run(task, steer, quick, executor, on_event=seen.append)
    kinds = [type(e).__name__ for e in seen]
    assert kinds == ["Guidance", "Reply", "Code", "ExecutionDone", "CheckerNote", "Guidance", "Final"]
    assert seen[-1].answer == "7" and seen[-1].stop_reason == "return_answer"


async def test_trajectory_json_round_trip(executor) -> None:
    instance = get_task("game24").generate(1)
    task = task_model([code("print('<<<(11-4)*4-4>>>')")])
    steer = ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"])
    t = await solve(instance, task_model=task, steer_model=steer,
                    config=SteerConfig(sandbox_timeout_s=5.0), executor=executor)
    again = trajectory_json.loads(trajectory_json.dumps(t))
    assert again == t
    data = trajectory_json.to_dict(t)
    assert data["totals"]["task"]["calls"] == 1 and data["totals"]["steer"]["calls"] == 2
    assert data["totals"]["self_check"]["calls"] == 1
    assert data["total_tokens"] == sum(c.prompt_tokens + c.completion_tokens for c in t.calls) > 0
    assert SteerConfig.from_dict(data["config"]) == SteerConfig(sandbox_timeout_s=5.0)
    assert all(m.templates for m in t.messages if m.role == "user" and m.conversation != TASK)


def test_bad_inputs_give_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        __import__("asyncio").run(solve("q", method="nope", task_model=ScriptedModel([])))
    with pytest.raises(ValueError, match="non-empty question"):
        __import__("asyncio").run(solve("  ", task_model=ScriptedModel([])))


async def test_unwrapped_answers_reach_judges_that_allow_them(executor, quick) -> None:
    instance = get_task("number_multiply").generate(2)  # -1*-75*1340, no wrapper required
    task = task_model([code("print(-1 * -75 * 1340)")])
    steer = ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"])
    t = await solve(instance, task_model=task, steer_model=steer, config=quick, executor=executor)
    assert t.verdict.correct and t.accepted_channel == "executed_output"
    assert t.final.answer == "100500" and t.final.extractor is None


async def test_all_code_goes_through_the_injected_executor(quick) -> None:
    from codesteer.sandbox.types import Execution

    seen: list[tuple[str, float]] = []

    async def recording(code_text, *, config):
        seen.append((code_text, config.timeout_s))
        return Execution("<<<7>>>\n", "", 0, "ok", 0.0, 0.0)

    task = task_model([code("import os\nos.remove('/important')")])
    steer = ScriptedModel(["<<<Code>>>", "<<<Return Answer>>>"])
    t = await _run(task, steer, quick.with_(sandbox_timeout_s=3.0), recording)
    assert seen == [("import os\nos.remove('/important')\n", 3.0)]  # once: the final answer reuses it
    assert t.final.answer == "7" and t.final.channel == "executed_output"


async def test_an_answer_printed_unwrapped_in_the_tasks_format_is_read(executor, quick) -> None:
    """Every method reads a program's last output line when it is an answer in the task's format."""
    instance = get_task("letters").generate(0)
    answer = get_task("letters").reference_answer(instance).strip("<>")
    judged: list[str] = []

    async def counting(inst, text):  # the judge may be a process away: each text is judged once
        judged.append(text)
        return await judge_inline(inst, text)

    task = task_model([code(f"print('working...')\nprint({answer!r})")])
    t = await solve(instance, method="all_code_cot", task_model=task, config=quick, executor=executor, judge=counting)
    assert t.correct and t.final.extractor == "printed" and t.final.channel == "executed_output"
    assert judged == [f"<<<{answer}>>>"]
    task = task_model([code("print('the count is four')")])
    t = await solve(instance, method="all_code_cot", task_model=task, config=quick, executor=executor)
    assert not t.correct and t.final.answer is None and not t.verdict.readable  # prose is not an answer


@pytest.mark.parametrize("printed_right", [True, False])
async def test_channels_are_judged_in_order_until_one_is_accepted(executor, quick, printed_right: bool) -> None:
    """The printed answer is judged first; the reply's own answer only when the printed one is
    not accepted (each judgement may be a process away), and the first accepted one is final."""
    instance = get_task("letters").generate(0)
    right = get_task("letters").reference_answer(instance).strip("<>")
    wrong = "Count: 1, Positions: [1]"
    assert right != wrong
    printed, written = (right, wrong) if printed_right else (wrong, right)
    judged: list[str] = []

    async def counting(inst, text):
        judged.append(text)
        return await judge_inline(inst, text)

    program = "print(" + repr(f"<<<{printed}>>>") + ")"
    reply = f"{code(program)}\nSo the answer is <<<{written}>>>."
    t = await solve(instance, method="all_code_cot", task_model=task_model([reply]), config=quick,
                    executor=executor, judge=counting)
    assert t.correct and t.final.answer == right
    assert t.final.channel == ("executed_output" if printed_right else "reply_text")
    assert judged == ([f"<<<{right}>>>"] if printed_right else [f"<<<{wrong}>>>", f"<<<{right}>>>"])
