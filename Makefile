# Quick start: `make demo` (load the Kakao-2022 demo and serve the dashboard) and `make test`.
# Both create .venv and install the project into it when needed; nothing else is required first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.minsim-installed
PORT ?= 8501

.PHONY: demo test lint format bench system-deps install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/minsim demo --port $(PORT)

# The browser test needs Debian's chromium and Korean fonts; installed here when missing.
system-deps:
	@sh .ci/system-deps.sh

test: $(STAMP) system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .

# Benchmarks read the labeled data beside the project (../shared/data); never part of `make test`.
bench: $(STAMP)
	$(PY) bench/accuracy.py
	$(PY) bench/throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
