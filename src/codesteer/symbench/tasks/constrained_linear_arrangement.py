"""Constrained Linear Arrangement: deduce the opponent's card in each round of a card duel.

Two players hold the same cards and play one card each per round (each card at most once). From
your own cards and each round's result (win / loss / draw, for you) deduce the opponent's cards.
Three games (:func:`outcome` is the one rule system):

- ``elements``: five-element flags, Wood A, Fire B, Earth C, Metal D, Water E. A card that
  generates the other (A→B→C→D→E→A) loses, a card that overcomes the other (A→C→E→B→D→A) wins;
  same cards draw (every two different elements are related, so only equal cards draw).
- ``stick``: Stick A beats Tiger B beats Chicken C beats Worm D beats Stick A; same cards or
  cards two steps apart in the cycle draw.
- ``animal``: Jungle pieces ranked largest (A) to smallest; the larger captures (wins), equal
  pieces draw, and the smallest captures the largest (not the other way). 8 pieces are the
  released Elephant..Mouse; other ``pieces`` counts use ranked pieces named by letter.

Answer: the opponent's cards in round order, ``<<<A,B,C>>>`` (a bracketed list is read too).
Judged by rules: right length, known cards, no card twice, every round's result reproduced; the
reason names the first broken rule. ``data["unique"]`` records whether the answer is unique.

Knobs: ``game``, ``rounds`` (capped at the hand size; ``None``: drawn with the release's
frequencies for the game, :data:`RELEASED_ROUNDS`), ``pieces`` (animal only). Levels: ``paper``
mixes games (animal 76, elements 68, stick 56 of 200) and their released round counts; the ladder ``1``..``6`` goes up
to 20-piece Jungle duels of 20 rounds.

Deviations from the release: its elements generator tested only one direction of the relations,
so 56/68 of its elements items call rounds "draw" that the printed rules make a win or loss; we
judge by the printed rules and reject those golds. Its stick-game text says cards "one step apart"
draw, contradicting rule 1; its golds (and our judge) follow the cycle: adjacent cards beat,
cards two apart draw, which our questions now state.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_list
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import instance_from_folder_item, released_solution, weighted
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

WIN, LOSS, DRAW = "win", "loss", "draw"
ANIMALS = ("Elephant", "Lion", "Tiger", "Leopard", "Wolf", "Dog", "Cat", "Mouse")
HAND = {"elements": 5, "stick": 4}
_GAME_ALIASES = {"stick_game": "stick"}
#: The release's round counts per game, repeated by frequency.
RELEASED_ROUNDS: dict[str, tuple[int, ...]] = {
    "animal": (3,) * 3 + (4,) * 8 + (5,) * 8,  # 12 / 32 / 32 items
    "elements": (3,) * 3 + (4,) * 7 + (5,) * 7,  # 12 / 28 / 28 items
    "stick": (4,),  # 56 items
}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def hand(game: str, pieces: int = 8) -> tuple[str, ...]:
    """The cards each player holds, one letter each (a tuple: membership is by whole card name)."""
    return tuple(_LETTERS[: HAND.get(game, pieces)])


def outcome(game: str, mine: str, theirs: str, pieces: int = 8) -> str:
    """The result for the player of ``mine`` against ``theirs``: ``win``, ``loss`` or ``draw``."""
    cards = hand(game, pieces)
    a, b = cards.index(mine), cards.index(theirs)
    if a == b:
        return DRAW
    n = len(cards)
    if game == "elements":  # a generates a+1 (its holder loses); a overcomes a+2 (its holder wins)
        step = (b - a) % n
        return {1: LOSS, 2: WIN, 3: LOSS, 4: WIN}[step]
    if game == "stick":  # a beats a+1; two apart draw
        step = (b - a) % n
        return {1: WIN, 2: DRAW, 3: LOSS}[step]
    if {a, b} == {0, n - 1}:  # the smallest captures the largest
        return WIN if a == n - 1 else LOSS
    return WIN if a < b else LOSS


def candidates(game: str, mine: str, result: str, pieces: int) -> list[str]:
    """Opponent cards that give ``result`` against ``mine``."""
    return [c for c in hand(game, pieces) if outcome(game, mine, c, pieces) == result]


def solutions(data: dict[str, Any], limit: int) -> list[list[str]]:
    """Up to ``limit`` opponent card sequences consistent with every round (distinct cards)."""
    game, pieces = data["game"], data.get("pieces", 8)
    options = [candidates(game, m, r, pieces) for m, r in zip(data["player_moves"], data["results"], strict=True)]
    found: list[list[str]] = []
    chosen: dict[int, str] = {}

    def search(used: frozenset[str]) -> None:
        open_rounds = [i for i in range(len(options)) if i not in chosen]
        if not open_rounds:
            found.append([chosen[i] for i in range(len(options))])
            return
        free = {i: [c for c in options[i] if c not in used] for i in open_rounds}
        i = min(open_rounds, key=lambda k: len(free[k]))
        for card in free[i]:
            chosen[i] = card
            search(used | {card})
            del chosen[i]
            if len(found) >= limit:
                return

    search(frozenset())
    return found


def question_text(game: str, moves: list[str], results: list[str], pieces: int) -> str:
    """The question, worded as the release worded it (the stick game's draw rule corrected)."""
    if game == "elements":
        head = (
            "Both parties, A and B, each have a set of five-element flags, with each person holding five cards "
            "representing Metal, Wood, Water, Fire, and Earth. Each card can only be used once. Both players play "
            "their cards simultaneously without seeing the opponent's card, and the referee announces the result "
            "of each round.\nRules:\n1. When card 1 generates card 2, the holder of card 1 loses;\n2. When card 1 "
            "overcomes card 2, the holder of card 1 wins;\n3. When both cards are the same or no card generates "
            "or overcomes each other, it is a draw.\nKnown:\n1. Generation: Wood A generates Fire B, Fire B "
            "generates Earth C, Earth C generates Metal D, Metal D generates Water E, Water E generates Wood A.\n"
            "2. Overcoming: Wood A overcomes Earth C, Earth C overcomes Water E, Water E overcomes Fire B, Fire B "
            "overcomes Metal D, Metal D overcomes Wood A.\n"
        )
    elif game == "stick":
        head = (
            'Both parties, A and B, are playing a game called "Stick, Tiger, Chicken." Each person has four cards: '
            "Stick (A), Tiger (B), Chicken (C), and Worm (D). Each card can only be used once. Both players play "
            "their cards simultaneously without seeing the other's card, and a referee announces the result of "
            "each round.\n\nRules:\n1. Stick beats Tiger, Tiger eats Chicken, Chicken eats Worm, Worm beats Stick, "
            "and so on in a cycle.\n2. If both players play the same card or cards that are two steps apart in "
            "the cycle (Stick and Chicken, Tiger and Worm), it is considered a draw.\n"
        )
    else:
        cards = hand(game, pieces)
        if pieces == len(ANIMALS):
            listed = ", ".join(f"{name} ({c})" for name, c in zip(ANIMALS[:-1], cards, strict=False))
            listed += f", and {ANIMALS[-1]} ({cards[-1]})"
            big, small = "Elephant", "Mouse"
        else:
            listed = ", ".join(cards)
            big, small = f"piece {cards[0]}", f"piece {cards[-1]}"
        head = (
            f"Both parties, A and B, play a game similar to Jungle Chess. Each player has {pieces} animal pieces, "
            f"ranked from largest to smallest: {listed}. Both players reveal their pieces simultaneously, but "
            "cannot see the opponent's piece. The referee announces the result of the match.\n\nRules:\n"
            "1. The goal for both players is to reach the opponent's den in 5 steps. The first to accumulate 5 "
            "steps wins.\n2. When a smaller piece encounters a larger piece, the smaller piece is captured, and "
            "the player with the larger piece wins.\n3. Mutual capture: When pieces of the same type encounter "
            "each other, they mutually capture and the result is a draw.\n"
            f"4. {small[0].upper() + small[1:]} captures {big}: Apart from the size hierarchy, the {small} can capture the "
            f"{big}, but the {big} cannot capture the {small}.\n5. Each piece can only be used once.\n"
        )
    rounds = "\n".join(f"Round {i}: {m}, {r}." for i, (m, r) in enumerate(zip(moves, results, strict=True), 1))
    return (
        head + "\nAssuming you are one of the players, deduce what cards your opponent played each round based on "
        f"the cards you played and the results of each round.\n\nRounds:\n{rounds}\n\n"
        "Use a list of letters to show your answer. For example, <<<A,B,C>>>."
    )


class ConstrainedLinearArrangement(Task):
    name = "constrained_linear_arrangement"
    title = "Constrained Linear Arrangement"
    seen = True
    knobs = (
        Knob("game", "elements, stick or animal", "animal"),
        Knob("rounds", "rounds played (capped at the hand size)", 5),
        Knob("pieces", "pieces per player in the animal game", 8),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {
            "game": weighted(("animal", 76), ("elements", 68), ("stick", 56)),
            "rounds": None,
        },
        "1": {"game": "stick", "rounds": 3},
        "2": {"game": "elements", "rounds": 5},
        "3": {"game": "animal", "rounds": 6},
        "4": {"game": "animal", "rounds": 8},
        "5": {"game": "animal", "rounds": 12, "pieces": 12},
        "6": {"game": "animal", "rounds": 20, "pieces": 20},
    }
    answer_format = "<<<A,B,C>>>: the opponent's card letters in round order"
    original_dirs = ("constrained_linear_arrangement",)

    def _generate(
        self, rng: random.Random, game: str, rounds: int | None, pieces: int
    ) -> tuple[str, dict[str, Any]]:
        if game not in ("elements", "stick", "animal") or not 3 <= pieces <= 26:
            raise ValueError("constrained_linear_arrangement: game elements/stick/animal, 3..26 pieces")
        rounds = rng.choice(RELEASED_ROUNDS[game]) if rounds is None else rounds
        if rounds < 1:
            raise ValueError("constrained_linear_arrangement needs at least one round")
        cards = hand(game, pieces)
        rounds = min(rounds, len(cards))
        moves = rng.sample(cards, rounds)
        theirs = rng.sample(cards, rounds)
        results = [outcome(game, m, t, pieces) for m, t in zip(moves, theirs, strict=True)]
        data: dict[str, Any] = {"game": game, "pieces": pieces, "player_moves": moves, "results": results}
        data["unique"] = len(solutions(data, 2)) == 1
        return question_text(game, moves, results, pieces), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        d = instance.data
        cards = hand(d["game"], d.get("pieces", 8))
        got = [str(c).strip().upper() for c in parse_list(answer)]
        rounds = len(d["player_moves"])
        if len(got) != rounds:
            raise AnswerFormatError(f"expected {rounds} cards (one per round), got {len(got)}")
        if bad := [c for c in got if c not in cards]:
            raise AnswerFormatError(f"{bad[0]!r} is not a card of this game ({', '.join(cards)})")
        for i, card in enumerate(got):
            if card in got[:i]:
                return Verdict.wrong(f"each card can only be used once: {card} is played twice", answer)
        for i, (mine, card, result) in enumerate(zip(d["player_moves"], got, d["results"], strict=True), 1):
            actual = outcome(d["game"], mine, card, d.get("pieces", 8))
            if actual != result:
                return Verdict.wrong(
                    f"round {i}: your {mine} against {card} is a {actual}, but the round was a {result}", answer
                )
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        found = solutions(instance.data, 1)
        if not found:
            raise NoSolutionError("no opponent cards are consistent with the rounds")
        return "<<<" + ",".join(found[0]) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            game = _GAME_ALIASES.get(sol["game_type"], sol["game_type"])
            moves = [str(m) for m in sol["player_moves"]]
            results = [str(r) for r in sol["results"]]
            gold = ",".join(str(c) for c in sol["solution"])
        except (KeyError, TypeError) as exc:
            raise OriginalDataError(f"malformed solution.json: {exc}") from exc
        if game not in ("elements", "stick", "animal") or len(moves) != len(results):
            raise OriginalDataError(f"unknown game {game!r} or rounds/results mismatch")
        data: dict[str, Any] = {"game": game, "pieces": 8, "player_moves": moves, "results": results}
        data["unique"] = len(solutions(data, 2)) == 1
        data[RELEASED_ANSWER] = gold
        return instance_from_folder_item(self, item, data)
