"""Which sources hold documents, on a large synthetic database (never run by tests).

    .venv/bin/python bench/sources.py [--docs 1000000] [--sources 8] [--postgres URL]

Every view asks it once a prune of one source exists (aggregate.prune_cuts), the sidebar lists
the sources and each `--source` is checked against them. Fills a temporary SQLite file, and with
`--postgres` a throw-away schema of that server, with `--docs` documents spread over `--sources`
sources, takes the planner's statistics as minsim does after every run, then times the reading
minsim does (aggregate.stored_sources_of: skipping through the source index from each source to
the next above it) beside reading them with SELECT DISTINCT source, which PostgreSQL answers by
reading every document (SQLite, with its statistics, skips through the index by itself); the
best of ROUNDS each, in milliseconds. Prints figures only, never passes or fails.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402

from minsim import schema  # noqa: E402
from minsim.aggregate.lookups import stored_sources_of  # noqa: E402
from minsim.db import error_reason, migrate, open_engine  # noqa: E402

ROUNDS = 5
# One row per document, made by the database itself: a million take seconds, not minutes.
SQLITE_FILL = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :docs - 1)
INSERT INTO documents (doc_id, kind, source, external_id, text, published_at, collected_at,
                       likes, dislikes, content_hash)
SELECT printf('d%08d', i), 'comment', 'source-' || (i % :sources), i, '벤치',
       datetime('2022-10-15', '+' || (i % 40000) || ' minutes'), datetime('2022-10-15'),
       0, 0, i
FROM n
"""
POSTGRES_FILL = """
INSERT INTO documents (doc_id, kind, source, external_id, text, published_at, collected_at,
                       likes, dislikes, content_hash)
SELECT 'd' || lpad(i::text, 8, '0'), 'comment', 'source-' || (i % :sources), i::text, '벤치',
       timestamptz '2022-10-15' + (i % 40000) * interval '1 minute', timestamptz '2022-10-15',
       0, 0, i::text
FROM generate_series(0, :docs - 1) AS i
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--sources", type=int, default=8)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL server (a URL)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    report: dict[str, object] = {"docs": args.docs, "sources": args.sources}
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(f"sqlite:///{Path(folder) / 'sources.db'}")
        migrate(engine)
        report |= _measure("sqlite", engine, SQLITE_FILL, args)
        engine.dispose()
    if args.postgres:
        report |= _on_postgres(args)
    for key, value in report.items():
        print(f"{key:>26}: {value}")
    emit(report, args.json)
    return 0


def _on_postgres(args: argparse.Namespace) -> dict[str, object]:
    """The same on PostgreSQL, in a schema made for it and dropped after."""
    name = f"minsim_bench_{secrets.token_hex(4)}"
    admin = create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    except SQLAlchemyError as exc:  # no server here: SQLite's figures still stand
        admin.dispose()
        return {"postgresql": f"not measured: {error_reason(exc)}"}
    try:
        url = f"{args.postgres}?options=-csearch_path%3D{name}"
        engine = open_engine(url)
        migrate(engine)
        try:
            return _measure("postgresql", engine, POSTGRES_FILL, args)
        finally:
            engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _measure(backend: str, engine: Engine, fill: str, args: argparse.Namespace) -> dict:
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(fill), {"docs": args.docs, "sources": args.sources})
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # as minsim keeps them (db.refresh_statistics, autovacuum)
    built = round(time.perf_counter() - began, 1)
    with engine.connect() as conn:  # both on one open connection: the queries alone
        distinct = _best(lambda: list(conn.execute(select(schema.documents.c.source).distinct())))
        skip = _best(lambda: stored_sources_of(conn))
        found = len(stored_sources_of(conn))
    return {f"{backend}_build_s": built, f"{backend}_sources_found": found,
            f"{backend}_skip_ms": skip, f"{backend}_distinct_ms": distinct}  # fmt: skip


def _best(read: Callable[[], object]) -> float:
    """The fastest of ROUNDS readings, in milliseconds."""
    rounds = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        read()
        rounds.append(time.perf_counter() - began)
    return round(min(rounds) * 1000, 2)


if __name__ == "__main__":
    raise SystemExit(main())
