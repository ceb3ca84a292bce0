# CTM — the two commands are `make demo` and `make test`; both start with `make install`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test test-fast lint bench messages serve clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

messages: install
	cd src && ../$(BIN)/django-admin compilemessages --settings=config.settings -l fr -l en >/dev/null

demo: install messages
	$(BIN)/ctm demo
	$(BIN)/ctm serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/ctm check

test: install messages lint
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-fast: install messages
	$(BIN)/python -m pytest -q -x -m "not browser and not slow" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
