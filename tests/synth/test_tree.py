"""Branching, replay and scoring end to end on scripted models, against hand-computed scores."""

from __future__ import annotations

import pytest

from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer.prompts import render
from codesteer.synth import open_run, pairs, teacher_config
from codesteer.synth.tree import branch_text, build_tree, parse_branch, prompt_at, rollout_of

from .helpers import FAILED, RECOMPUTE, TREE, failed_spec, instance, place, run, task_model, tree_spec


def test_branch_paths_round_trip() -> None:
    for path in [((0, 1),), ((1, 2), (3, 1)), ((0, 9), (1, 1), (2, 3)), ((12, 10), (14, 1))]:
        assert parse_branch(branch_text(path)) == path
    assert branch_text(((1, 2), (3, 1))) == "1.2/3.1" and branch_text(()) == "" and parse_branch("") == ()
    with pytest.raises(ValueError, match="branch path"):
        parse_branch("1-2")


def test_rollouts_stored_by_0_1_0_are_read() -> None:
    """0.1.0 packed a branch path into the sample number ("1" + digits of each round, sibling)."""
    assert rollout_of(11231, "") == (0, ((1, 2), (3, 1))) and rollout_of(3, "") == (3, ())
    assert rollout_of(0, "0.1") == (0, ((0, 1),))


async def test_tree_scores_and_pairs_match_hand_computation(tmp_path) -> None:
    summary, teacher = await run(tree_spec(), TREE, str(tmp_path))
    assert summary.stored == 4 and summary.ran_now == 4 and not summary.budget_reached
    # branches replay their prefix: the teacher is never asked again for a replayed round
    assert sorted(teacher.calls) == [(0, 0), (0, 1), (0, 2), (101, 0), (101, 1), (111, 1), (10111, 1), (10111, 2)]
    # 8 teacher calls + 4 task calls were really made; replayed ones are marked cached
    assert (summary.calls, summary.tokens > 0) == (12, True)

    spec, rollouts = open_run(tmp_path)
    [(_key, samples)] = rollouts.items()
    assert sorted(samples) == sorted(place(n) for n in (0, 101, 111, 10111))
    tree = build_tree({path: t for (_, path), t in samples.items()})
    # round 0: root mean(12, -2) = 5; 101: mean(13, -3) = 5
    assert [(n.guidance, n.score) for n in tree] == [("<<<Text>>>", 5.0), ("<<<Code>>>", 5.0)]
    assert [(c.guidance, c.score) for c in tree[0].children] == [("<<<Code>>>", 12.0), ("<<<Return Answer>>>", -2.0)]
    assert [(c.guidance, c.score) for c in tree[1].children] == [("<<<Return Answer>>>", 13.0), ("<<<Text>>>", -3.0)]

    found = pairs(spec, rollouts, min_gap=0)
    # the round-0 tie (5 vs 5) gives no pair
    assert [(p.round, p.chosen, p.rejected, p.score_chosen, p.score_rejected) for p in found] == [
        (1, "<<<Code>>>", "<<<Return Answer>>>", 12.0, -2.0),
        (1, "<<<Return Answer>>>", "<<<Text>>>", 13.0, -3.0),
    ]
    assert [p.gap for p in pairs(spec, rollouts, min_gap=15)] == [16.0]
    assert pairs(spec, rollouts, min_gap=16) == []  # the gap must exceed the threshold
    with pytest.raises(ValueError, match="min_gap"):
        pairs(spec, rollouts, min_gap=-1)

    prompt = found[0].prompt
    assert [m["role"] for m in prompt] == ["user", "assistant", "user"]
    assert prompt[1]["content"] == "<<<Text>>>" and "Roughly <<<1>>>" in prompt[2]["content"]
    header = render("steer_decision", question=instance().question).text
    assert header not in prompt[2]["content"]  # the student is shown the bare turn
    assert header in samples[place(0)].conversation("steer")[2]["content"]  # the teacher saw the header
    # siblings really share the prefix: the branch replayed the root's first reply
    assert samples[place(111)].conversation("task")[:2] == samples[place(0)].conversation("task")[:2]
    assert found[1].prompt[1]["content"] == "<<<Code>>>"


async def test_branches_replay_executions_and_checks_of_their_prefix(tmp_path) -> None:
    """Each program "run" answers differently: a re-run instead of a replay would change the prompt."""
    runs: list[str] = []

    async def numbered(code: str, *, config: SandboxConfig) -> Execution:
        runs.append(code)
        printed = code.split("print('")[1].split("')")[0]  # the scripted programs only print a literal
        return Execution(f"{printed}\nrun {len(runs)}\n", "", 0, "ok", 0.01, 0.01)

    spec = tree_spec().with_(steer=teacher_config(max_rounds=2, self_check=True))
    summary, _ = await run(spec, TREE, str(tmp_path), task=task_model(write_code=True), executor=numbered)
    assert summary.stored == 4
    spec, rollouts = open_run(tmp_path)
    samples = rollouts[next(iter(rollouts))]
    assert samples[place(0)].rounds[1].execution.stdout.startswith("<<<")  # code answered round 1
    # 111 replays round 0 (the text reply and its self-check run) from the root
    assert samples[place(111)].rounds[0].self_check == samples[place(0)].rounds[0].self_check
    assert prompt_at(samples[place(111)], 1) == prompt_at(samples[place(0)], 1)
    # 10111 replays 101's round 0: its code run and its check run
    assert samples[place(10111)].rounds[0].execution == samples[place(101)].rounds[0].execution
    assert prompt_at(samples[place(10111)], 1) == prompt_at(samples[place(101)], 1)
    assert len(pairs(spec, rollouts)) == 2
    # its round-0 guidance, reply and check were replayed, not asked again
    assert [(str(c.conversation), c.round) for c in samples[place(10111)].calls if c.cached] == [
        ("steer", 0), ("task", 0), ("self_check:0", 0)]


async def test_failed_mode_pairs_correct_resamples_against_the_original(tmp_path) -> None:
    summary, _ = await run(failed_spec(), FAILED, str(tmp_path))
    assert summary.stored == 5
    spec, rollouts = open_run(tmp_path)
    found = pairs(spec, rollouts)
    # 102 ends correct but repeats the original round-0 guidance: a degenerate pair, dropped
    assert [(p.round, p.chosen, p.rejected, p.score_chosen, p.score_rejected) for p in found] == [
        (0, "<<<Code>>>", "<<<Text>>>", 13.0, -2.0),
        (1, RECOMPUTE, "<<<Return Answer>>>", 12.0, -2.0),
    ]
    assert all(p.chosen != p.rejected for p in found)
    assert len(pairs(spec, rollouts, min_gap=14.5)) == 1


async def test_budget_stops_cleanly_and_resumes_to_the_same_data(tmp_path) -> None:
    reference, _ = await run(tree_spec(), TREE, str(tmp_path / "ref"))
    first, _ = await run(tree_spec(), TREE, str(tmp_path / "run"), budget=_budget(4))
    assert first.budget_reached and first.stored < 4 and first.left > 0
    again, _ = await run(tree_spec(), TREE, str(tmp_path / "run"), budget=_budget(4))
    assert again.ran_now == 0 and again.budget_reached  # the spent budget is remembered
    done, teacher = await run(tree_spec(), TREE, str(tmp_path / "run"))
    assert done.stored == 4 and done.calls == reference.calls
    assert all(n != 0 for n, _ in teacher.calls)  # the stored root was not run again
    assert pairs(*open_run(tmp_path / "run")) == pairs(*open_run(tmp_path / "ref"))


async def test_another_spec_is_refused(tmp_path) -> None:
    from codesteer.eval.store import RunMismatchError

    await run(tree_spec(), TREE, str(tmp_path))
    with pytest.raises(RunMismatchError):
        await run(tree_spec().with_(width=3), TREE, str(tmp_path))


def _budget(calls: int):
    from codesteer.synth import Budget

    return Budget(calls=calls)
