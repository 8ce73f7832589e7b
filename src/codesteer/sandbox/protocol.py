"""Length-prefixed JSON frames between the host and its sandbox workers (over plain pipes)."""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

_HEADER = struct.Struct(">I")
MAX_FRAME = 256 * 1024 * 1024


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (``os.write`` may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def send(fd: int, message: dict[str, Any]) -> None:
    """Write one frame; raises ``OSError`` (e.g. ``BrokenPipeError``) if the peer is gone."""
    payload = json.dumps(message).encode()
    write_all(fd, _HEADER.pack(len(payload)) + payload)


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    while size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError("no answer from the sandbox worker in time")
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("sandbox worker closed its channel")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv(fd: int, timeout: float | None = None) -> dict[str, Any]:
    """Read one frame; raises ``EOFError`` when the peer is gone, ``TimeoutError`` past ``timeout``."""
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    if size > MAX_FRAME:
        raise EOFError(f"oversized frame ({size} bytes) from the sandbox worker")
    return json.loads(_read_exact(fd, size, deadline))
