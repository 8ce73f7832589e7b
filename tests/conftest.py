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
