"""A real local OpenAI-compatible HTTP server answering as the scripted task model and steerer."""

from __future__ import annotations

import json
from typing import Any

from tests.llm.conftest import FakeServer, Reply, openai_body

from .world import steer_reply, task_reply


class CannedServer(FakeServer):
    """Answers ``/v1/chat/completions`` as the scripted task model (model ``task``) or steerer,
    each reply after ``delay`` seconds."""

    def __init__(self, answers: dict[str, str], delay: float = 0.0) -> None:
        super().__init__()
        self.answers, self.delay = answers, delay

    def _next(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        scripted = super()._next(method, path, headers, raw)
        if (self.requests[-1] is not None and scripted.status != 200) or not path.endswith("/chat/completions"):
            return scripted
        payload: dict[str, Any] = json.loads(raw)
        messages = payload["messages"]
        text = steer_reply(messages) if payload["model"] == "steer" else task_reply(self.answers, messages)
        return Reply(body=openai_body(text, prompt_tokens=10, completion_tokens=5), delay=self.delay)
