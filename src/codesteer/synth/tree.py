"""Guidance trees: which rollouts branch from which, and how guidance nodes are scored.

**Rollouts and paths.** Every rollout is a complete CodeSteer trajectory. A rollout is named by
its *path*, the branch points that separate it from the instance's root rollout: ``()`` is the
root; ``path + ((k, j),)`` is the ``j``-th alternative sampled at round ``k`` from the rollout
``path``: it replays that rollout's rounds ``0 .. k-1`` exactly (same guidance, replies,
executions and checks) and samples its own guidance from round ``k`` on. In the store a path is
the job's ``branch`` text, ``k.j`` per branch point joined by ``/``: ``(1, 2), (3, 1)`` is
``"1.2/3.1"``; a root's is empty. (codesteer 0.1.0 packed paths into the sample number,
``"1"`` + the digits of each ``k, j``; such rollouts are still read.)

**Rounds.** Round ``k`` is the steering model's ``k``-th output (round 0 is the code/text choice);
``n``, a rollout's *rounds*, is the number of steering outputs it made (a stop decision counts:
"Code, then Return Answer" is 2 rounds; a run cut by ``max_rounds`` made ``max_rounds + 1``).

**Tree mode (the paper's).** The root branches at rounds ``0 .. depth-1`` and every other
rollout at rounds after its own branch round up to ``depth-1``; each branch point gets
``width - 1`` alternatives, so each node has up to ``width`` sibling guidances. A guidance
node is (prefix, round ``k``, guidance). A node is a *leaf* when its rollout ended at round
``k``: it scores ``15 - n`` if the rollout's final answer was judged correct, ``-n`` otherwise.
An inner node scores the plain mean of its children (the next round's sibling guidances under
it). Pairs: among the children of one node (siblings: same prefix, same round), every ordered
pair whose score difference is **strictly greater** than ``min_gap`` gives (prefix, higher,
lower); equal scores (and gaps ``<= min_gap``) give no pair.

**Failed mode (the released scripts').** Only a root whose final answer was wrong branches: at
every round ``k < n`` it gets ``resamples`` alternatives (no further branching). The original
step scores ``-n_root``; an alternative that ends correct scores ``15 - n_alt`` (its own rounds;
the released bytecode used the original's length, which the paper's figure contradicts); one
that ends wrong gives no pair. A pair is (prefix, the correct alternative's guidance at ``k``,
the original guidance at ``k``), kept when the gap exceeds ``min_gap``.

In both modes a pair whose chosen and rejected guidance are the same text is dropped, and so is
one whose two rollouts do not share the prompt exactly (a replay that did not reproduce).
Rollouts that ended in an error are left out of the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import mean

from codesteer.llm.base import Message
from codesteer.steer.trajectory import STEER, Trajectory

BranchPath = tuple[tuple[int, int], ...]
#: What a correct leaf at round r is worth before subtracting r.
CORRECT_BONUS = 15
#: 0.1.0 stored branches as sample numbers from this one up; roots were numbered below it.
_LEGACY_FIRST_BRANCH = 100


def branch_text(path: BranchPath) -> str:
    """The store's ``branch`` of a path (``()`` -> ``""``, the root)."""
    return "/".join(f"{k}.{j}" for k, j in path)


def parse_branch(text: str) -> BranchPath:
    """Inverse of :func:`branch_text`."""
    if not text:
        return ()
    try:
        return tuple((int(k), int(j)) for k, _, j in (part.partition(".") for part in text.split("/")))
    except ValueError as exc:
        raise ValueError(f"not a branch path: {text!r} (expected e.g. 0.1/2.1)") from exc


def rollout_of(sample: int, branch: str) -> tuple[int, BranchPath]:
    """(root sample, path) of a stored rollout, reading 0.1.0's packed sample numbers too."""
    if branch or sample < _LEGACY_FIRST_BRANCH:
        return sample, parse_branch(branch)
    digits = str(sample)[1:]
    return 0, tuple((int(digits[i]), int(digits[i + 1])) for i in range(0, len(digits), 2))


# ----- reading a rollout ----------------------------------------------------------------------
def rounds(t: Trajectory) -> int:
    """How many steering outputs the rollout made (its ``n``)."""
    return sum(1 for m in t.messages if m.conversation == STEER and m.role == "assistant")


def guidance_at(t: Trajectory, k: int) -> str:
    """The steering model's output at round ``k``."""
    return [m["content"] for m in t.conversation("steer") if m["role"] == "assistant"][k]


def prompt_at(t: Trajectory, k: int) -> list[Message]:
    """What a fine-tuned steerer is shown before its round-``k`` output (headers stripped)."""
    messages = t.conversation("steer", bare=True)
    seen = 0
    for i, m in enumerate(messages):
        if m["role"] == "assistant":
            if seen == k:
                return messages[:i]
            seen += 1
    raise IndexError(f"the rollout has no round {k}")


def leaf_score(t: Trajectory) -> float:
    """``15 - n`` for a correct rollout, ``-n`` for a wrong one."""
    n = rounds(t)
    return float(CORRECT_BONUS - n if t.correct else -n)


def usable(t: Trajectory) -> bool:
    """Rollouts that ended in an error say nothing about their guidance."""
    return not t.errored and rounds(t) > 0


# ----- expansion ------------------------------------------------------------------------------
def branches(path: BranchPath, t: Trajectory, *, mode: str, width: int, depth: int, resamples: int) -> list[BranchPath]:
    """The rollouts to sample from ``path`` once it is done (none from an unusable one)."""
    if not usable(t):
        return []
    n = rounds(t)
    if mode == "failed":
        if path or t.correct:
            return []
        return [((k, j),) for k in range(n) for j in range(1, resamples + 1)]
    first = path[-1][0] + 1 if path else 0
    return [(*path, (k, j)) for k in range(first, min(depth, n)) for j in range(1, width)]


# ----- scoring --------------------------------------------------------------------------------
@dataclass
class Node:
    """One guidance: the rollout that produced it, its round, its text, score and children."""

    path: BranchPath
    round: int
    guidance: str
    score: float
    children: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Pair:
    """A preference between two sibling guidances of one instance."""

    task: str
    instance_id: str
    round: int
    prompt: list[Message]
    chosen: str
    rejected: str
    score_chosen: float
    score_rejected: float

    @property
    def gap(self) -> float:
        return self.score_chosen - self.score_rejected


def build_tree(rollouts: Mapping[BranchPath, Trajectory]) -> list[Node]:
    """The round-0 guidance nodes of one instance's tree (empty without a usable root)."""
    ok = {p: t for p, t in rollouts.items() if usable(t)}
    if () not in ok:
        return []
    by_branch: dict[tuple[BranchPath, int], list[BranchPath]] = {}
    for p in sorted(ok):
        if p:
            by_branch.setdefault((p[:-1], p[-1][0]), []).append(p)

    def node(path: BranchPath, k: int) -> Node:
        t = ok[path]
        kids = [node(path, k + 1)] if k + 1 < rounds(t) else []
        kids += [node(c, k + 1) for c in by_branch.get((path, k + 1), [])]
        score = mean(c.score for c in kids) if kids else leaf_score(t)
        return Node(path, k, guidance_at(t, k), score, kids)

    return [node((), 0)] + [node(c, 0) for c in by_branch.get(((), 0), [])]


def _pair(rollouts: Mapping[BranchPath, Trajectory], a: Node, b: Node, task: str, instance_id: str) -> Pair | None:
    if a.guidance == b.guidance:
        return None
    prompt = prompt_at(rollouts[a.path], a.round)
    if prompt != prompt_at(rollouts[b.path], b.round):
        return None
    return Pair(task, instance_id, a.round, prompt, a.guidance, b.guidance, a.score, b.score)


def tree_pairs(rollouts: Mapping[BranchPath, Trajectory], task: str, instance_id: str, min_gap: float) -> list[Pair]:
    """Pairs among the siblings of every node, in tree order (tree mode)."""
    out: list[Pair] = []

    def visit(siblings: list[Node]) -> None:
        for a in siblings:
            for b in siblings:
                if a is not b and a.score - b.score > min_gap:
                    pair = _pair(rollouts, a, b, task, instance_id)
                    if pair is not None:
                        out.append(pair)
        for s in siblings:
            visit(s.children)

    visit(build_tree(rollouts))
    return out


def failed_pairs(rollouts: Mapping[BranchPath, Trajectory], task: str, instance_id: str, min_gap: float) -> list[Pair]:
    """Correct resamples of a failed root against its original step (failed mode)."""
    root = rollouts.get(())
    if root is None or not usable(root) or root.correct:
        return []
    original = -float(rounds(root))
    out: list[Pair] = []
    for path in sorted(p for p in rollouts if len(p) == 1):
        alt = rollouts[path]
        k = path[0][0]
        if not usable(alt) or not alt.correct:
            continue
        a = Node(path, k, guidance_at(alt, k), leaf_score(alt))
        b = Node((), k, guidance_at(root, k), original)
        if a.score - b.score > min_gap and (pair := _pair(rollouts, a, b, task, instance_id)):
            out.append(pair)
    return out
