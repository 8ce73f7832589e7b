"""``python -m codesteer.sandbox``: run a file, report isolation, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesteer.sandbox.__main__ import main


def test_runs_a_file_and_returns_its_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "prog.py"
    program.write_text("print('hello')\nraise SystemExit(3)\n")
    assert main([str(program)]) == 3
    out, err = capsys.readouterr()
    assert out == "hello\n"
    assert json.loads(err.strip().splitlines()[-1])["outcome"] == "error"


def test_timeout_maps_to_124(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "loop.py"
    program.write_text("while True:\n    pass\n")
    assert main([str(program), "--timeout", "1"]) == 124
    assert '"timed_out"' in capsys.readouterr().err


def test_report_and_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--report"]) == 0
    assert set(json.loads(capsys.readouterr().out)) >= {"user", "network", "filesystem", "warnings"}
    assert main(["/nonexistent/prog.py"]) == 2
    assert "error:" in capsys.readouterr().err
