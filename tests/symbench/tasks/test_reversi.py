from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.reversi import flatten, parse_board, place, play, start_board

TASK = get_task("reversi")


def _rows(*lines: str) -> list[list[str]]:
    return [list(line) for line in lines]


def test_flips_follow_closed_lines_in_every_direction() -> None:
    board = _rows("****", "*10*", "*01*", "****")
    assert start_board(4) == board
    # black at (4,3) 1-based closes the column line through (3,3) against (2,3)
    assert place(board, 3, 2, "0") == _rows("****", "*10*", "*00*", "**0*")
    # an open line does not flip
    assert place(board, 0, 0, "0") == _rows("0***", "*10*", "*01*", "****")
    # several lines at once
    wide = _rows("0*0*", "*11*", "01**", "****")
    assert place(wide, 2, 2, "0") == _rows("0*0*", "*00*", "000*", "****")
    with pytest.raises(ValueError, match="occupied"):
        place(board, 1, 1, "0")
    with pytest.raises(ValueError, match="round 2"):
        play(board, [[1, 1], [1, 1]], "0")


def test_rounds_alternate_starting_with_you() -> None:
    board = start_board(4)
    after = play(board, [[4, 3], [4, 4]], "0")
    assert after[3][2] == "0" and after[3][3] == "1"


def test_parse_board_formats() -> None:
    board = _rows("*0**", "*00*", "*01*", "****")
    flat = flatten(board)
    for text in (flat, flat.replace(",", " "), "\n".join("".join(r) for r in board), str(board), "".join(flat.split(","))):
        assert parse_board(text, 4) == board, text
    for bad in (flat[:-2], flat.replace("*", "x"), flat + ",*"):
        with pytest.raises(AnswerFormatError):
            parse_board(bad, 4)


def test_judge_rejects_the_unplayed_board_and_single_wrong_cells() -> None:
    instance = TASK.generate(5, level="3")
    right = TASK.reference_answer(instance)
    assert TASK.judge(instance, right).correct
    shown = ",".join(ch for row in instance.data["board"] for ch in row)
    assert "should be" in TASK.judge(instance, f"<<<{shown}>>>").reason  # the release's defect
    cells = right[3:-3].split(",")
    i = next(k for k, v in enumerate(cells) if v != "*")
    cells[i] = "1" if cells[i] == "0" else "0"
    verdict = TASK.judge(instance, "<<<" + ",".join(cells) + ">>>")
    assert not verdict.correct and f"({i // 8 + 1},{i % 8 + 1})" in verdict.reason


def test_generated_moves_are_legal_and_questions_differ() -> None:
    questions = set()
    for seed in range(25):
        instance = TASK.generate(seed)
        questions.add(instance.question)
        assert "Round 1: Your's landing position" in instance.question
        assert instance.data["moves"]
    assert len(questions) >= 20


def test_released_items_are_rejected_for_their_defect(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert instances and not failures
    for instance in instances:
        gold = instance.data[RELEASED_ANSWER]
        # the gold is the board the question already shows
        assert gold.replace(",", "") == "".join(instance.data["board"])
        verdict = TASK.judge(instance, f"<<<{gold}>>>")
        assert not verdict.correct and "already occupied" in verdict.reason
        with pytest.raises(NoSolutionError, match="already occupied"):
            TASK.reference_answer(instance)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_each_move_adds_one_piece_and_only_flips_to_the_mover(seed: int) -> None:
    instance = TASK.generate(seed, level="4")
    board = [list(row) for row in instance.data["board"]]
    you = instance.data["you"]
    for k, (r, c) in enumerate(instance.data["moves"]):
        mover = you if k % 2 == 0 else ("1" if you == "0" else "0")
        after = place(board, r - 1, c - 1, mover)
        changed = [(i, j) for i in range(len(board)) for j in range(len(board)) if board[i][j] != after[i][j]]
        assert all(after[i][j] == mover for i, j in changed)
        assert sum(row.count("*") for row in after) == sum(row.count("*") for row in board) - 1
        board = after
