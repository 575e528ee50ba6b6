"""What `minsim prune` costs on a large synthetic database (never run by tests).

    .venv/bin/python bench/prune.py [--docs 1000000] [--days 30]

Builds, in a temporary SQLite file, `--docs` scored comments spread evenly over `--days` (as
bench/topics.py builds them, one topic term each), then times what `minsim prune` does with a
cutoff halfway through: the dry run's counting, and the removal of half the documents with
everything stored about them, ids streamed from the database as they go. Beside them, the
baseline: every id read into one list, as a prune held them before it streamed them. Each
step runs once timed and once under tracemalloc (the removal on a second copy of the file),
which gives the peak of the Python memory it allocated; SQLite's own page cache is not in it.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402
from topics import START, fill_comments  # noqa: E402

from minsim import aggregate, store  # noqa: E402
from minsim.db import migrate, open_engine  # noqa: E402


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
        engine.dispose()
        shutil.copyfile(timed, traced)
        report: dict[str, object] = {"docs": args.docs, "build_s": built[0]}
        for name, step in (("count", _count), ("list_all", _list_all), ("remove", _remove)):
            seconds, found = _measure(lambda step=step: step(timed, cutoff), trace=False)
            _, peak = _measure(lambda step=step: step(traced, cutoff), trace=True)
            report |= {f"{name}_s": seconds, f"{name}_documents": found,
                       f"{name}_python_peak_mib": peak}  # fmt: skip
    for key, value in report.items():
        print(f"{key:>26}: {value}")
    emit(report, args.json)
    return 0


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


def _measure(step: Callable[[], object], *, trace: bool) -> tuple[object, object]:
    """(seconds, what the step returned) or, traced, (what it returned, peak MiB allocated)."""
    if not trace:
        began = time.perf_counter()
        result = step()
        return round(time.perf_counter() - began, 2), result
    tracemalloc.start()
    try:
        result = step()
        return result, round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    finally:
        tracemalloc.stop()


if __name__ == "__main__":
    raise SystemExit(main())
