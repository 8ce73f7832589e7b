"""The "original" prompt set: the release's words, read from ../shared/original-codesteer.

The expected messages are built the release's own way: its prompt module and its complexity
analyser are imported from the shared copy, its checker and message builder are compiled from
``generation_models.py``, and its turn formats are evaluated from the expressions of its runner
(all independent of the implementation under test, which parses those files without running them).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.eval import EvalSpec, RunStore
from codesteer.steer.original.complexity import complexity_summary
from codesteer.steer.original.release import ReleaseError, read_release
from codesteer.steer.trajectory import STEER, TASK
from tests.conftest import SHARED
from tests.llm.conftest import FakeServer, Reply, openai_body

RELEASE = SHARED / "original-codesteer"
RUNNER = "benchmark/run_Logic_Game_CodeSteer_test.py"


@pytest.fixture(scope="module")
def release_root() -> Path:
    if not RELEASE.is_dir():
        pytest.skip(f"the release's files are not at {RELEASE}")
    return RELEASE


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"original_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _functions(path: Path, names: set[str], namespace: dict[str, Any]) -> dict[str, Any]:
    """Compile only the named functions of a file of the release into ``namespace``."""
    tree = ast.parse(path.read_text())
    chosen = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    assert {n.name for n in chosen} == names
    exec(compile(ast.Module(chosen, []), str(path), "exec"), namespace)
    return namespace


def _expressions(path: Path, function: str) -> dict[str, list[ast.expr]]:
    """The right-hand sides assigned to each name in one function of the runner, in order."""
    found: dict[str, list[ast.expr]] = {}
    func = next(n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef) and n.name == function)
    for node in ast.walk(func):
        if isinstance(node, ast.Assign | ast.AugAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name):
                found.setdefault(target.id, []).append(node.value)
    for values in found.values():
        values.sort(key=lambda n: n.lineno)
    return found


def _using(nodes: list[ast.expr], *names: str) -> ast.expr:
    """The one expression that reads exactly these variables (the runner's string formats)."""
    [node] = [n for n in nodes if {x.id for x in ast.walk(n) if isinstance(x, ast.Name)} == set(names)]
    return node


def _evaluate(node: ast.expr, **names: Any) -> Any:
    return eval(compile(ast.Expression(node), "<release>", "eval"), {}, names)


CODE_SAMPLES = [
    "print(1)\n",
    "import itertools\nfor p in itertools.permutations([1, 2, 3]):\n    if sum(p) == 6:\n        print(p)\n",
    "from itertools import permutations\nx = eval('1+2')\nprint(f'{x}')\n",
    "def f(:\n",
    "a = 3 * 4 + 2 - 1\nwhile a > 0:\n    a -= 1\ntry:\n    print(a)\nexcept ValueError:\n    pass\n",
    "for i in range(3):\n    for j in range(3):\n        print(i * j, 'format')\n",
    "",
    "exec('print(2)')\nprint('{} {}'.format(1, 2))\n",
]


def test_the_complexity_summary_is_the_releases(release_root: Path) -> None:
    theirs = _module(release_root / "symbolic_code_check.py").analyze_code_and_explain
    release = read_release(release_root)
    for code in CODE_SAMPLES:
        assert complexity_summary(code, release) == theirs(code), code


def test_the_release_is_parsed_not_run(release_root: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(release_root, tmp_path / "release"))
    marker = tmp_path / "ran"
    prompt_py = copy / "prompt.py"
    prompt_py.write_text(f"open({str(marker)!r}, 'w').write('ran')\n" + prompt_py.read_text())
    release = read_release(copy)
    assert not marker.exists()
    assert release.digest != read_release(release_root).digest
    assert release.choice == _module(release_root / "prompt.py").code_text_choice_prompt
    assert release.name.startswith("original@")
    (copy / "generation_models.py").unlink()
    with pytest.raises(ReleaseError, match=r"generation_models\.py is missing"):
        read_release(copy)
    with pytest.raises(ReleaseError, match="not a folder"):
        read_release(tmp_path / "nowhere")


# ----- the documented command, with scripted stand-ins for the three models --------------------

#: What the stand-in for the fine-tuned steering model writes, round by round.
STEER_OUTPUTS = [
    "Solve this with a program that tries every combination.\n",
    "The program only prints a value it was given; search systematically. <<<Code>>>",
    "Explain the result step by step in words, checking that each number is used once.",
    "The answer is verified. <<<Return Answer>>>",
]
#: The task model's replies: a trivial program, a searching one, a text answer.
TASK_REPLIES = [
    "Here it is.\n```python\nprint('<<<4*4+4+11>>>')\n```",
    "```python\nimport itertools\nfor p in itertools.permutations([4, 4, 11, 4]):\n    if (p[2] - p[0]) * p[1] - p[3] == 24:\n"
    "        print('<<<(' + str(p[2]) + '-' + str(p[0]) + ')*' + str(p[1]) + '-' + str(p[3]) + '>>>')\n        break\n```",
    "Using 11-4=7, 7*4=28 and 28-4=24, the answer is <<<(11-4)*4-4>>>.",
]
#: The checker's scripts per round: a passing one, one writing to stderr (retried), none at all.
CHECKS = [
    "```python\nprint('Wrong: 4*4+4+11 = 31')\n```",
    "```python\nimport sys\nprint('checked')\nsys.stderr.write('warning: slow\\n')\n```",
    "I cannot check this one.",
]


def _round_of(text: str) -> int:
    """Which task reply a checker request is about (the latest one it contains)."""
    return max(i for i, reply in enumerate(TASK_REPLIES) if reply.split("\n")[0] in text)


class StandIns(FakeServer):
    """One OpenAI-compatible server playing the task model, the checker and the steering model."""

    def _next(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        scripted = super()._next(method, path, headers, raw)
        if not path.endswith("/chat/completions"):
            return scripted
        payload = json.loads(raw)
        messages = payload["messages"]
        done = sum(m["role"] == "assistant" for m in messages)
        if payload["model"] == "CodeSteer-v1":
            text = STEER_OUTPUTS[done]
        elif payload["model"] == "checker":
            text = CHECKS[_round_of(messages[-1]["content"])]
        else:
            text = TASK_REPLIES[done]
        return Reply(body=openai_body(text))


@pytest.fixture
def stand_ins() -> Iterator[StandIns]:
    server = StandIns().start()
    yield server
    server.stop()


def _expected(question: str, root: Path, workdir: Path) -> tuple[list[list[dict]], list[str]]:
    """The steering model's requests and the task model's user turns, as the release builds them."""
    prompts = _module(root / "prompt.py")
    analyze = _module(root / "symbolic_code_check.py").analyze_code_and_explain

    def gpt_response(system: str, question_: str, **_: Any) -> str:  # the checker's model
        return CHECKS[_round_of(question_)]

    g = _functions(root / "generation_models.py", {"extract_code", "LLM_answer_code_checker",
                                                    "message_construct_llama_func"},
                   {"re": __import__("re"), "subprocess": subprocess, "Code_checker_prompt": prompts.Code_checker_prompt,
                    "GPT_response": gpt_response, "count_total_tokens": lambda texts, _: sum(len(t) for t in texts) // 4})
    forms = _expressions(root / RUNNER, "run_logic_game")
    low_note = _evaluate(forms["code_complexity_summary"][-1])
    suffix = _using(forms["response"], "response", "output", "errors")
    with_code = _using(forms["CodeSteer_input_prompt"], "response", "check_result", "code_complexity_summary")
    without_code = _using(forms["CodeSteer_input_prompt"], "response", "check_result")
    training = [prompts.code_text_choice_prompt + question]
    guidance = [STEER_OUTPUTS[0]]
    requests = [g["message_construct_llama_func"](training, [])]
    task_turns = [STEER_OUTPUTS[0] + question]
    response = TASK_REPLIES[0]
    for depth in range(5):
        blocks = g["extract_code"](response)
        if blocks:
            summary, score = analyze(blocks[0])
            if score <= 2:
                summary += low_note
            program = workdir / f"code_{depth}.py"
            program.write_text(blocks[0])
            done = subprocess.run([sys.executable, str(program)], capture_output=True, text=True, timeout=10)
            response = _evaluate(suffix, response=response, output=done.stdout, errors=done.stderr)
        check = g["LLM_answer_code_checker"](question, response, str(workdir / f"check_{depth}.py"))
        body = (_evaluate(with_code, response=response, check_result=check, code_complexity_summary=summary)
                if blocks else _evaluate(without_code, response=response, check_result=check))
        training.append(body)
        requests.append(g["message_construct_llama_func"](training, guidance))
        output = STEER_OUTPUTS[depth + 1]
        guidance.append(output)
        if "<<<Code>>>" in output:
            output = prompts.with_COT_code_output_prompt
        elif "<<<Text>>>" in output:
            output = prompts.text_output_prompt
        elif "Return Answer" in output or "Terminate" in output:
            break
        task_turns.append(output)
        response = TASK_REPLIES[len(task_turns) - 1]
    return requests, task_turns


def test_the_released_steering_model_sees_what_it_saw_in_the_release(
        release_root: Path, stand_ins: StandIns, tmp_path: Path) -> None:
    url = stand_ins.url
    out = tmp_path / "run"
    args = ["eval", "--methods", "codesteer", "--tasks", "game24", "--n", "1", "--seed", "1",
            "--task-model", f"openai:gpt-4o@{url}", "--steer-model", f"vllm:CodeSteer-v1@{url}",
            "--steer-style", "finetuned", "--prompts", f"original:{release_root}", "--protocol", "original",
            "--model-role", f"self_check=openai:checker@{url}", "--no-cache", "--no-progress", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [instance] = EvalSpec(tasks="game24", n=1, seed=1).instances()[0]
    requests, task_turns = _expected(instance.question, release_root, tmp_path)

    sent = [r["json"] for r in stand_ins.requests if r["path"].endswith("/chat/completions")]
    steering = [p for p in sent if p["model"] == "CodeSteer-v1"]
    assert [p["messages"] for p in steering] == requests  # message for message, no system turn
    assert all((p["temperature"], p["top_p"], p["max_tokens"]) == (0.95, 0.7, 1024) for p in steering)
    with RunStore(out) as store:
        [row] = store.jobs()
        t = store.trajectory(row.id)
    assert [m["content"] for m in t.conversation(TASK) if m["role"] == "user"] == task_turns
    assert t.stop_reason == "return_answer" and t.final.answer == "(11-4)*4-4"
    assert t.steering.prompts == read_release(release_root).name and t.config.protocol == "original"
    assert len([m for m in t.conversation(STEER) if m["role"] == "assistant"]) == len(STEER_OUTPUTS)


def test_a_bad_release_path_is_one_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--prompts", f"original:{tmp_path}", "--tasks", "game24", "--n", "1",
                                      "--out", str(tmp_path / "run")])
    assert result.exit_code == 1 and "not a copy of the CodeSteer release" in result.output
    assert "Traceback" not in result.output
