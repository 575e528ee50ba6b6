"""Rollups the dashboard charts: time series per KST bucket, aspects, headline numbers, events."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, case, exists, func, select

from minsim.aggregate.sql import (
    KST,
    Filters,
    bucket_expr,
    documents_with_scores,
    finish_shares,
    share_columns,
    where_clauses,
)
from minsim.schema import (
    aspect_scores,
    document_companies,
    documents,
    events,
    scores,
)


def latest_scorer_version(engine: Engine) -> str | None:
    """The scorer version most score rows have, or None when nothing is scored.

    Ties go to the version scored most recently: right after `minsim score --rescore` the new
    version has as many rows as the old one and should win.
    """
    query = (
        select(scores.c.scorer_version)
        .group_by(scores.c.scorer_version)
        .order_by(func.count().desc(), func.max(scores.c.scored_at).desc(), scores.c.scorer_version)
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def timeseries(
    engine: Engine, flt: Filters, *, bucket: str, version: str | None, by: str | None = None
) -> pd.DataFrame:
    """Per time bucket (KST) and optionally per kind, source or company: documents, scored
    documents, mean compound and pos/neg shares. Columns: bucket, [by], docs, scored,
    mean_compound, pos, neg, pos_share, neg_share."""
    groups = {"kind": documents.c.kind, "source": documents.c.source}
    joined = by == "company"
    if by is not None and by not in (*groups, "company"):
        raise ValueError(f"cannot group by {by!r}")
    group_col = document_companies.c.company if joined else groups.get(by or "")
    b = bucket_expr(documents.c.published_at, bucket)
    keys = [b] + ([group_col] if by else [])
    source = documents_with_scores(version)
    if joined:
        source = source.join(document_companies, document_companies.c.doc_id == documents.c.doc_id)
    query = (
        select(
            b.label("bucket"),
            *([group_col.label(by)] if by else []),
            func.count(documents.c.doc_id).label("docs"),
            func.count(scores.c.doc_id).label("scored"),
            func.avg(scores.c.compound).label("mean_compound"),
            *share_columns(scores.c.label),
        )
        .select_from(source)
        .where(*where_clauses(flt, company_joined=joined))
        .group_by(*keys)
        .order_by(b)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all())
    if frame.empty:
        extra = [by] if by else []
        return pd.DataFrame(
            columns=["bucket", *extra, "docs", "scored", "mean_compound", "pos", "neg"]
            + ["pos_share", "neg_share"]
        )
    return finish_shares(frame, "scored")


def aspect_timeseries(
    engine: Engine, flt: Filters, *, bucket: str, version: str | None
) -> pd.DataFrame:
    """Per KST bucket, aspect and inherited flag: n, mean_compound, pos/neg counts and shares."""
    b = bucket_expr(documents.c.published_at, bucket)
    query = (
        select(
            b.label("bucket"),
            aspect_scores.c.aspect,
            aspect_scores.c.inherited,
            func.count().label("n"),
            func.avg(aspect_scores.c.compound).label("mean_compound"),
            *share_columns(aspect_scores.c.label),
        )
        .select_from(documents.join(aspect_scores, aspect_scores.c.doc_id == documents.c.doc_id))
        .where(aspect_scores.c.scorer_version == (version or ""), *where_clauses(flt))
        .group_by(b, aspect_scores.c.aspect, aspect_scores.c.inherited)
        .order_by(b, aspect_scores.c.aspect)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all())
    if frame.empty:
        return pd.DataFrame(
            columns=["bucket", "aspect", "inherited", "n", "mean_compound", "pos", "neg"]
            + ["pos_share", "neg_share"]
        )
    frame["inherited"] = frame["inherited"].astype(bool)
    return finish_shares(frame, "n")


def summary(engine: Engine, flt: Filters, *, version: str | None) -> dict[str, float | int | None]:
    """Headline numbers for the filters: docs, articles, comments, scored, mean compound, shares.

    Means and shares are over the documents scored under `version` only (None when none is):
    an unscored document is unknown, not neutral. `scored_elsewhere` counts the unscored
    documents that do have a score under another version (a lexicon or rule change since).
    """
    other = scores.alias("other_scores")
    elsewhere = exists().where(
        other.c.doc_id == documents.c.doc_id, other.c.scorer_version != (version or "")
    )
    query = (
        select(
            func.count(documents.c.doc_id).label("docs"),
            func.sum(case((documents.c.kind == "article", 1), else_=0)).label("articles"),
            func.sum(case((documents.c.kind == "comment", 1), else_=0)).label("comments"),
            func.count(scores.c.doc_id).label("scored"),
            func.sum(case((and_(scores.c.doc_id.is_(None), elsewhere), 1), else_=0)).label(
                "scored_elsewhere"
            ),
            func.avg(scores.c.compound).label("mean_compound"),
            *share_columns(scores.c.label),
        )
        .select_from(documents_with_scores(version))
        .where(*where_clauses(flt))
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().one()
    scored = int(row["scored"] or 0)
    return {
        "docs": int(row["docs"] or 0),
        "articles": int(row["articles"] or 0),
        "comments": int(row["comments"] or 0),
        "scored": scored,
        "scored_elsewhere": int(row["scored_elsewhere"] or 0),
        "mean_compound": float(row["mean_compound"]) if scored else None,
        "pos_share": (int(row["pos"] or 0) / scored) if scored else None,
        "neg_share": (int(row["neg"] or 0) / scored) if scored else None,
    }


def events_between(engine: Engine, flt: Filters) -> pd.DataFrame:
    """Events in the time window (and of the selected companies): at (KST), company, title."""
    # by id within a time too: ties are numbered alike on every backend and every page
    query = select(events.c.at, events.c.company, events.c.title).order_by(events.c.at, events.c.id)
    if flt.start is not None:
        query = query.where(events.c.at >= flt.start)
    if flt.end is not None:
        query = query.where(events.c.at < flt.end)
    if flt.companies:
        query = query.where(events.c.company.in_(flt.companies))
    with engine.connect() as conn:
        frame = pd.DataFrame(
            conn.execute(query).mappings().all(), columns=["at", "company", "title"]
        )
    if not frame.empty:
        frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(KST)
    return frame
