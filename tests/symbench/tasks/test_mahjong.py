from __future__ import annotations

from collections import Counter

from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.mahjong import CHI, PASS, PENG, Mahjong, judge_round, play, question_text

TASK = Mahjong()


def test_round_judgement() -> None:
    hand = Counter("AABDEXYZ")
    assert judge_round(hand, "A", chi=True) == PENG
    assert judge_round(hand, "C", chi=True) == CHI  # B, D around it (and A, B / D, E)
    assert judge_round(hand, "C", chi=False) == PASS
    assert judge_round(hand, "W", chi=True) == CHI  # X, Y above it
    assert judge_round(hand, "M", chi=True) == PASS
    # runs never wrap past Z, and one held copy is not a Peng
    assert judge_round(Counter("ZAB"), "Y", chi=True) == PASS
    assert judge_round(Counter("MNO"), "M", chi=False) == PASS
    # Peng takes precedence over Chi; duplicates in the hand do not hide a run
    assert judge_round(Counter("BBCC"), "B", chi=True) == PENG
    assert judge_round(Counter("BBCC"), "D", chi=True) == CHI


def test_play_removes_after_judging() -> None:
    rounds = [{"add": "Q", "remove": "Q"}, {"add": "Q", "remove": "A"}, {"add": "Q", "remove": None}]
    assert play("QAB", rounds, chi=False) == [PASS, PASS, PENG]
    assert play("QAB", [{"add": "C", "remove": "A"}, {"add": "C", "remove": None}], chi=True) == [CHI, PASS]


def test_judge_right_wrong_and_disallowed() -> None:
    seen = set()
    for seed in range(40):
        inst = TASK.generate(seed, level="2")
        right = TASK.reference_answer(inst)
        assert TASK.judge(inst, right).correct
        value = int(right[3:-3])
        seen.add(value)
        wrong = TASK.judge(inst, f"<<<{(value + 1) % 3}>>>")
        assert not wrong.correct and f"is {('Pass', 'Peng', 'Chi')[value]} ({value})" in wrong.reason
    assert seen == {PASS, PENG, CHI}
    short = TASK.generate(0, rounds=2)
    assert not short.data["chi"] and "2 for Chi" not in short.question
    assert "only allow 0 (Pass), 1 (Peng)" in TASK.judge(short, "<<<2>>>").reason
    assert "unreadable" in TASK.judge(short, "<<<Peng>>>").reason


def test_released_golds_judged_by_the_stated_rules(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) == 5
    verdicts = {i.id.split("/")[-1]: TASK.judge(i, f"<<<{i.data[RELEASED_ANSWER]}>>>") for i in instances}
    # sample_2 is a one-round item without Chi whose gold is 2 (Chi): the release's defect
    assert not verdicts["sample_2"].correct
    assert "only allow 0 (Pass), 1 (Peng)" in verdicts["sample_2"].reason
    assert TASK.reference_answer(next(i for i in instances if i.id.endswith("sample_2"))) == "<<<0>>>"
    assert all(v.correct for k, v in verdicts.items() if k != "sample_2")
    for inst in instances:  # the released items have no Chi; our wording reproduces theirs
        assert question_text(inst.data["initial_cards"], inst.data["rounds"], chi=False) == inst.question
