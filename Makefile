# finpipe — every target bootstraps .venv from requirements.lock on first use.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
export DAGSTER_HOME ?= $(CURDIR)/.finpipe/dagster_home

.PHONY: install demo test test-fast bench serve lint lock clean

UV_VERSION := 0.9.30

# uv installs the ~200 pinned packages in seconds where pip takes minutes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install  ## run the whole platform end to end on embedded defaults
	$(BIN)/finpipe demo

test: install  ## the full test suite (needs PostgreSQL and Redis on loopback)
	$(BIN)/pytest -m "not bench"

test-fast: install  ## the tests not marked slow
	$(BIN)/pytest -m "not slow and not bench"

bench: install  ## benchmarks: each figure beside a baseline from the same run
	$(BIN)/pytest finpipe_tests/benchmarks -m bench -s -q

serve: install  ## Dagster webserver + daemon on :3000, the API on :8000
	$(BIN)/finpipe serve

lint: install
	$(BIN)/ruff check finpipe finpipe_tests

lock: install  ## re-resolve requirements.in into requirements.lock
	$(BIN)/uv pip compile --quiet --python $(BIN)/python --python-version 3.11 requirements.in \
	  -o requirements.lock

clean:
	rm -rf .finpipe
