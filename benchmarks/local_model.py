"""The embedded model: tokens per second (llama-cpp-python vs. transformers), and what reusing the
KV cache saves in a multi-round CodeSteer run.

**Runtimes.** Both get the same token ids (the GGUF's own vocabulary), the same thread count and
greedy decoding, and are timed on prompt processing (one forward pass over the prompt) and on
generation (one token at a time with a KV cache). The transformers route (``gguf`` +
``AutoModelForCausalLM.from_pretrained(dir, gguf_file=...)``) dequantises the weights to
float32; it runs only when ``transformers``, ``torch`` and ``gguf`` are importable.

**Multi-round run** (``--rounds``). One CodeSteer run of fixed shape: a scripted steerer asks for
code, then for a revision every round (6 rounds), while the embedded model answers and writes the
self-answer checks. It runs twice on the same warm model: every call from empty caches (what
codesteer did before it reused the cache) and with the cache reused; both must give the same
trajectory. Prints the prompt tokens evaluated, the prompt tokens sent and the wall time of each.

    python benchmarks/local_model.py [--threads 2] [--prompt-tokens 256] [--gen-tokens 64] [--repeats 3]
    python benchmarks/local_model.py --rounds 5 [--max-tokens 96]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from codesteer.llm.local import embedded_model_path, prepare_runtime

TEXT = (
    "Steering a language model between writing code and answering in text helps on symbolic "
    "tasks such as arithmetic puzzles, planning and constraint satisfaction. "
)


@dataclass
class Figures:
    runtime: str
    load_s: float
    prompt_tps: float
    gen_tps: float


def _median(run: Callable[[], float], repeats: int) -> float:
    return statistics.median(run() for _ in range(repeats))


def bench_llama(tokens: list[int], gen_tokens: int, threads: int, repeats: int) -> Figures:
    from llama_cpp import Llama

    started = time.perf_counter()
    llama = Llama(model_path=str(embedded_model_path()), n_ctx=2048, n_threads=threads,
                  n_batch=512, verbose=False)
    load_s = time.perf_counter() - started

    def prompt() -> float:
        llama.reset()
        began = time.perf_counter()
        llama.eval(tokens)
        return len(tokens) / (time.perf_counter() - began)

    def generate() -> float:
        llama.reset()
        llama.eval(tokens)
        began = time.perf_counter()
        for _ in range(gen_tokens):
            token = llama.sample(top_k=1, temp=0.0)
            llama.eval([token])
        return gen_tokens / (time.perf_counter() - began)

    return Figures("llama-cpp-python (GGUF Q4_1)", load_s, _median(prompt, repeats), _median(generate, repeats))


def bench_transformers(tokens: list[int], gen_tokens: int, threads: int, repeats: int) -> Figures:
    os.environ.setdefault("TQDM_DISABLE", "1")  # transformers' GGUF conversion progress bar
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.set_num_threads(threads)
    path = embedded_model_path()
    started = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name)
    model.eval()
    load_s = time.perf_counter() - started
    ids = torch.tensor([tokens])

    @torch.no_grad()
    def prompt() -> float:
        began = time.perf_counter()
        model(ids, use_cache=True)
        return len(tokens) / (time.perf_counter() - began)

    @torch.no_grad()
    def generate() -> float:
        out = model(ids, use_cache=True)
        began = time.perf_counter()
        for _ in range(gen_tokens):
            token = out.logits[:, -1].argmax(dim=-1, keepdim=True)
            out = model(token, past_key_values=out.past_key_values, use_cache=True)
        return gen_tokens / (time.perf_counter() - began)

    return Figures("transformers (GGUF dequantised, fp32)", load_s, _median(prompt, repeats), _median(generate, repeats))


def multi_round(rounds: int, max_tokens: int) -> None:
    """The same CodeSteer run from empty caches and with the cache reused (see the module doc)."""
    import asyncio

    from codesteer.llm.base import Completion, ModelWrapper
    from codesteer.llm.local import LocalModel, _load
    from codesteer.llm.scripted import ScriptedModel
    from codesteer.steer import SteerConfig, solve, trajectory_json
    from codesteer.symbench import get_task

    local = LocalModel()
    session = _load(local.path, local.n_ctx, local.n_threads)

    class FromEmpty(ModelWrapper):
        """Every call from empty caches, as before the cache was reused."""

        async def complete(self, messages, **params) -> Completion:  # type: ignore[no-untyped-def]
            session.forget()
            return await self.inner.complete(messages, **params)

    instance = get_task("game24").generate(0, level="paper")
    config = SteerConfig(max_rounds=rounds).capped(max_tokens)
    revise = "<<<Check the output against the question and improve the program.>>>"
    runs = {}
    for label, model in (("every call from empty caches", FromEmpty(local)), ("KV cache reused", local)):
        session.forget()
        steer = ScriptedModel(["<<<Code>>>", *[revise] * rounds], name="scripted steerer")
        began = time.perf_counter()
        t = asyncio.run(solve(instance, task_model=model, steer_model=steer, config=config))
        runs[label] = (t, time.perf_counter() - began)
    (before, wall_before), (after, wall_after) = runs.values()
    same = trajectory_json.to_dict(before)["messages"] == trajectory_json.to_dict(after)["messages"]
    print(f"multi-round CodeSteer run: game24 (paper, seed 0), {rounds + 1} rounds, embedded model as task model "
          f"and checker, calls capped at {max_tokens} new tokens; the same trajectory both ways: {same}")
    print(f"{'':<30} {'model calls':>11} {'prompt tokens sent':>19} {'prompt tokens evaluated':>24} {'wall s':>8}")
    evaluated = {}
    for label, (t, wall) in runs.items():
        calls = [c for c in t.calls if c.model == local.name]
        evaluated[label] = sum(c.prompt_evaluated or 0 for c in calls)
        print(f"{label:<30} {len(calls):>11} {sum(c.prompt_tokens for c in calls):>19} {evaluated[label]:>24} "
              f"{wall:>8.1f}")
    first, second = evaluated.values()
    print(f"reused / empty: prompt tokens evaluated {second / first:.2f}x, wall time {wall_after / wall_before:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--prompt-tokens", type=int, default=256)
    parser.add_argument("--gen-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=0, help="run the multi-round comparison with this many rounds")
    parser.add_argument("--max-tokens", type=int, default=96)
    args = parser.parse_args()
    prepare_runtime()  # before llama_cpp (and torch) load their OpenMP runtime
    if args.rounds:
        multi_round(args.rounds, args.max_tokens)
        return

    from llama_cpp import Llama

    vocab = Llama(model_path=str(embedded_model_path()), vocab_only=True, verbose=False)
    tokens = (vocab.tokenize((TEXT * 200).encode(), add_bos=False))[: args.prompt_tokens]
    print(f"embedded model: {embedded_model_path().name}; {len(tokens)} prompt tokens, "
          f"{args.gen_tokens} generated tokens, {args.threads} threads, median of {args.repeats}")

    results = [bench_llama(tokens, args.gen_tokens, args.threads, args.repeats)]
    if all(importlib.util.find_spec(name) for name in ("torch", "transformers", "gguf")):
        results.append(bench_transformers(tokens, args.gen_tokens, args.threads, args.repeats))
    else:
        print("transformers/torch/gguf not importable: transformers route skipped")

    print(f"\n{'runtime':<40} {'load s':>8} {'prompt tok/s':>13} {'gen tok/s':>10}")
    for figures in results:
        print(f"{figures.runtime:<40} {figures.load_s:>8.2f} {figures.prompt_tps:>13.1f} {figures.gen_tps:>10.1f}")
    if len(results) == 2:
        base, other = results
        print(f"\nllama-cpp-python / transformers: prompt {base.prompt_tps / other.prompt_tps:.2f}x, "
              f"generation {base.gen_tps / other.gen_tps:.2f}x")


if __name__ == "__main__":
    main()
