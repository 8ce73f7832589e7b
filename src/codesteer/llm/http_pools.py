"""httpx clients for many concurrent requests to one server: several small connection pools.

httpcore's connection pool walks every one of its connections on each request and on each
response it closes (expiry and idle checks, each a socket query), so a single pool holding 64
connections costs O(64) per call: at 64 requests in flight that bookkeeping was most of the
evaluation driver's CPU. :class:`ShardedClient` keeps up to :data:`SHARD_CONNECTIONS`
connections per pool and opens another pool when all are busy; a request goes to the pool with
the fewest requests in flight. Connections are kept alive, so a long run opens each only once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

#: Most connections of one pool (pools are added as concurrency grows).
SHARD_CONNECTIONS = 8


class ShardedClient:
    """``request()`` like ``httpx.AsyncClient``'s (same ``base_url``, ``headers``, ``timeout``),
    spread over pools that share one TLS context.

    Made inside a coroutine and bound to its event loop (an httpx pool cannot outlive its loop).
    """

    def __init__(self, *, base_url: str, headers: dict[str, str], timeout: httpx.Timeout) -> None:
        self._options: dict[str, Any] = dict(
            base_url=base_url, headers=headers, timeout=timeout, verify=httpx.create_ssl_context(),
            limits=httpx.Limits(max_connections=SHARD_CONNECTIONS, max_keepalive_connections=SHARD_CONNECTIONS))
        self._shards: list[httpx.AsyncClient] = []
        self._busy: list[int] = []
        self.loop = asyncio.get_running_loop()

    def _take(self) -> int:
        if self._shards:
            index = min(range(len(self._shards)), key=self._busy.__getitem__)
            if self._busy[index] < SHARD_CONNECTIONS:
                self._busy[index] += 1
                return index
        self._shards.append(httpx.AsyncClient(**self._options))
        self._busy.append(1)
        return len(self._shards) - 1

    async def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        index = self._take()
        try:
            return await self._shards[index].request(method, path, **options)
        finally:
            self._busy[index] -= 1

    async def aclose(self) -> None:
        shards, self._shards, self._busy = self._shards, [], []
        for client in shards:
            await client.aclose()
