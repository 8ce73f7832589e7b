"""Shared fixtures (where ``../shared`` lies) and the rule that a skip is not a pass in CI.

Under ``CI=true`` a skipped test, or a test module skipped at collection, is reported as a
failure with the skip's reason: in CI every extra, system package and shared fixture must be
there. Locally, skips stay skips (each says why).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
ORIGINAL = SHARED / "symbench-original"


@pytest.fixture(scope="session")
def original_root() -> Path:
    """Root of the released SymBench sample; tests that need it skip when it is absent."""
    if not ORIGINAL.is_dir():
        pytest.skip(f"released SymBench sample not found at {ORIGINAL}")
    return ORIGINAL


@pytest.fixture(scope="session")
def shared_tokenizers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of converted tokenizers for the whole session (conversion is deterministic)."""
    return tmp_path_factory.mktemp("tokenizers")


@pytest.fixture(autouse=True)
def private_response_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                           shared_tokenizers: Path) -> None:
    """Every test gets an empty response cache of its own: never the user's, never a hit left by
    an earlier run (a model-backed test must really call its model). Converted tokenizers, which
    are no answers, are shared by the session."""
    folder = tmp_path_factory.mktemp("response-cache")
    (folder / "tokenizers").symlink_to(shared_tokenizers, target_is_directory=True)
    monkeypatch.setenv("CODESTEER_CACHE_DIR", str(folder))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _fail_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    _fail_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> object:
    outcome = yield
    _fail_skip(outcome.get_result())
