"""Chat models behind one small async interface (see :mod:`codesteer.llm.base`)."""

from codesteer.llm.base import ChatModel, Completion, Message, ModelError, message
from codesteer.llm.scripted import ScriptedModel

__all__ = ["ChatModel", "Completion", "Message", "ModelError", "ScriptedModel", "message"]
