"""Reading training data: clear errors for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesteer.train.data import DataError, load_sft_records


def test_a_folder_that_is_not_a_saved_dataset_is_a_data_error(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    with pytest.raises(DataError, match="not a saved dataset"):
        load_sft_records(tmp_path)


@pytest.mark.parametrize(("text", "message"), [
    ("", "no records"),
    ('{"messages": [\n', r":1: not valid JSON"),
    ("[1, 2]\n", "missing 'messages'"),
])
def test_bad_jsonl_is_a_data_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sft.jsonl"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        load_sft_records(path)


def test_a_saved_dataset_folder_is_read(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    record = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "<<<Code>>>"}]}
    datasets.Dataset.from_list([record]).save_to_disk(str(tmp_path / "sft_hf"))
    assert load_sft_records(tmp_path / "sft_hf") == [record]
