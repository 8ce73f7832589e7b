"""Fixtures of the evaluation tests: a small spec, scripted models knowing the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesteer.eval import EvalSpec
from codesteer.steer import SteerConfig

from .world import reference_answers, steer_model, task_model

TASKS = "game24,navigate,number_multiply"
WRONG = ("navigate",)


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No response cache shared with the person's shell."""
    monkeypatch.setenv("CODESTEER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def spec() -> EvalSpec:
    return EvalSpec(methods="codesteer,all_code_cot,only_question", task_models="task", steer_model="steer",
                    tasks=TASKS, n=2, seed=3, steer=SteerConfig(self_check=False, sandbox_timeout_s=5.0))


@pytest.fixture
def models(spec: EvalSpec) -> dict:
    instances, _ = spec.instances()
    return {"task": task_model(reference_answers(instances, WRONG)), "steer": steer_model()}
