"""The steering protocol as a grammar, so a backend that can constrain decoding always yields a
well-formed decision.

GBNF (llama.cpp's grammar language, also read by vLLM's guided decoding and llama.cpp's server):
optional free reasoning without ``<``, then one ``<<<...>>>`` block holding an action word or
free guidance without angle brackets. In round 0 (and for Sum.2's choice) the block holds Code,
Text or guidance only: there is nothing to return yet. Both parts are bounded in characters so
the block closes within the call's token budget (a token is at least one character).
"""

from __future__ import annotations

#: Tokens kept for the brackets and an action word.
_RESERVED = 8


def steering_grammar(max_tokens: int, *, opening: bool = False) -> str:
    """GBNF for one steering output of at most ``max_tokens`` tokens."""
    room = max(2, max_tokens - _RESERVED)
    reasoning, guidance = room // 2, room - room // 2
    actions = '"Code" | "Text"' if opening else '"Code" | "Text" | "Return Answer" | "Terminate"'
    return "\n".join([
        'root ::= reasoning "<<<" decision ">>>"',
        f"reasoning ::= [^<]{{0,{reasoning}}}",
        f"decision ::= {actions} | guidance",
        f"guidance ::= [^<>]{{1,{guidance}}}",
    ]) + "\n"
