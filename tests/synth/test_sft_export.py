"""SFT selection and cleaning, exports read back by training, ``datasets``, TRL and LLaMA-Factory's layout."""

from __future__ import annotations

import json

import pytest

from codesteer.synth import open_run, pairs, sft_records, write_dpo, write_sft
from codesteer.synth.sft import STOP, SftRecord, balance
from codesteer.synth.stats import render, summarize
from codesteer.train.data import DataError, load_dpo_records, load_sft_records

from .helpers import RECOMPUTE, SFT, TREE, run, sft_spec, tree_spec


async def test_sft_keeps_the_shortest_correct_rollout_cleaned(tmp_path) -> None:
    await run(sft_spec(), SFT, str(tmp_path))
    _, rollouts = open_run(tmp_path)
    # sample 1 was right at round 0; its needless recompute is cut and the stop written cleanly
    [best] = sft_records(rollouts)
    assert best.sample == 1 and best.mode == "code" and best.rounds == 2
    assert [m["role"] for m in best.messages] == ["user", "assistant", "user", "assistant"]
    assert best.messages[1]["content"] == "<<<Code>>>" and best.messages[3]["content"] == STOP
    # without cleaning both are 3 rounds; both kept with keep=2, deduplicated, capped per task
    raw = sft_records(rollouts, keep=2, clean=False)
    assert sorted(r.sample for r in raw) == [0, 1] and all(r.rounds == 3 for r in raw)
    assert any(m["content"] == RECOMPUTE for m in raw[0].messages + raw[1].messages)
    assert len(sft_records(rollouts, keep=2, clean=False, per_task=1)) == 1


async def test_identical_conversations_are_kept_once(tmp_path) -> None:
    same = {0: "<<<Code>>>", 1: "<<<Return Answer>>>"}
    await run(sft_spec(), {0: same, 1: same}, str(tmp_path))
    _, rollouts = open_run(tmp_path)
    assert len(next(iter(rollouts.values()))) == 2
    assert len(sft_records(rollouts, keep=2)) == 1


def test_balance_alternates_modes_under_a_cap() -> None:
    def rec(mode: str, i: int) -> SftRecord:
        return SftRecord("t", f"{mode}{i}", 0, mode, [{"role": "user", "content": str(i)}])

    records = [rec("code", 0), rec("code", 1), rec("code", 2), rec("text", 0)]
    assert [r.instance_id for r in balance(records, 2)] == ["code0", "text0"]
    assert [r.instance_id for r in balance(records, None)] == ["code0", "text0", "code1", "code2"]


async def test_exports_load_in_training_datasets_and_trl(tmp_path) -> None:
    await run(sft_spec(), SFT, str(tmp_path / "sft"))
    await run(tree_spec(), TREE, str(tmp_path / "dpo"))
    _, rollouts = open_run(tmp_path / "sft")
    records = sft_records(rollouts, keep=2)
    spec, tree = open_run(tmp_path / "dpo")
    found = pairs(spec, tree)
    sft_paths = write_sft(records, tmp_path / "out")
    dpo_paths = write_dpo(found, tmp_path / "out")

    assert load_sft_records(sft_paths["jsonl"]) == [r.to_dict() for r in records]
    assert load_sft_records(sft_paths["hf"]) == [r.to_dict() for r in records]
    loaded = load_dpo_records(dpo_paths["jsonl"])
    assert len(loaded) == 2 and load_dpo_records(dpo_paths["hf"]) == loaded

    from datasets import load_dataset, load_from_disk
    from trl.data_utils import is_conversational

    sft_ds = load_dataset("json", data_files=str(sft_paths["jsonl"]), split="train")
    dpo_ds = load_from_disk(str(dpo_paths["hf"]))
    assert sft_ds.column_names == ["messages"]
    assert sorted(dpo_ds.column_names) == ["chosen", "prompt", "rejected"]
    assert all(is_conversational(row) for row in sft_ds) and all(is_conversational(row) for row in dpo_ds)
    for row in dpo_ds:
        assert row["prompt"][-1]["role"] == "user"
        assert [m["role"] for m in row["chosen"]] == ["assistant"] == [m["role"] for m in row["rejected"]]

    alpaca = json.loads(sft_paths["llamafactory"].read_text())
    first = alpaca[0]
    assert set(first) == {"instruction", "output", "history"}
    assert [first["history"][0][1], first["output"]] == [m["content"] for m in records[0].messages[1::2]]
    assert first["instruction"] == records[0].messages[-2]["content"]
    ranking = json.loads(dpo_paths["llamafactory"].read_text())
    assert [t["from"] for t in ranking[0]["conversations"]] == ["human", "gpt", "human"]
    assert ranking[0]["chosen"] == {"from": "gpt", "value": found[0].chosen}
    info = json.loads(dpo_paths["dataset_info"].read_text())
    assert info["codesteer_dpo"]["ranking"] is True and info["codesteer_dpo"]["formatting"] == "sharegpt"
    assert info["codesteer_sft"]["file_name"] == "sft_llamafactory.json"  # both kinds share the folder


def test_training_refuses_degenerate_pairs(tmp_path) -> None:
    from codesteer.synth.tree import Pair

    same = Pair("t", "i", 0, [{"role": "user", "content": "q"}], "<<<Code>>>", "<<<Code>>>", 1.0, 0.0)
    paths = write_dpo([same], tmp_path)
    with pytest.raises(DataError):
        load_dpo_records(paths["jsonl"])


async def test_stats_count_rollouts_rounds_shares_and_gaps(tmp_path) -> None:
    await run(tree_spec(), TREE, str(tmp_path))
    spec, rollouts = open_run(tmp_path)
    stats = summarize(spec, rollouts)
    assert stats["rollouts"] == 4 and stats["pairs"] == 2
    assert stats["per_task"]["number_multiply"] == {"instances": 1, "rollouts": 4, "correct": 2, "errors": 0}
    assert stats["rounds"] == {"2": 2, "3": 2}
    assert stats["first_choice_share"] == {"text": 1.0}
    assert stats["gap"] == {"min": 14.0, "median": 15.0, "mean": 15.0, "max": 16.0}
    assert "pairs: 2" in render(stats)


def test_dataset_info_replaces_an_unreadable_file(tmp_path) -> None:
    (tmp_path / "dataset_info.json").write_text("{not json")
    info = json.loads(write_sft([], tmp_path)["dataset_info"].read_text())
    assert list(info) == ["codesteer_sft"]
