"""Ordinary and broken (but not hostile) programs: results, errors, encodings, stdin."""

from __future__ import annotations

import pytest

from codesteer.sandbox import SandboxPool

from .conftest import in_force


def test_numpy_program(pool: SandboxPool) -> None:
    code = (
        "import numpy as np\n"
        "a = np.array([[3.0, 1.0], [1.0, 2.0]])\n"
        "x = np.linalg.solve(a, np.array([9.0, 8.0]))\n"
        "print(' '.join(f'{v:.6f}' for v in x))\n"
    )
    result = pool.run_sync(code)
    assert result.ok, result.stderr
    assert result.stdout == "2.000000 3.000000\n"
    assert result.exit_code == 0 and result.stderr == ""


def test_sympy_program(pool: SandboxPool) -> None:
    code = "import sympy as sp\nx = sp.symbols('x')\nprint(sorted(sp.solve(x**2 - 5*x + 6, x)))\n"
    result = pool.run_sync(code)
    assert result.ok, result.stderr
    assert result.stdout == "[2, 3]\n"


def test_itertools_search_program(pool: SandboxPool) -> None:
    code = (
        "from itertools import permutations\n"
        "hits = [p for p in permutations(range(1, 6)) if sum(i * v for i, v in enumerate(p)) == 40]\n"
        "print(len(hits), hits[0])\n"
    )
    result = pool.run_sync(code)
    expected = [p for p in __import__("itertools").permutations(range(1, 6))
                if sum(i * v for i, v in enumerate(p)) == 40]
    assert result.stdout == f"{len(expected)} {expected[0]}\n"


def test_stdlib_extension_modules_that_are_not_preloaded_import(runner: SandboxPool) -> None:
    code = "import csv, datetime, sqlite3, io\nprint(datetime.date(2024, 2, 29).isoformat(), sqlite3.sqlite_version > '3')\n"
    result = runner.run_sync(code)
    assert result.stdout == "2024-02-29 True\n", result.stderr


def test_program_can_use_its_working_directory_and_main_guard(pool: SandboxPool) -> None:
    code = (
        "import tempfile\n"
        "def main():\n"
        "    with open('data.txt', 'w') as f:\n"
        "        f.write('42')\n"
        "    with tempfile.NamedTemporaryFile('w', delete=False) as t:\n"
        "        t.write('x')\n"
        "    print(open('data.txt').read())\n"
        "if __name__ == '__main__':\n"
        "    main()\n"
    )
    assert pool.run_sync(code).stdout == "42\n"


@pytest.mark.parametrize("code", ["def f(:\n    pass\n", "print('unclosed\n", "  indented = 1\n"])
def test_syntax_errors_are_errors(runner: SandboxPool, code: str) -> None:
    result = runner.run_sync(code)
    assert result.outcome == "error" and result.exit_code == 1
    assert "Error" in result.stderr and "main.py" in result.stderr
    assert "codesteer" not in result.stderr, "the traceback must not show the sandbox's own frames"


def test_exceptions_and_exit_codes(pool: SandboxPool) -> None:
    failed = pool.run_sync("print('partial')\nraise ValueError('bad input')\n")
    assert failed.outcome == "error" and failed.exit_code == 1
    assert failed.stdout == "partial\n"
    assert failed.stderr.strip().endswith("ValueError: bad input")
    assert pool.run_sync("import sys\nsys.exit(3)\n").exit_code == 3
    assert pool.run_sync("import sys\nsys.exit(0)\n").outcome == "ok"
    message = pool.run_sync("raise SystemExit('fatal: no solution')\n")
    assert message.outcome == "error" and message.stderr == "fatal: no solution\n"


def test_crash_by_signal_is_killed(runner: SandboxPool) -> None:
    result = runner.run_sync("import ctypes\nctypes.string_at(0)\n")
    assert result.outcome == "killed" and result.killed
    assert result.exit_code is not None and result.exit_code < 0


def test_non_utf8_output_is_decoded_with_replacement(runner: SandboxPool) -> None:
    code = "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe end\\n')\nsys.stderr.buffer.write(b'\\xc3(\\n')\n"
    result = runner.run_sync(code)
    assert result.ok
    assert result.stdout == "ok \ufffd\ufffd end\n"
    assert result.stderr == "\ufffd(\n"


def test_unicode_output_round_trips(pool: SandboxPool) -> None:
    assert pool.run_sync("print('π ≈ 3.14159, 答案')").stdout == "π ≈ 3.14159, 答案\n"


def test_program_reads_stdin(runner: SandboxPool) -> None:
    code = "import sys\nn = int(input())\nnums = list(map(int, sys.stdin.read().split()))\nprint(n, sum(nums))\n"
    result = runner.run_sync(code, stdin="3\n10 20\n12\n")
    assert result.stdout == "3 42\n", result.stderr


def test_missing_stdin_reads_as_end_of_file(pool: SandboxPool) -> None:
    result = pool.run_sync("print(input())")
    assert result.outcome == "error" and "EOFError" in result.stderr


def test_large_stdin(pool: SandboxPool) -> None:
    data = "1\n" * 200_000
    result = pool.run_sync("import sys\nprint(sum(map(int, sys.stdin)))\n", stdin=data)
    assert result.stdout == "200000\n"


def test_times_are_reported(pool: SandboxPool) -> None:
    result = pool.run_sync("s = 0\nfor i in range(3_000_000):\n    s += i\nprint(s)\n")
    assert result.ok
    assert 0 < result.cpu_s <= result.wall_s + 0.05


def test_threads_subprocesses_and_multiprocessing_work(runner: SandboxPool) -> None:
    code = (
        "import subprocess, sys, threading\n"
        "from multiprocessing import Pool\n"
        "out = []\n"
        "threads = [threading.Thread(target=lambda i=i: out.append(i * i)) for i in range(4)]\n"
        "for t in threads:\n"
        "    t.start()\n"
        "for t in threads:\n"
        "    t.join()\n"
        "child = subprocess.run([sys.executable, '-c', 'print(40 + 2)'], capture_output=True, text=True)\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as pool:\n"
        "        print(sorted(out), child.stdout.strip(), pool.map(abs, [-1, -2, 3]))\n"
    )
    result = runner.run_sync(code)
    if not in_force("/dev/shm" in runner.isolation.filesystem, "the private /dev/shm"):
        pytest.skip("no private /dev/shm on this machine: multiprocessing is documented to fail")
    assert result.stdout == "[0, 1, 4, 9] 42 [1, 2, 3]\n", result.stderr
