"""The one spec parser: a table of specs and what each must build."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesteer.llm.base import ChatModel, Completion
from codesteer.llm.errors import AuthenticationError, ModelNotFoundError, ModelSpecError
from codesteer.llm.openai_compat import PLACEHOLDER_KEY, OpenAICompatModel
from codesteer.llm.spec import PROVIDERS, load_model, register_provider, split_model_url

OPENAI_TABLE = [
    # spec, model, base_url, name
    ("openai:gpt-4o", "gpt-4o", "https://api.openai.com/v1", "openai:gpt-4o"),
    ("openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1", "Qwen/Qwen2.5-7B", "http://127.0.0.1:8000/v1",
     "openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1"),
    ("openai:m@https://host.example/v1/", "m", "https://host.example/v1", "openai:m@https://host.example/v1"),
    ("vllm:meta-llama/Llama-3-8B", "meta-llama/Llama-3-8B", "http://127.0.0.1:8000/v1", "vllm:meta-llama/Llama-3-8B"),
    ("vllm:m@http://10.0.0.5:9000/v1", "m", "http://10.0.0.5:9000/v1", "vllm:m@http://10.0.0.5:9000/v1"),
    ("ollama:llama3.2:3b", "llama3.2:3b", "http://127.0.0.1:11434/v1", "ollama:llama3.2:3b"),
    ("ollama:qwen2@http://gpu-box:11434/v1", "qwen2", "http://gpu-box:11434/v1", "ollama:qwen2@http://gpu-box:11434/v1"),
    ("  openai:gpt-4o-mini  ", "gpt-4o-mini", "https://api.openai.com/v1", "openai:gpt-4o-mini"),
]


@pytest.mark.parametrize(("spec", "model", "url", "name"), OPENAI_TABLE)
def test_openai_compatible_specs(spec: str, model: str, url: str, name: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    built = load_model(spec, cache=False)
    assert isinstance(built, OpenAICompatModel)
    assert (built.model, built.base_url, built.name) == (model, url, name)


def test_local_servers_never_get_the_openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    assert load_model("ollama:llama3", cache=False).api_key == PLACEHOLDER_KEY
    assert load_model("vllm:m", cache=False).api_key == PLACEHOLDER_KEY
    monkeypatch.setenv("VLLM_API_KEY", "vllm-key")
    assert load_model("vllm:m", cache=False).api_key == "vllm-key"
    assert load_model("openai:m@http://127.0.0.1:1/v1", cache=False).api_key == "sk-secret"


def test_options_reach_the_provider() -> None:
    built = load_model("openai:m@http://127.0.0.1:1/v1", cache=False, timeout=7.5, api_key="k")
    assert (built.timeout, built.api_key) == (7.5, "k")


@pytest.mark.parametrize(("spec", "message"), [
    ("gpt-4o", "unknown model spec 'gpt-4o'"),
    ("", "unknown model spec"),
    ("azure:gpt-4o", "openai:MODEL"),
    ("openai:", "missing model name"),
    ("vllm:@http://127.0.0.1:8000/v1", "missing model name"),
    ("hf:", "missing checkpoint path"),
])
def test_bad_specs_are_clear_errors(spec: str, message: str) -> None:
    with pytest.raises(ModelSpecError, match=message):
        load_model(spec, cache=False)


def test_hf_missing_local_folder_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no checkpoint folder at /"):
        load_model(f"hf:{tmp_path / 'nowhere'}", cache=False)
    with pytest.raises(ModelNotFoundError, match="no checkpoint folder"):
        load_model("hf:./no-such-checkpoint", cache=False)
    with pytest.raises(ModelNotFoundError, match="no checkpoint folder"):
        load_model("hf:runs/no-such-run/final", cache=False)  # two slashes: never a hub id
    assert load_model(f"hf:{tmp_path}", cache=False).path == str(tmp_path)  # an existing folder loads lazily
    assert load_model("hf:org/model", cache=False).path == "org/model"      # a hub id is left to transformers


def test_unknown_option_is_a_clear_error() -> None:
    with pytest.raises(ModelSpecError, match="do not take the options"):
        load_model("openai:m@http://127.0.0.1:1/v1", n_threads=4)


def test_openai_without_key_says_which_variable() -> None:
    with pytest.raises(AuthenticationError, match="OPENAI_API_KEY"):
        load_model("openai:gpt-4o")


def test_anthropic_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant")
    built = load_model("anthropic:claude-sonnet-4-5", cache=False)
    assert (built.name, built.model) == ("anthropic:claude-sonnet-4-5", "claude-sonnet-4-5")


def test_local_spec_with_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no GGUF model file"):
        load_model(f"local:{tmp_path / 'absent.gguf'}", cache=False)


def test_split_model_url() -> None:
    assert split_model_url("m@http://h:1/v1") == ("m", "http://h:1/v1")
    assert split_model_url("user@corp/model") == ("user@corp/model", None)
    assert split_model_url("m", "http://d/v1") == ("m", "http://d/v1")


def test_a_new_provider_is_one_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    class Echo(ChatModel):
        def __init__(self, rest: str) -> None:
            self.name = f"echo:{rest}"

        async def complete(self, messages, **params) -> Completion:
            return Completion(text=messages[-1]["content"])

    monkeypatch.setitem(PROVIDERS, "echo", PROVIDERS["local"])  # restored after the test
    register_provider("echo", lambda rest: Echo(rest), usage="echo:X", summary="echoes")
    assert load_model("echo:abc", cache=False).name == "echo:abc"
    assert load_model("echo:abc").name == "echo:abc"  # cached wrapper keeps the name
