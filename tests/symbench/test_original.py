"""The released-data loader over the whole shared sample, check_original and write_fixed."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from codesteer.symbench.audit import check_original, write_fixed
from codesteer.symbench.original import (
    iter_bbh_items,
    iter_csv_items,
    iter_json_file_items,
    iter_jsonl_items,
    iter_task_items,
    load_task,
)
from codesteer.symbench.registry import all_tasks

CANONICAL = ["game24", "path_plan", "boxlift", "boxnet", "blocksworld", "date_understanding", "web_of_lies", "logical_deduction", "navigate", "gsm_hard", "math_geometry", "math_counting_probability", "logical_equation", "new_operator", "pooling", "light_puzzles", "mahjong", "statistical_counting", "matrix_transformation", "logical_puzzle", "constrained_linear_arrangement", "pattern_recognition", "string_insertion", "letter_logic_diagram", "string_deletion_modification", "string_synthesis", "reversi", "standard_sudoku", "letters", "eight_queens", "number_multiply", "cryptanalysis", "string_splitting", "combinatorial_calculation", "synthesis_decomposition", "game_2048", "permutations_combinations"]
REPORT_KEYS = {"loaded", "truth_checked", "truth_ok", "truth_rejected", "has_solver", "solved", "unsolvable",
               "load_failures", "judge_errors"}


@pytest.mark.parametrize("name", CANONICAL)
def test_every_registered_task_loads_its_released_items(original_root: Path, name: str) -> None:
    task = all_tasks().get(name)
    if task is None:
        pytest.skip(f"{name} is not registered yet")
    if not any((original_root / d).exists() for d in task.original_dirs):
        pytest.skip(f"the shared sample has no data for {name}")
    instances, failures = load_task(original_root, task)
    assert instances, f"{name}: nothing loaded; failures: {failures[:3]}"
    assert all(i.task == name and i.source.startswith("original:") for i in instances)


def test_check_original_loads_every_item_of_the_shared_sample(original_root: Path) -> None:
    """Every file of the sample lies in some task's released folders, and every item there loads
    (the training split included); every released gold is accepted or rejected with a reason."""
    folders = [original_root / d for task in all_tasks().values() for d in task.original_dirs]
    unread = [p for p in original_root.rglob("*") if p.is_file() and not any(p.is_relative_to(f) for f in folders)]
    assert not unread, unread[:5]
    report = check_original(original_root)
    for name, row in report.items():
        items = list(iter_task_items(original_root, all_tasks()[name]))
        assert row["load_failures"] == [] and row["loaded"] == len(items) > 0, name
        assert all(entry["reason"] for entry in row["truth_rejected"]), name
    assert report["boxlift"]["loaded"] == 70 and report["boxnet"]["loaded"] == 55  # 50 and 30 training items


def test_row_readers_ids_and_fields(original_root: Path) -> None:
    rows = list(iter_csv_items(original_root / "game24_dataset"))
    first = rows[0]
    assert first.item_id == "game24_dataset/24/24.csv#0" and first.record["Puzzles"] == "1 1 4 6"
    assert first.complexity == {"target": 24, "count": 4} and first.solution is None
    variant = next(r for r in rows if r.item_id.startswith("game24_dataset/240/"))
    assert variant.complexity == {"target": 240, "count": 20} and variant.solution
    bbh = list(iter_bbh_items(original_root / "BIG-Bench-Hard/bbh/navigate.json"))
    assert bbh[3].item_id == "BIG-Bench-Hard/bbh/navigate.json#3" and bbh[3].question and bbh[3].solution
    gsm = list(iter_jsonl_items(original_root / "gsmhardv2.jsonl"))
    assert gsm[1].item_id == "gsmhardv2.jsonl#1" and gsm[1].solution == 3431580.0
    math = list(iter_json_file_items(original_root / "MATH/train/counting_and_probability"))
    assert [m.item_id.rsplit("/", 1)[1] for m in math] == ["1.json", "5.json", "8.json", "9.json", "11.json"]


def test_unreadable_rows_become_load_failures(tmp_path: Path) -> None:
    (tmp_path / "gsmhardv2.jsonl").write_text('{"input": "q", "target": 2}\nnot json\n', encoding="utf-8")
    from codesteer.symbench.registry import get_task

    instances, failures = load_task(tmp_path, get_task("gsm_hard"))
    assert len(instances) == 1 and failures[0][0] == "gsmhardv2.jsonl#1"


@pytest.fixture
def small_release(original_root: Path, tmp_path: Path) -> Path:
    """A release with known defects: a wrong gold, an unsolvable item, float-approximate game24 golds."""
    root = tmp_path / "release"
    cc = root / "combinatorial_calculation"
    for k in (0, 1):
        shutil.copytree(original_root / f"combinatorial_calculation/sample_{k}", cc / f"sample_{k}")
    wrong = json.loads((cc / "sample_1/solution.json").read_text())
    wrong["solution"] = ["7", "+", "1", "+", "4"]  # 12, not 10
    (cc / "sample_1/solution.json").write_text(json.dumps(wrong))
    shutil.copytree(cc / "sample_0", cc / "sample_2")
    impossible = {"numbers": [1, 1, 1], "target": 10, "solution": ["1", "+", "1", "+", "1"], "complexity": 1}
    (cc / "sample_2/solution.json").write_text(json.dumps(impossible))
    game = root / "game24_dataset/24"
    game.mkdir(parents=True)
    with (game / "24_4_number.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([["Rank", "Puzzles", "Solutions"], ["1", "4 4 6 8", "(4+8)*(6-4)"],
                          ["2", "3 3 8 8", "8/(3-8/3)"], ["3", "1 2 3 4", "1*2*3+4"],
                          ["4", "1 1 1 1", "1+1+1+1"]])
    return root


def test_check_original_counts_and_shape(small_release: Path) -> None:
    report = check_original(small_release, reference=True)
    assert set(report) == {"game24", "combinatorial_calculation"}
    for entry in report.values():
        assert set(entry) >= REPORT_KEYS
        assert json.loads(json.dumps(entry)) == entry
    cc = report["combinatorial_calculation"]
    assert (cc["loaded"], cc["truth_checked"], cc["truth_ok"]) == (3, 3, 1)
    assert {r["id"] for r in cc["truth_rejected"]} == {
        "combinatorial_calculation/sample_1", "combinatorial_calculation/sample_2"}
    assert all("not 10" in r["reason"] for r in cc["truth_rejected"])
    assert (cc["has_solver"], cc["solved"], cc["unsolvable"]) == (True, 2, 1)
    game = report["game24"]
    assert (game["loaded"], game["truth_ok"], game["solved"], game["unsolvable"]) == (4, 2, 3, 1)
    assert [r["id"] for r in game["truth_rejected"]] == [
        "game24_dataset/24/24_4_number.csv#2", "game24_dataset/24/24_4_number.csv#3"]


def test_a_failing_judge_is_reported_not_raised_nor_counted_as_a_rejection(small_release: Path, tmp_path: Path,
                                                                         monkeypatch) -> None:
    from codesteer.symbench.registry import get_task

    def broken(self, instance, answer):
        raise IndexError("bug")

    monkeypatch.setattr(type(get_task("game24")), "judge_answer", broken)
    game = check_original(small_release, tasks=["game24"], reference=True)["game24"]
    assert len(game["judge_errors"]) == 4 and "IndexError: bug" in game["judge_errors"][0]["reason"]
    assert (game["truth_checked"], game["truth_rejected"], game["solved"]) == (0, [], 0)
    assert all("the game24 judge failed" in f["reason"] for f in game["reference_failures"])
    manifest = write_fixed(small_release, tmp_path / "fixed", tasks=["game24"])
    assert manifest["changes"] == [] and {u["why"] for u in manifest["unfixed"]} == {"the judge failed"}


def test_check_original_without_solving_and_with_a_task_filter(small_release: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    report = check_original(small_release, tasks=["game24"], progress=lambda *a: calls.append(a))
    assert list(report) == ["game24"] and report["game24"]["solved"] == 0
    assert calls[-1] == ("game24", 4, 4)


def test_write_fixed_replaces_and_drops_with_a_manifest(small_release: Path, tmp_path: Path) -> None:
    out = tmp_path / "fixed"
    manifest = write_fixed(small_release, out)
    assert json.loads((out / "manifest.json").read_text()) == manifest
    changes = {c["id"]: c for c in manifest["changes"]}
    replaced = changes["combinatorial_calculation/sample_1"]
    assert replaced["action"] == "replace" and replaced["file"].endswith("sample_1/solution.json")
    assert "not 10" in replaced["reason"]
    assert changes["combinatorial_calculation/sample_2"]["action"] == "drop"
    assert not (out / "combinatorial_calculation/sample_2").exists()
    assert changes["game24_dataset/24/24_4_number.csv#3"]["action"] == "drop"
    assert changes["game24_dataset/24/24_4_number.csv#2"]["action"] == "replace"
    assert manifest["unfixed"] == []
    # The corrected copy passes its own check: every gold accepted, nothing unsolvable.
    again = check_original(out, reference=True)
    for entry in again.values():
        assert entry["truth_rejected"] == [] and entry["unsolvable"] == 0
    assert again["combinatorial_calculation"]["loaded"] == 2 and again["game24"]["loaded"] == 3
    with pytest.raises(FileExistsError):
        write_fixed(small_release, out)
