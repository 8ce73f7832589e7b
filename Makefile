# One command to set up and run the main job, one to set up and run the tests.
#   make run    -> set up .venv and solve a SymBench instance with CodeSteer on the embedded model
#   make test   -> set up .venv, lint with ruff, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXTRAS ?= local,anthropic,hf,train,inspect,rl,gym,dist,dev
# torch is pinned and installed first so that no CUDA build is pulled in (see README).
TORCH  ?= torch==2.13.0
# llama.cpp ([local] extra) compiles at install time: build for a portable x86-64 baseline, since
# a -march=native build can use instructions (AMX) that a virtual machine traps (SIGILL).
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: setup run test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

# A small Number Multiply instance the embedded 135M model can work through in about 20 s
# (two rounds: code, then Return Answer), with its result, the reference and the cost at the end.
run: setup
	$(BIN)/codesteer solve --task number_multiply --level 1 --seed 2 --max-rounds 3 --max-tokens 128

lint: setup
	$(BIN)/ruff check src tests benchmarks

test: lint
	$(BIN)/python -m pytest

# Every benchmark that needs no arguments (steering_gain.py needs a model spec and a run directory).
bench: setup
	for script in benchmarks/*.py; do [ $$script = benchmarks/steering_gain.py ] || $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
