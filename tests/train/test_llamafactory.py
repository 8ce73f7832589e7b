"""Training from LLaMA-Factory files, the release's format: readers, errors, and the tiny run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.synth.llamafactory import alpaca
from codesteer.train.data import DataError, load_dpo_records, load_sft_records
from tests.conftest import SHARED

#: Two steering conversations in the release's registered layout (alpaca columns with history).
ALPACA = [
    {"instruction": "The response from TaskLLM is: 31 ...", "input": "",
     "output": "Search all orders of the numbers with code. <<<Code>>>",
     "history": [["Choose code or text for: use 4 4 4 11 to make 24", "Use code: enumerate the expressions."]]},
    {"instruction": "The response from TaskLLM is: 24 ...", "input": "The checker says Correct.",
     "output": "<<<Return Answer>>>", "history": []},
]
SHAREGPT_PAIR = {
    "conversations": [{"from": "human", "value": "Choose code or text for: sort 9 numbers"},
                      {"from": "gpt", "value": "Use text."},
                      {"from": "human", "value": "The response from TaskLLM is: wrong order"}],
    "chosen": {"from": "gpt", "value": "Write code that sorts and prints them. <<<Code>>>"},
    "rejected": {"from": "gpt", "value": "<<<Return Answer>>>"},
    "score_chosen": 13, "score_rejected": -2,
}


def _write(path: Path, records: list) -> Path:
    path.write_text(json.dumps(records, indent=1))
    return path


def test_the_release_registers_alpaca_columns_with_history() -> None:
    info = SHARED / "original-codesteer" / "data" / "dataset_info.json"
    if not info.is_file():
        pytest.skip(f"the release's dataset_info.json is not at {info}")
    entry = json.loads(info.read_text())["CodeSteer_SFT_dataset_total_1"]
    assert entry["columns"] == {"prompt": "instruction", "response": "output", "history": "history"}


def test_alpaca_records_become_multi_turn_conversations(tmp_path: Path) -> None:
    records = load_sft_records(_write(tmp_path / "sft.json", ALPACA))
    first, second = (r["messages"] for r in records)
    assert [m["role"] for m in first] == ["user", "assistant", "user", "assistant"]
    assert first[1]["content"] == "Use code: enumerate the expressions." and first[3]["content"].endswith("<<<Code>>>")
    assert second[0]["content"] == "The response from TaskLLM is: 24 ...\nThe checker says Correct."
    assert alpaca(first) == {k: v for k, v in ALPACA[0].items() if k != "input"}  # our export reads back


def test_sharegpt_records_and_pairs(tmp_path: Path) -> None:
    [sft] = load_sft_records(_write(tmp_path / "sft.json", [{"conversations": SHAREGPT_PAIR["conversations"][:2]}]))
    assert sft["messages"][1] == {"role": "assistant", "content": "Use text."}
    pairs = load_dpo_records(_write(tmp_path / "dpo.json", [SHAREGPT_PAIR, {
        "instruction": "Choose code or text for: 3 * 7", "input": "", "history": [],
        "chosen": "<<<Code>>>", "rejected": "<<<Text>>>"}]))
    assert [m["role"] for m in pairs[0]["prompt"]] == ["user", "assistant", "user"]
    assert pairs[0]["chosen"] == [{"role": "assistant", "content": SHAREGPT_PAIR["chosen"]["value"]}]
    assert pairs[1]["rejected"] == [{"role": "assistant", "content": "<<<Text>>>"}]


@pytest.mark.parametrize(("record", "message"), [
    ({"instruction": "q", "output": "a", "history": "not a list"}, "history must be a list"),
    ({"instruction": "q", "output": "a", "history": [["only one"]]}, r"history turn 0 must be a \[user, assistant\] pair"),
    ({"instruction": 3, "output": "a"}, "instruction must be text"),
    ({"conversations": [{"from": "robot", "value": "x"}]}, r"conversations\[0\] must be"),
    ({"instruction": "q"}, "an SFT record needs instruction/output"),
])
def test_a_malformed_record_is_named_by_file_and_number(tmp_path: Path, record: dict, message: str) -> None:
    path = _write(tmp_path / "sft.json", [ALPACA[0], record])
    with pytest.raises(DataError, match=rf"sft\.json record 2: {message}"):
        load_sft_records(path)


def test_a_hub_file_spec_is_checked_before_any_download(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="hub:REPO:FILE"):
        load_sft_records("hub:yongchao98/SymBench")


def _config(tmp_path: Path, **model: str) -> Path:
    from codesteer.train.config import shipped_configs

    raw = yaml.safe_load(shipped_configs()["tiny-cpu"].read_text())
    raw["model"].update(model)
    raw["training"]["max_steps"] = 2
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.slow
@pytest.mark.train
async def test_training_on_the_release_format_gives_a_steerer_for_the_original_prompts(tmp_path: Path) -> None:
    """codesteer train sft on an alpaca file; the card says ``original``; the engine holds it to that."""
    from codesteer.llm.card import read_card
    from codesteer.llm.hf import TransformersModel
    from codesteer.llm.scripted import ScriptedModel
    from codesteer.steer import SteerConfig, solve
    from codesteer.steer.trajectory import STEER

    data = _write(tmp_path / "CodeSteer_SFT_dataset_total_1.json", ALPACA)
    runs = {}
    for name, template in (("smol", {}), ("llama3", {"chat_template": "llama3"})):
        result = CliRunner().invoke(app, ["train", "sft", "--config", str(_config(tmp_path, **template)),
                                          "--data", str(data), "--prompts", "original", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert "loss: first" in result.output
        runs[name] = tmp_path / name / "final"
        assert read_card(runs[name]).prompts == "original"
    task = ScriptedModel(["```python\nprint(6)\n```"], repeat_last=True)
    release = f"original:{SHARED / 'original-codesteer'}"
    with pytest.raises(ValueError, match="--prompts original:PATH"):  # trained on the original set
        await solve("What is 1+2+3?", task_model=task, steer_model=TransformersModel(str(runs["llama3"])),
                    config=SteerConfig(max_rounds=0, self_check=False))
    with pytest.raises(ValueError, match="adds a system turn"):  # SmolLM2's template injects one
        await solve("What is 1+2+3?", task_model=task, steer_model=TransformersModel(str(runs["smol"])),
                    config=SteerConfig(max_rounds=0, self_check=False, prompts=release))
    t = await solve("What is 1+2+3?", task_model=task, steer_model=TransformersModel(str(runs["llama3"])),
                    config=SteerConfig(max_rounds=1, self_check=False, prompts=release, protocol="original").capped(8))
    assert t.steering.style == "finetuned" and t.steering.source == "card" and t.steering.prompts.startswith("original@")
    assert all(m["role"] != "system" for m in t.conversation(STEER))
