"""End to end with scripted models over several tasks and methods: counts, verdicts, resume."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from codesteer.eval import EvalSpec, RunMismatchError, RunStore, SpecError, run_eval_async
from codesteer.eval.runner import Job, run_jobs
from codesteer.llm.errors import ServerError
from codesteer.llm.scripted import ScriptedModel
from codesteer.steer import SteerConfig
from codesteer.symbench.plan import instance_seed

from .conftest import WRONG
from .world import literal_executor, reference_answers, task_model


async def test_end_to_end_in_the_sandbox(spec: EvalSpec, models: dict, tmp_path: Path) -> None:
    """Three tasks × three methods × two instances, code run in the real sandbox."""
    out = tmp_path / "run"
    summary = await run_eval_async(spec, out, models=models, concurrency=4)
    assert summary.total == summary.done_now == 3 * 3 * 2 and summary.done_before == 0
    assert summary.errors == 0
    with RunStore(out) as store:
        rows = store.jobs()
        assert len(rows) == 18
        for row in rows:
            assert row.correct == (row.key.task not in WRONG), row
            assert row.failure == (None if row.correct else "wrong_answer")
            assert (row.key.steer_model == "steer") == (row.key.method == "codesteer")
        t = store.trajectory(next(r.id for r in rows if r.key.method == "codesteer" and r.correct))
        assert t.rounds[0].execution.outcome == "ok" and t.final.channel == "executed_output"
        assert len(store.model_calls(rows[0].id)) == rows[0].calls > 0
    assert summary.correct == 12 and summary.accuracy == pytest.approx(12 / 18)


async def test_rerun_resumes_without_redoing(spec: EvalSpec, models: dict, tmp_path: Path) -> None:
    out = tmp_path / "run"
    await run_eval_async(spec, out, models=models, executor=literal_executor)
    calls = len(models["task"].calls)
    again = await run_eval_async(spec, out, models=models, executor=literal_executor)
    assert again.done_before == 18 and again.done_now == 0 and again.correct == 12
    assert len(models["task"].calls) == calls  # nothing was asked again
    with RunStore(out) as store:
        assert len(store.runs()) == 1  # a rerun with nothing to do starts no run


async def test_another_config_is_refused(spec: EvalSpec, models: dict, tmp_path: Path) -> None:
    out = tmp_path / "run"
    await run_eval_async(spec, out, models=models, executor=literal_executor)
    other = EvalSpec.from_dict({**spec.to_dict(), "n": 3})
    with pytest.raises(RunMismatchError, match=r"another configuration \(n: 2 -> 3\).*new output directory"):
        await run_eval_async(other, out, models=models, executor=literal_executor)
    with RunStore(out) as store:
        assert store.count() == 18
    deeper = EvalSpec.from_dict({**spec.to_dict(), "steer": spec.steer.with_(max_rounds=1).to_dict()})
    with pytest.raises(RunMismatchError, match=r"\(steer\.max_rounds: 5 -> 1\);"):
        await run_eval_async(deeper, out, models=models, executor=literal_executor)


async def test_tasks_without_generator_are_skipped_with_a_notice(tmp_path: Path) -> None:
    spec = EvalSpec(methods="all_code_cot", task_models="task", tasks="gsm_hard,game24", n=1)
    instances, notices = spec.instances()
    assert [i.task for i in instances] == ["game24"]
    assert any("gsm_hard" in n and "--source original:PATH" in n for n in notices)


async def test_levels_and_seeds_are_deterministic() -> None:
    spec = EvalSpec(methods="all_code_cot", task_models="t", tasks="game24", n=3, levels="1,2", seed=5)
    first, _ = spec.instances()
    again, _ = spec.instances()
    assert [i.id for i in first] == [i.id for i in again] and len(first) == 6
    assert {i.level for i in first} == {"1", "2"}
    assert first[0].seed == instance_seed(5, 0) != instance_seed(6, 0)
    _, notices = EvalSpec(methods="all_code_cot", task_models="t", tasks="game24", levels="99").instances()
    assert "skipped game24 at level 99" in notices[0]


def test_bad_specs_are_refused() -> None:
    with pytest.raises(SpecError, match="unknown method"):
        EvalSpec(methods="nope")
    with pytest.raises(SpecError, match="original:PATH"):
        EvalSpec(source="/data")
    with pytest.raises(SpecError, match="unknown task"):
        EvalSpec(tasks="no_such_task").instances()
    with pytest.raises(SpecError, match="name at least one task"):
        EvalSpec(tasks=" , ")
    with pytest.raises(SpecError, match="not a folder"):
        EvalSpec(source="original:/nonexistent/path").instances()


async def test_released_data_source(original_root: Path, tmp_path: Path) -> None:
    spec = EvalSpec(methods="all_code_cot", task_models="task", tasks="game24,gsm_hard", n=2,
                    source=f"original:{original_root}")
    instances, _ = spec.instances()
    assert {i.task for i in instances} == {"game24", "gsm_hard"} and len(instances) == 4
    assert all(i.source.startswith("original:") for i in instances)
    models = {"task": task_model(reference_answers(instances))}
    summary = await run_eval_async(spec, tmp_path / "run", models=models, executor=literal_executor)
    assert summary.done == 4 and summary.correct == 4


async def test_model_errors_are_stored_and_can_be_retried(tmp_path: Path) -> None:
    spec = EvalSpec(methods="all_code_cot", task_models="task", tasks="game24", n=2,
                    steer=SteerConfig(self_check=False))
    instances, _ = spec.instances()
    answers = reference_answers(instances)
    failing = ScriptedModel(lambda m: (_ for _ in ()).throw(ServerError("HTTP 503 from the server")), name="task")
    out = tmp_path / "run"
    summary = await run_eval_async(spec, out, models={"task": failing}, executor=literal_executor)
    assert summary.errors == 2 and summary.correct == 0
    with RunStore(out) as store:
        assert {r.failure for r in store.jobs()} == {"model_error"}
    kept = await run_eval_async(spec, out, models={"task": task_model(answers)}, executor=literal_executor)
    assert kept.done_now == 0 and kept.errors == 2  # errors are kept unless asked to retry
    retried = await run_eval_async(spec, out, models={"task": task_model(answers)}, executor=literal_executor,
                                   retry_errors=True)
    assert retried.done_now == 2 and retried.errors == 0 and retried.correct == 2
    with RunStore(out) as store:
        assert store.count() == 2


async def test_a_crashing_job_is_stored_as_an_error(spec: EvalSpec, tmp_path: Path) -> None:
    instances, _ = spec.instances()
    with RunStore(tmp_path) as store:
        from codesteer.eval.store import JobKey

        jobs = [Job(JobKey("m", "t", "", i.task, i.id), i) for i in instances[:2]]

        async def work(job: Job):
            raise RuntimeError("bug in a judge")

        results = await run_jobs(jobs, work, store, concurrency=2)
        assert [r.failure for r in results] == ["model_error", "model_error"]
        assert store.trajectory(store.jobs()[0].id).error == "RuntimeError: bug in a judge"


async def test_jobs_are_unique_in_the_database(spec: EvalSpec, models: dict, tmp_path: Path) -> None:
    await run_eval_async(spec, tmp_path, models=models, executor=literal_executor)
    db = sqlite3.connect(tmp_path / "results.db")
    row = db.execute("SELECT * FROM jobs LIMIT 1").fetchone()
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO jobs SELECT NULL, method, task_model, steer_model, task, instance_id, sample, branch, "
                   "level, complexity, run_id, status, correct, score, failure, prompt_tokens, completion_tokens, "
                   "calls, model_s, wall_s, finished_at FROM jobs WHERE id = ?", (row[0],))
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_bad_model_spec_fails_before_the_run_is_recorded(tmp_path: Path) -> None:
    from codesteer.llm.errors import ModelSpecError

    spec = EvalSpec(methods="all_code_cot", task_models="nosuchprovider:x", tasks="game24", n=1)
    with pytest.raises(ModelSpecError, match="unknown model spec"):
        await run_eval_async(spec, tmp_path, cache=False)
    with RunStore(tmp_path) as store:
        assert store.config() is None and store.count() == 0 and store.runs() == []
    fixed = EvalSpec(methods="all_code_cot", task_models="task", tasks="game24", n=1)
    answers = reference_answers(fixed.instances()[0])
    summary = await run_eval_async(fixed, tmp_path, models={"task": task_model(answers)}, executor=literal_executor)
    assert summary.done == summary.correct == 1


async def test_samples_after_the_first_bypass_the_response_cache(tmp_path: Path) -> None:
    from codesteer.llm.cache import CachedModel, ResponseCache

    spec = EvalSpec(methods="all_code_cot", task_models="task", tasks="game24", n=1, samples=3)
    answers = reference_answers(spec.instances()[0])
    inner = task_model(answers)
    cached = CachedModel(inner, ResponseCache(tmp_path / "cache.db"))
    summary = await run_eval_async(spec, tmp_path / "run", models={"task": cached}, executor=literal_executor)
    assert summary.done == 3 and summary.correct == 3
    assert len(inner.calls) == 3  # sample 0 filled the cache; samples 1 and 2 asked the model again
    await run_eval_async(EvalSpec.from_dict({**spec.to_dict()}), tmp_path / "again", models={"task": cached},
                         executor=literal_executor)
    assert len(inner.calls) == 5  # a new run: sample 0 comes from the cache


async def test_live_progress_counts() -> None:
    import io

    from rich.console import Console

    from codesteer.eval.progress import LiveProgress
    from codesteer.eval.runner import JobResult
    from codesteer.eval.store import JobKey
    from codesteer.steer.trajectory import TASK, CallRecord, Trajectory

    refused = Console(file=io.StringIO(), force_terminal=True, width=120)
    with LiveProgress(refused):
        pass  # a run refused before planning draws nothing
    assert "eval" not in refused.file.getvalue()
    console = Console(file=io.StringIO(), force_terminal=False, width=120)
    with LiveProgress(console) as progress:
        progress.start(4, 1, 1, ["skipped something"])
        t = Trajectory(method="m", question="q", config=SteerConfig(), models={"task": "t"},
                       calls=[CallRecord(TASK, 0, "t", {}, 10, 5, 0.1)])
        instance = EvalSpec(methods="all_code_cot", task_models="t", tasks="game24", n=1).instances()[0][0]
        progress.advance(JobResult(Job(JobKey("m", "t", "", "game24", "x"), instance), t, "wrong_answer"))
    assert progress.done == 2 and progress.correct == 1 and progress.tokens == 15
    out = console.file.getvalue()
    assert "skipped something" in out and "resuming: 1 of 4" in out
