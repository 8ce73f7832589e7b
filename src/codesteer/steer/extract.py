"""Reading model replies: code blocks, ``<<<answer>>>`` blocks and a rough token count.

Code: a fenced block tagged ``python``/``py``/``python3`` or untagged (the original accepted only
```` ```python ```` followed by a newline); the first such block is the one that runs. Answers:
the last ``<<<...>>>`` block, cleaned the way SymBench's judges clean it; without one, a block
closed by only one or two brackets at the end of a line (``<<<-50939616>>``: small models drop a
bracket, most often inside a ``print``), the last such line.
"""

from __future__ import annotations

import math
import re

from codesteer.symbench.answers import clean, extract_wrapped

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)```", re.DOTALL)
_PYTHON_TAGS = {"", "python", "py", "python3"}
#: ``<<<answer>>`` or ``<<<answer>`` ending a line (no bracket inside the answer).
_UNDERCLOSED = re.compile(r"<<<([^<>\n]+?)>{1,2}[ \t]*$", re.MULTILINE)


def code_blocks(text: str) -> list[str]:
    """Python code blocks of ``text`` in order (empty blocks skipped)."""
    blocks = []
    for tag, body in _FENCE.findall(text):
        if tag.lower() in _PYTHON_TAGS and body.strip():
            blocks.append(body.strip("\n") + "\n")
    return blocks


def first_code(text: str) -> str | None:
    """The block that gets executed: the first Python block, or ``None``."""
    blocks = code_blocks(text)
    return blocks[0] if blocks else None


def answer_in(text: str | None) -> str | None:
    """The cleaned inside of the last ``<<<...>>>`` of ``text`` (else of the last under-closed
    block ending a line); ``None`` if absent or empty."""
    if not text:
        return None
    answer = extract_wrapped(text)
    if answer is None and (loose := _UNDERCLOSED.findall(text)):
        answer = clean(loose[-1])
    return answer if answer else None


def approx_tokens(text: str) -> int:
    """A tokenizer-free estimate of a text's token count (about four characters a token).

    Used only for the "output too long to show" threshold; never for accounting, which uses the
    token counts models report.
    """
    return max(len(text.split()), math.ceil(len(text) / 4))
