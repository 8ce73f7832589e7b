"""Fixtures for the model layer: an isolated environment, a misbehaving fake server, a real one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from codesteer.llm.retry import RetryPolicy

#: Retries with waits short enough for tests.
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache directory and no provider keys from the person's shell."""
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("CODESTEER_CACHE_DIR", str(cache_dir))
    for name in ("CODESTEER_CACHE", "OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY",
                 "ANTHROPIC_BASE_URL", "VLLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return cache_dir


def openai_body(text: str, prompt_tokens: int = 7, completion_tokens: int = 3) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
    }


def anthropic_body(text: str) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-fake",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 11, "output_tokens": 2},
    }


@dataclass
class Reply:
    """One scripted answer: status, body (dict -> JSON, bytes/str as is), headers, delay.

    ``hold``: an event the server waits for (at most 30 s) before answering, so a test decides
    when the answer comes instead of racing a clock.
    """

    status: int = 200
    body: dict[str, Any] | bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hold: threading.Event | None = None


class FakeServer:
    """A local HTTP server that answers from a script, then like a healthy server.

    Healthy answers: ``/v1/chat/completions`` echoes the last message, ``/v1/models`` lists
    one model, ``/v1/messages`` answers like Anthropic. Every request is recorded.
    """

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {key.lower(): value for key, value in self.headers.items()}
                reply = server._next(self.command, self.path, headers, raw)
                time.sleep(reply.delay)
                if reply.hold is not None:
                    reply.hold.wait(30)
                body = reply.body
                data = json.dumps(body).encode() if isinstance(body, dict) else (
                    body.encode() if isinstance(body, str) else body or b""
                )
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): fine

            do_GET = do_POST = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def _next(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        payload = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append({"method": method, "path": path, "headers": headers, "json": payload})
            if self.script:
                return self.script.pop(0)
        if path.endswith("/models"):
            return Reply(body={"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        if path.endswith("/messages"):
            return Reply(body=anthropic_body("hello from claude"))
        last = payload["messages"][-1]["content"] if payload else ""
        return Reply(body=openai_body(f"echo: {last}"))

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer().start()
    yield server
    server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def embedded_gguf() -> Path:
    """The embedded model file; tests that need it skip when the [local] extra is missing."""
    pytest.importorskip("llama_cpp")
    from codesteer.llm.local import embedded_model_path

    return embedded_model_path()


@pytest.fixture(scope="module")
def llama_server(embedded_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server with the embedded model on 127.0.0.1."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(embedded_gguf), "--host", "127.0.0.1",
               "--port", str(port), "--n_threads", "2", "--n_ctx", "2048", "--model_alias", "smollm2"]
    log = log_path.open("wb")
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}  # see codesteer.llm.local.prepare_runtime
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not become ready within 120 s")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
