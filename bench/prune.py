"""What `minsim prune` costs on a large synthetic database (never run by tests).

    .venv/bin/python bench/prune.py [--docs 1000000] [--days 30]

Builds, in a temporary SQLite file, `--docs` scored comments spread evenly over `--days` (as
bench/topics.py builds them, one topic term each), then times what `minsim prune` does with a
cutoff halfway through: the dry run's counting, and the removal of half the documents with
everything stored about them, ids streamed from the database as they go. Beside them, the
baseline: every id read into one list, as a prune held them before it streamed them. Each
step runs once timed and once under tracemalloc (the removal on a second copy of the file),
which gives the peak of the Python memory it allocated; SQLite's own page cache is not in it.
First, it times reading which sources hold documents, as every view does once a prune of one
source exists, against reading every document for it (SELECT DISTINCT).
Prints figures only, never passes or fails.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402
from topics import START, fill_comments  # noqa: E402

from minsim import aggregate, schema, store  # noqa: E402
from minsim.db import migrate, open_engine  # noqa: E402

# Reading which sources hold documents takes milliseconds: the best of this many.
SOURCE_ROUNDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    cutoff = START + timedelta(days=args.days) / 2
    with tempfile.TemporaryDirectory() as folder:
        timed, traced = Path(folder) / "timed.db", Path(folder) / "traced.db"
        engine = open_engine(f"sqlite:///{timed}")
        migrate(engine)
        built = _measure(lambda: fill_comments(engine, args.docs, 1, args.days), trace=False)
        report: dict[str, object] = {"docs": args.docs, "build_s": built[0]}
        report |= _sources(engine)
        engine.dispose()
        shutil.copyfile(timed, traced)
        for name, step in (("count", _count), ("list_all", _list_all), ("remove", _remove)):
            seconds, found = _measure(lambda step=step: step(timed, cutoff), trace=False)
            _, peak = _measure(lambda step=step: step(traced, cutoff), trace=True)
            report |= {f"{name}_s": seconds, f"{name}_documents": found,
                       f"{name}_python_peak_mib": peak}  # fmt: skip
    for key, value in report.items():
        print(f"{key:>26}: {value}")
    emit(report, args.json)
    return 0


def _sources(engine: Engine) -> dict[str, float]:
    """Which sources hold documents, as every view asks once a prune of one source exists
    (aggregate.prune_cuts): skipping through the source index, beside the baseline of reading
    every document (SELECT DISTINCT); the best of SOURCE_ROUNDS each, in milliseconds."""
    report = {}
    with engine.connect() as conn:
        for name, read in (
            ("sources_skip_ms", lambda: aggregate.source_names(engine)),
            ("sources_distinct_ms",
             lambda: list(conn.execute(select(schema.documents.c.source).distinct()))),
        ):  # fmt: skip
            rounds = [_measure(read, trace=False, digits=6)[0] for _ in range(SOURCE_ROUNDS)]
            report[name] = round(min(rounds) * 1000, 2)
    return report


def _count(path: Path, cutoff: datetime) -> int:
    """The dry run: how many documents would go."""
    return aggregate.prunable_documents(open_engine(f"sqlite:///{path}"), cutoff).total


def _list_all(path: Path, cutoff: datetime) -> int:
    """The baseline: every id to remove held in memory at once."""
    engine = open_engine(f"sqlite:///{path}")
    return len(list(aggregate.prunable_ids(engine, cutoff, batch=sys.maxsize)))


def _remove(path: Path, cutoff: datetime) -> int:
    """The removal with --yes, as minsim prune runs it: ids streamed as they are removed."""
    engine = open_engine(f"sqlite:///{path}")
    total = aggregate.prunable_documents(engine, cutoff).total
    record = store.PruneRecord(cutoff, (), total)
    return store.delete_documents(engine, aggregate.prunable_ids(engine, cutoff), record=record)


def _measure(step: Callable[[], object], *, trace: bool, digits: int = 2) -> tuple[object, object]:
    """(seconds, what the step returned) or, traced, (what it returned, peak MiB allocated)."""
    if not trace:
        began = time.perf_counter()
        result = step()
        return round(time.perf_counter() - began, digits), result
    tracemalloc.start()
    try:
        result = step()
        return result, round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    finally:
        tracemalloc.stop()


if __name__ == "__main__":
    raise SystemExit(main())
