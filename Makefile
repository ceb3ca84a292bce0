# CTM — the two commands are `make demo` and `make test`; both start with `make install`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev demo test test-fast lint bench messages serve clean

# `make install`: the runtime only (what `make demo` and a server need); `make install-dev` adds the
# test and lint tools (`make test`, `make lint`, `make bench`).
install: $(STAMP)

install-dev: $(DEV_STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(DEV_STAMP)

messages: install
	cd src && ../$(BIN)/django-admin compilemessages --settings=config.settings -l fr -l en >/dev/null

demo: install messages
	$(BIN)/ctm demo
	$(BIN)/ctm serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/ctm check

# The suite runs on TEST_WORKERS processes (pytest-xdist, each with its own test database), tests
# handed out one by one (`--dist load`: `loadfile` ran Schemathesis' 112 operations as one test).
# TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= 2

test: install-dev messages lint
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

test-fast: install-dev messages
	$(BIN)/python -m pytest -q -x -m "not browser and not slow" $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
