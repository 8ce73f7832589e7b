"""The console-script entry point: user errors are one line on stderr, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from codesteer.cli import main


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["codesteer", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return int(exit_info.value.code or 0)


def test_an_unwritable_output_path_is_one_error_line(tmp_path: Path, monkeypatch, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert _run(monkeypatch, "bench", "generate", "game24", "--n", "1", "--out", str(blocker / "x.jsonl")) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: File exists: ") and str(blocker) in err and "Traceback" not in err


def test_a_file_where_a_run_directory_should_be(tmp_path: Path, monkeypatch, capsys) -> None:
    blocker = tmp_path / "run"
    blocker.write_text("")
    args = ("eval", "--tasks", "game24", "--n", "1", "--methods", "only_question", "--no-progress", "--out")
    assert _run(monkeypatch, *args, str(blocker)) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: File exists: ") and "Traceback" not in err
