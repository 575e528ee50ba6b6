"""Small reads for the dashboard: names for filters, the time span, drill-down rows, live counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from minsim.aggregate.sql import (
    KST,
    Filters,
    aware,
    chunks,
    documents_with_scores,
    where_clauses,
)
from minsim.db import has_origins
from minsim.schema import (
    aspects,
    companies,
    document_companies,
    documents,
    events,
    scores,
)
from minsim.timeline import StoredEvent

# Drill-down tables stay readable and cheap; users narrow filters to see other rows.
DEFAULT_DOCUMENT_LIMIT = 200


def company_names(engine: Engine) -> dict[str, str]:
    """Company id -> display name (Korean), in display-name order."""
    with engine.connect() as conn:
        rows = conn.execute(select(companies.c.id, companies.c.name).order_by(companies.c.name))
        return {cid: name for cid, name in rows}


def stored_events(engine: Engine, company_ids: Sequence[str] = ()) -> list[StoredEvent]:
    """Every event of the timeline (of these companies), numbered in time order as `minsim
    impact` numbers them, with where each came from (None before migration 5)."""
    with_origin = has_origins(engine)
    columns = [events.c.id, events.c.at, events.c.company, events.c.title]
    query = select(*columns, *([events.c.origin] if with_origin else []))
    if company_ids:
        query = query.where(events.c.company.in_(list(company_ids)))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(events.c.at, events.c.id)).all()
    return [
        StoredEvent(
            number,
            row.id,
            aware(row.at),
            row.company,
            row.title,
            row.origin if with_origin else None,
        )  # fmt: skip
        for number, row in enumerate(rows, 1)
    ]


def aspect_labels(engine: Engine) -> dict[str, str]:
    """Aspect id -> label (Korean)."""
    with engine.connect() as conn:
        rows = conn.execute(select(aspects.c.id, aspects.c.label).order_by(aspects.c.id))
        return {aid: label for aid, label in rows}


def source_names(engine: Engine, flt: Filters | None = None) -> list[str]:
    """Every source that stored a document (of those the filters select), sorted (runs of
    imports name files, not sources)."""
    clauses = where_clauses(flt) if flt is not None else []
    with engine.connect() as conn:
        if not clauses:
            return stored_sources_of(conn)
        query = select(documents.c.source).distinct().where(*clauses)
        return sorted(conn.execute(query).scalars())


def stored_sources_of(conn: Connection) -> list[str]:
    """Every source that holds a document, sorted, read by skipping through the source index
    from one source to the next (the smallest source above the last one, as a recursive query)
    rather than by reading every document, as SELECT DISTINCT does on PostgreSQL (SQLite, with
    its planner statistics, skips by itself; bench/sources.py measures both)."""
    seen = select(func.min(documents.c.source).label("source")).cte("seen", recursive=True)
    later = documents.alias("later")
    following = (
        select(func.min(later.c.source)).where(later.c.source > seen.c.source).scalar_subquery()
    )
    seen = seen.union_all(select(following).where(seen.c.source.is_not(None)))
    # Sorted here, not by the database: its collation may order names otherwise.
    return sorted(conn.execute(select(seen.c.source).where(seen.c.source.is_not(None))).scalars())


def time_span(engine: Engine) -> tuple[datetime, datetime] | None:
    """(oldest, newest) published_at over all documents, aware UTC; None when there are none."""
    with engine.connect() as conn:
        oldest, newest = conn.execute(
            select(func.min(documents.c.published_at), func.max(documents.c.published_at))
        ).one()
    if oldest is None:
        return None
    # Aggregates bypass the column type on SQLite, so coerce text/naive values to aware UTC.
    return aware(oldest), aware(newest)


def documents_table(
    engine: Engine,
    flt: Filters,
    *,
    version: str | None,
    label: str | None = None,
    limit: int | None = DEFAULT_DOCUMENT_LIMIT,
) -> pd.DataFrame:
    """The newest documents behind the filters with score, label and hits (JSON text); all of
    them when `limit` is None (see count_documents for how many that is).

    Columns: doc_id, published_at (KST), kind, source, title, text, compound, label, hits,
    companies (comma-separated ids). Unscored documents have empty score columns.
    """
    query = (
        select(
            documents.c.doc_id,
            documents.c.published_at,
            documents.c.kind,
            documents.c.source,
            documents.c.title,
            documents.c.text,
            scores.c.compound,
            scores.c.label,
            scores.c.hits,
        )
        .select_from(documents_with_scores(version))
        .where(*where_clauses(flt))
        .order_by(documents.c.published_at.desc(), documents.c.doc_id)
        .limit(limit)
    )
    if label is not None:
        query = query.where(scores.c.label == label)
    columns = ["doc_id", "published_at", "kind", "source", "title", "text"]
    columns += ["compound", "label", "hits", "companies"]
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        tags: dict[str, list[str]] = {}
        for chunk in chunks([r["doc_id"] for r in rows]):
            pairs = conn.execute(
                select(document_companies.c.doc_id, document_companies.c.company)
                .where(document_companies.c.doc_id.in_(chunk))
                .order_by(document_companies.c.company)
            )
            for doc_id, company in pairs:
                tags.setdefault(doc_id, []).append(company)
    for row in rows:
        row["companies"] = ", ".join(tags.get(row["doc_id"], []))
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True).dt.tz_convert(KST)
    return frame


def count_documents(
    engine: Engine, flt: Filters, *, version: str | None, label: str | None = None
) -> int:
    """How many documents documents_table would list without a limit."""
    query = (
        select(func.count(documents.c.doc_id))
        .select_from(documents_with_scores(version))
        .where(*where_clauses(flt))
    )
    if label is not None:
        query = query.where(scores.c.label == label)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def newest_times(engine: Engine) -> tuple[datetime | None, datetime | None]:
    """The newest collection and scoring times (aware; None when there is none): they move
    whenever a collector stores or scores something, and each is one step down an index."""
    with engine.connect() as conn:
        collected = conn.execute(select(func.max(documents.c.collected_at))).scalar_one()
        scored = conn.execute(select(func.max(scores.c.scored_at))).scalar_one()
    return (aware(collected) if collected else None), (aware(scored) if scored else None)


def live_counts(engine: Engine) -> dict[str, object]:
    """Totals for the live counter: documents by kind and the newest collection time."""
    with engine.connect() as conn:
        by_kind = dict(
            conn.execute(select(documents.c.kind, func.count()).group_by(documents.c.kind)).all()
        )
    newest, _ = newest_times(engine)
    return {
        "articles": int(by_kind.get("article", 0)),
        "comments": int(by_kind.get("comment", 0)),
        "newest_collected_at": newest,
    }


def stored_explanations(
    engine: Engine, flt: Filters, *, version: str | None, limit: int
) -> tuple[list[str], int]:
    """The stored explanations (`scores.hits` JSON) of the newest `limit` documents behind the
    filters that `version` scored, and how many such documents there are in all."""
    scored = [*where_clauses(flt), scores.c.hits.is_not(None), scores.c.hits != ""]
    source = documents_with_scores(version)
    newest = (
        select(scores.c.hits)
        .select_from(source)
        .where(*scored)
        .order_by(documents.c.published_at.desc(), documents.c.doc_id)
        .limit(limit)
    )
    total = select(func.count()).select_from(source).where(*scored)
    with engine.connect() as conn:
        return list(conn.execute(newest).scalars()), int(conn.execute(total).scalar_one())
