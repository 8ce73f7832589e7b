"""Shared fixtures: where the released SymBench sample lives (``../shared`` beside the project)."""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def private_response_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty response cache of its own: never the user's, never a hit left by
    an earlier run (a model-backed test must really call its model)."""
    monkeypatch.setenv("CODESTEER_CACHE_DIR", str(tmp_path_factory.mktemp("response-cache")))
