# newsledger: `make run` builds the warehouse from the sample corpus, `make test` runs every test.
# Everything installs into .venv/ from the lock file (requirements.lock), pinned.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: install run test lint bench bench-full serve lock clean help

help:
	@echo "make run    - install, ingest data/sample/ into warehouse/newsledger.duckdb, show the summary"
	@echo "make test   - install, run the whole test suite"
	@echo "make lint   - ruff and mypy"
	@echo "make serve  - scheduled ingest with a Prefect server on 127.0.0.1 (ARGS=\"--interval 600 inbox/\")"
	@echo "make bench  - benchmarks (bench/results/)"
	@echo "make lock   - re-resolve requirements.lock from pyproject.toml"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "newsledger needs Python 3.11, got " + sys.version' 
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

install: $(STAMP)

run: install
	@$(BIN)/newsledger ingest data/sample; code=$$?; \
	  if [ $$code -ne 0 ] && [ $$code -ne 3 ]; then exit $$code; fi
	@$(BIN)/newsledger report

test: install
	$(BIN)/python -m pytest

# make serve [ARGS="--interval 600 inbox/"]: scheduled ingest with a local Prefect server (Ctrl-C stops it)
serve: install
	$(BIN)/newsledger serve $(ARGS)

lint: install
	$(BIN)/ruff check flows transforms expectations warehouse tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench.run

bench-full: install
	$(BIN)/python -m bench.run --full --stress

lock: | $(BIN)/python
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --extra bench --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) warehouse/*.duckdb warehouse/.*.stage* warehouse/docs warehouse/quarantine
