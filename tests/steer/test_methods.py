"""Each method end to end on scripted models."""

from __future__ import annotations

import pytest

from codesteer.llm.scripted import ScriptedModel
from codesteer.steer import all_methods, get_method, solve
from codesteer.steer.prompts import render
from codesteer.steer.trajectory import TASK
from codesteer.symbench import get_task

from .conftest import code, task_model

RIGHT = "(11-4)*4-4"  # game24 seed 1: 4 4 4 11
WRONG = "4*4+4+11"


@pytest.fixture(scope="module")
def instance():
    return get_task("game24").generate(1)


def test_registry_has_every_method() -> None:
    assert set(all_methods()) == {
        "only_question", "all_text_cot", "all_code", "all_code_cot", "code_interpreter", "code_text_choice",
        "symbolic_agent", "autogen_concat", "code_text_sum1", "code_text_sum2", "codesteer",
    }
    assert get_method("Code-Interpreter").name == "code_interpreter"
    # one module may define several methods (the one-shot baselines differ only by their instruction)
    assert all(m.summary and m.run.__module__.startswith("codesteer.steer.methods.") for m in all_methods().values())


@pytest.mark.parametrize(
    ("method", "template", "reply", "channel"),
    [
        ("only_question", None, f"It is <<<{RIGHT}>>>", "reply_text"),
        ("all_text_cot", "task_text", f"Step by step ... <<<{RIGHT}>>>", "reply_text"),
        ("all_code", "task_code_only", code(f"print('<<<{RIGHT}>>>')"), "executed_output"),
        ("all_code_cot", "task_code", code(f"print('<<<{RIGHT}>>>')"), "executed_output"),
        ("code_text_choice", "task_choice", "I choose text. <<<" + RIGHT + ">>>", "reply_text"),
    ],
)
async def test_one_shot_methods(method, template, reply, channel, instance, executor, quick) -> None:
    task = task_model([reply])
    t = await solve(instance, method=method, task_model=task, config=quick, executor=executor)
    first = t.conversation("task")[0]["content"]
    if template is None:
        assert first == instance.question
    else:
        assert first.startswith(render(template).text) and first.endswith(instance.question)
    assert len(task.calls) == 1 and t.steer_model is None
    assert t.verdict.correct and t.final.channel == channel and t.stop_reason == "done"


async def test_code_interpreter_loops_until_no_code(instance, executor, quick) -> None:
    task = task_model([code("print(4 * (11 - 4))"), code("print(28 - 4)"), f"So <<<{RIGHT}>>>"])
    t = await solve(instance, method="code_interpreter", task_model=task, config=quick, executor=executor)
    msgs = t.conversation("task")
    assert msgs[0]["content"].startswith(render("tool_system").text)
    assert "28" in msgs[2]["content"] and "24" in msgs[4]["content"]
    assert [r.code is not None for r in t.rounds] == [True, True, False]
    assert t.final.executed_output.strip() == "24" and t.final.channel == "reply_text" and t.correct


async def test_code_interpreter_max_rounds(instance, executor, quick) -> None:
    task = task_model([code(f"print({i})") for i in range(3)])
    t = await solve(instance, method="code_interpreter", task_model=task,
                    config=quick.with_(max_rounds=2), executor=executor)
    assert t.stop_reason == "max_rounds" and len(task.calls) == 3 and t.final.executed_output.strip() == "2"


async def test_symbolic_agent_verifies_and_revises(instance, executor, quick) -> None:
    task = task_model([code(f"print('<<<{WRONG}>>>')"), code(f"print('<<<{RIGHT}>>>')"), f"Verified: <<<{RIGHT}>>>"])
    t = await solve(instance, method="symbolic_agent", task_model=task, config=quick, executor=executor)
    msgs = t.conversation("task")
    assert msgs[0]["content"].startswith(render("symbolic_agent").text)
    assert WRONG in msgs[2]["content"] and "Check this result" in msgs[2]["content"]
    assert t.rounds[0].symbolic.literal_answer is True
    assert t.correct and len(task.calls) == 3


async def test_autogen_concat_stops_at_terminate(instance, executor, quick) -> None:
    task = task_model([code("print(4 * (11 - 4) - 4)"), f"The answer is <<<{RIGHT}>>>. TERMINATE", "unused"])
    t = await solve(instance, method="autogen_concat", task_model=task, config=quick, executor=executor)
    assert len([c for c in t.calls if c.conversation == TASK]) == 2
    assert "exitcode: 0 (execution succeeded)" in t.conversation("task")[2]["content"]
    final = t.final.reply
    assert final.index("print(4 * (11 - 4) - 4)") < final.index("output:\n24") < final.index("TERMINATE")
    assert t.final.execution is None and t.correct


async def test_autogen_concat_reports_failures(instance, executor, quick) -> None:
    task = task_model([code("1/0"), f"Fixed. <<<{RIGHT}>>> TERMINATE"])
    t = await solve(instance, method="autogen_concat", task_model=task, config=quick, executor=executor)
    assert "exitcode: 1 (execution failed)" in t.conversation("task")[2]["content"]
    assert "ZeroDivisionError" in t.final.reply


async def test_code_text_sum1(instance, executor, quick) -> None:
    task = task_model([f"In words: <<<{WRONG}>>>", code(f"print('<<<{RIGHT}>>>')"),
                       f"The program is right: <<<{RIGHT}>>>"])
    t = await solve(instance, method="code_text_sum1", task_model=task, config=quick, executor=executor)
    summary_prompt = t.conversation("summarise")[0]["content"]
    assert WRONG in summary_prompt and f"output:\n<<<{RIGHT}>>>" in summary_prompt
    assert t.conversation("task:text")[0]["content"].startswith(render("task_text").text)
    assert t.conversation("task:code")[0]["content"].startswith(render("task_code").text)
    assert t.correct and t.final.reply.startswith("The program is right")
    assert set(t.totals()) == {"task", "summarise"}


@pytest.mark.parametrize(("choice", "correct", "malformed"), [
    ("<<<Code>>>", True, 0), ("<<<Text>>>", False, 0), ("I cannot decide.", True, 1),
])
async def test_code_text_sum2(choice, correct, malformed, instance, executor, quick) -> None:
    task = task_model([f"In words: <<<{WRONG}>>>", code(f"print('<<<{RIGHT}>>>')")])
    selector = ScriptedModel([choice], name="selector")
    t = await solve(instance, method="code_text_sum2", task_model=task, steer_model=selector,
                    config=quick, executor=executor)
    assert t.steer_model == "selector" and "Text answer:" in selector.calls[0][0][0]["content"]
    assert t.correct is correct and t.malformed_steer_outputs == malformed
    assert t.rounds[2].steer_output == choice


async def test_codesteer_method_end_to_end(instance, executor) -> None:
    task = task_model([f"<<<{WRONG}>>>", code(f"print('<<<{RIGHT}>>>')")],
                      check="```python\nprint('Correct')\n```")
    steer = ScriptedModel(["<<<Text>>>", "<<<Code>>>", "<<<Return Answer>>>"])
    t = await solve(instance, task_model=task, steer_model=steer, executor=executor)
    assert t.method == "codesteer" and t.correct and t.stop_reason == "return_answer"
    assert t.rounds[0].self_check is not None and t.rounds[1].self_check is not None
