# Quick start: `make demo` (load the Kakao-2022 demo and serve the dashboard) and `make test`.
# Both create .venv and install the project into it when needed; nothing else is required first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.minsim-installed
# The compiled scorer (sentiment/native.py): rebuilt whenever a file it depends on changes.
NATIVE := sentiment/_native/manifest.json
NATIVE_SOURCES := $(wildcard sentiment/*.py) minsim/errors.py
PORT ?= 8501
# Test processes: most tests wait on child processes, servers and the browser, so two share the
# machine well; each loads its own Kiwi (about 0.5 GB), so more than the cores is wasted memory.
TEST_WORKERS ?= 2
# The PostgreSQL server bench/sources.py also measures on (the one the tests use); unreachable,
# it says so and measures SQLite alone.
BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo test lint format bench system-deps install clean

install: $(STAMP) $(NATIVE)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,native]'
	@touch $(STAMP)

# Without a C compiler the build says why and scoring stays pure Python (same scores, slower);
# the failure is recorded, so the next make tries again only once a source has changed.
$(NATIVE): $(STAMP) $(NATIVE_SOURCES)
	-$(PY) -m sentiment.build_native

demo: $(STAMP) $(NATIVE)
	$(VENV)/bin/minsim demo --port $(PORT)

# The browser test needs Debian's chromium and Korean fonts; installed here when missing.
system-deps:
	@sh .ci/system-deps.sh

test: $(STAMP) $(NATIVE) system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .

# Benchmarks read the labeled data beside the project (../shared/data); never part of `make test`.
bench: $(STAMP) $(NATIVE)
	$(PY) bench/accuracy.py
	$(PY) bench/baseline.py
	$(PY) bench/throughput.py
	$(PY) bench/topics.py
	$(PY) bench/prune.py
	$(PY) bench/sources.py --postgres $(BENCH_POSTGRES)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache sentiment/_native sentiment/_native-* sentiment/_native.lock
