"""Chat models behind one small async interface (see :mod:`codesteer.llm.base`).

``load_model("local")``, ``load_model("openai:gpt-4o")``, ... turn a spec string into a model
(:mod:`codesteer.llm.spec`); every failure is a :class:`ModelError` with a readable message.
"""

from codesteer.llm.base import ChatModel, Completion, Message, ModelError, message
from codesteer.llm.scripted import ScriptedModel
from codesteer.llm.spec import load_model, register_provider

__all__ = [
    "ChatModel",
    "Completion",
    "Message",
    "ModelError",
    "ScriptedModel",
    "load_model",
    "message",
    "register_provider",
]
