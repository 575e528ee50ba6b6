"""Reads for the collection-health page: runs that went well, and what each document source holds.

Runs are named after the collector (`[[sources]] name`) or the imported file (`import:<file>`),
documents after their own `source` column; each document records the run that stored its current
version (`documents.run_id`), which links the two (documents stored before that column existed
belong to no run).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import pandas as pd
from sqlalchemy import ColumnElement, Engine, ScalarSelect, case, func, or_, select

from minsim.aggregate.contract import run_record
from minsim.aggregate.sql import KST, Filters, aware, bucket_expr, where_clauses
from minsim.schema import documents, runs
from minsim.store import NOT_THE_SOURCE

SOURCE_ACTIVITY_COLUMNS = [
    "source", "docs", "articles", "comments", "first_published", "last_published",
    "last_collected",
]  # fmt: skip
COLLECTION_COLUMNS = ["bucket", "source", "docs"]
_TIME_COLUMNS = ("first_published", "last_published", "last_collected")


def last_ok_runs(engine: Engine) -> dict[str, datetime]:
    """The start of the newest successful run of every run name (aware UTC); names that never
    succeeded are absent. Tells "failing since" apart from "failed once"."""
    query = (
        select(runs.c.source, func.max(runs.c.started_at))
        .where(runs.c.status == "ok")
        .group_by(runs.c.source)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    # Aggregates bypass the column type on SQLite, so coerce text/naive values to aware UTC.
    return {name: aware(started) for name, started in rows if started is not None}


class FailureStreak(NamedTuple):
    """The failed runs of a source after one of its good runs (or since its first run)."""

    after: int  # the id of that good run, which tells one streak from the next (0: none)
    runs: int
    since: datetime  # the start of the first failed run (aware UTC)


def failure_streak(engine: Engine, source: str, before: int | None = None) -> FailureStreak | None:
    """The runs of `source` that failed after its last good run, or, with `before` (a run id),
    after its last good run before that run; None when there are none. Runs are ordered by id,
    as they were started. Runs that failed for their process's end (killed, or stopped by
    Ctrl+C: store.NOT_THE_SOURCE) neither count nor end a streak."""
    of_source = [runs.c.source == source] + ([runs.c.id < before] if before is not None else [])
    last_ok = select(func.coalesce(func.max(runs.c.id), 0)).where(*of_source, runs.c.status == "ok")
    with engine.connect() as conn:
        after = int(conn.execute(last_ok).scalar_one())
        count, since = conn.execute(
            select(func.count(), func.min(runs.c.started_at)).where(
                *of_source,
                runs.c.id > after,
                runs.c.status == "failed",
                or_(runs.c.error.is_(None), runs.c.error.not_in(NOT_THE_SOURCE)),
            )
        ).one()
    return FailureStreak(after, int(count), aware(since)) if count else None


def stored_sources(engine: Engine) -> dict[str, list[str]]:
    """The document sources each run name's runs hold the current version of (sorted)."""
    # distinct (run, source) pairs first: the index on (run_id, source) answers it alone
    pairs = (
        select(documents.c.run_id, documents.c.source)
        .where(documents.c.run_id.is_not(None))
        .group_by(documents.c.run_id, documents.c.source)
        .subquery()
    )
    query = (
        select(runs.c.source, pairs.c.source).join(pairs, pairs.c.run_id == runs.c.id).distinct()
    )
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for run_name, source in conn.execute(query):
            found.setdefault(run_name, []).append(source)
    return {name: sorted(sources) for name, sources in found.items()}


def _stored_count(run_id: ColumnElement[int]) -> ScalarSelect[int]:
    """The documents whose stored version the run `run_id` wrote (a correlated count)."""
    return (
        select(func.count())
        .select_from(documents)
        .where(documents.c.run_id == run_id)
        .scalar_subquery()
    )


def run_summary(engine: Engine, run_id: int) -> dict[str, object] | None:
    """Name, status, start (aware UTC) and stored-document count of one run; None if there is
    no run with that id. Names what a run filter shows."""
    query = select(runs.c.source, runs.c.status, runs.c.started_at, _stored_count(runs.c.id))
    with engine.connect() as conn:
        row = conn.execute(query.where(runs.c.id == run_id)).first()
    if row is None:
        return None
    source, status, started_at, stored = row
    return {"id": run_id, "source": source, "status": status, "started_at": started_at,
            "stored": int(stored)}  # fmt: skip


def recent_runs(engine: Engine, limit: int) -> list[dict[str, object]]:
    """The `limit` newest runs of all collectors (by start, then id), each with the number of
    documents whose current version it stored."""
    newest = (
        select(runs).order_by(runs.c.started_at.desc(), runs.c.id.desc()).limit(limit).subquery()
    )
    # counted for the chosen runs only (SQLite would count every run before the limit)
    query = select(newest, _stored_count(newest.c.id).label("stored")).order_by(
        newest.c.started_at.desc(), newest.c.id.desc()
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [{**run_record(row), "stored": int(row["stored"])} for row in rows]


def source_activity(engine: Engine, flt: Filters) -> pd.DataFrame:
    """Per document source (the documents' `source` column) of the documents the filters select:
    docs, articles, comments, first and last published_at, last collected_at (KST).

    collected_at is when a document was first stored, or stored again because its text changed.
    """
    query = (
        select(
            documents.c.source,
            func.count(documents.c.doc_id).label("docs"),
            func.sum(case((documents.c.kind == "article", 1), else_=0)).label("articles"),
            func.sum(case((documents.c.kind == "comment", 1), else_=0)).label("comments"),
            func.min(documents.c.published_at).label("first_published"),
            func.max(documents.c.published_at).label("last_published"),
            func.max(documents.c.collected_at).label("last_collected"),
        )
        .where(*where_clauses(flt))
        .group_by(documents.c.source)
        .order_by(documents.c.source)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=SOURCE_ACTIVITY_COLUMNS)
    for column in ("docs", "articles", "comments"):
        frame[column] = frame[column].astype(int)
    for column in _TIME_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(KST)
    return frame


def collection_timeseries(engine: Engine, flt: Filters, *, bucket: str) -> pd.DataFrame:
    """Documents per KST bucket of their collected_at and per document source, for the documents
    the filters select. Columns: bucket (KST), source, docs."""
    b = bucket_expr(documents.c.collected_at, bucket)
    query = (
        select(b.label("bucket"), documents.c.source, func.count(documents.c.doc_id).label("docs"))
        .where(*where_clauses(flt))
        .group_by(b, documents.c.source)
        .order_by(b, documents.c.source)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=COLLECTION_COLUMNS)
    frame["bucket"] = pd.to_datetime(frame["bucket"]).dt.tz_localize(KST)
    frame["docs"] = frame["docs"].astype(int)
    return frame
