"""Reads the CLI, the scoring pass and the collectors call: counts, last runs, work lists."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, case, exists, func, select

from minsim.aggregate.sql import (
    chunks,
)
from minsim.schema import (
    aspect_scores,
    document_companies,
    documents,
    runs,
    scores,
)


def document_counts(engine: Engine) -> dict[str, dict[str, int]]:
    """Documents by kind, by source and by company (a document tagged twice counts for both)."""
    with engine.connect() as conn:
        by_kind = conn.execute(
            select(documents.c.kind, func.count()).group_by(documents.c.kind)
        ).all()
        by_source = conn.execute(
            select(documents.c.source, func.count()).group_by(documents.c.source)
        ).all()
        by_company = conn.execute(
            select(document_companies.c.company, func.count()).group_by(
                document_companies.c.company
            )
        ).all()
    return {
        "by_kind": {k: int(n) for k, n in by_kind},
        "by_source": {k: int(n) for k, n in by_source},
        "by_company": {k: int(n) for k, n in by_company},
    }


def last_runs(engine: Engine) -> list[dict[str, object]]:
    """The latest run of every source (by start time, then id), sources in name order."""
    # The max id among the rows that have the newest started_at of each source (portable SQL).
    newest = (
        select(runs.c.source, func.max(runs.c.started_at).label("started_at"))
        .group_by(runs.c.source)
        .subquery()
    )
    latest = (
        select(func.max(runs.c.id).label("id"))
        .select_from(runs)
        .join(
            newest,
            and_(newest.c.source == runs.c.source, newest.c.started_at == runs.c.started_at),
        )
        .group_by(runs.c.source)
        .subquery()
    )
    query = select(runs).where(runs.c.id.in_(select(latest.c.id))).order_by(runs.c.source)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [run_record(row) for row in rows]


def run_record(row: Mapping[str, Any]) -> dict[str, object]:
    """A runs row as the readers pass it on, its counters parsed."""
    return {
        "id": row["id"],
        "source": row["source"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "status": row["status"],
        "counters": _counters(row["counters"]),
        "error": row["error"],
    }


def _counters(raw: str | None) -> dict[str, int]:
    """Parse a runs.counters JSON value; a damaged value reads as no counters, not a crash."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    # json reads NaN and Infinity as floats, which int() refuses
    return {
        str(k): int(v) for k, v in value.items() if isinstance(v, int | float) and math.isfinite(v)
    }


def article_urls(engine: Engine, sources: Iterable[str] | None = None) -> list[str]:
    """URLs of stored articles (optionally only from these sources), for comment collectors."""
    query = select(documents.c.url).where(
        documents.c.kind == "article", documents.c.url.is_not(None)
    )
    if sources is not None:
        query = query.where(documents.c.source.in_(list(sources)))
    with engine.connect() as conn:
        return [url for (url,) in conn.execute(query.order_by(documents.c.published_at))]


def unscored_doc_ids(engine: Engine, version: str, *, include_scored: bool = False) -> list[str]:
    """Documents without a score for this scorer version (every document with `include_scored`,
    for a rescore), articles first so comments can inherit their aspects."""
    article_first = case((documents.c.kind == "article", 0), else_=1)
    query = select(documents.c.doc_id).order_by(
        article_first, documents.c.published_at, documents.c.doc_id
    )
    if not include_scored:
        scored = exists().where(
            scores.c.doc_id == documents.c.doc_id, scores.c.scorer_version == version
        )
        query = query.where(~scored)
    with engine.connect() as conn:
        return [doc_id for (doc_id,) in conn.execute(query)]


def count_scored_by_older_versions_only(engine: Engine, version: str) -> int:
    """Documents that have scores, but none under `version` (the lexicon or rules changed)."""
    current = select(scores.c.doc_id).where(scores.c.scorer_version == version)
    query = select(func.count(func.distinct(scores.c.doc_id))).where(
        scores.c.scorer_version != version, scores.c.doc_id.not_in(current)
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def documents_for_scoring(
    engine: Engine, doc_ids: Sequence[str]
) -> list[tuple[str, str, str | None]]:
    """(doc_id, text, parent_id) for the given ids, in the order given, each once (a repeated
    id would be scored twice); unknown ids are skipped."""
    wanted = list(dict.fromkeys(doc_ids))
    found: dict[str, tuple[str, str, str | None]] = {}
    with engine.connect() as conn:
        for chunk in chunks(wanted):
            query = select(documents.c.doc_id, documents.c.text, documents.c.parent_id).where(
                documents.c.doc_id.in_(chunk)
            )
            for doc_id, text, parent_id in conn.execute(query):
                found[doc_id] = (doc_id, text, parent_id)
    return [found[d] for d in wanted if d in found]


def article_aspects(
    engine: Engine, version: str, article_ids: Iterable[str]
) -> dict[str, list[str]]:
    """Aspects each article's own score named (not inherited), sorted; articles without any are
    absent from the result."""
    ids = sorted(set(article_ids))
    result: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for chunk in chunks(ids):
            query = (
                select(aspect_scores.c.doc_id, aspect_scores.c.aspect)
                .where(
                    aspect_scores.c.scorer_version == version,
                    aspect_scores.c.doc_id.in_(chunk),
                    aspect_scores.c.inherited.is_(False),
                )
                .order_by(aspect_scores.c.doc_id, aspect_scores.c.aspect)
            )
            for doc_id, aspect in conn.execute(query):
                result.setdefault(doc_id, []).append(aspect)
    return result


@dataclass(frozen=True)
class Prunable:
    """What `minsim prune` would take: how many articles and comments, and how many old
    articles stay because comments on them stay."""

    articles: int
    comments: int
    articles_kept: int

    @property
    def total(self) -> int:
        return self.articles + self.comments


# Ids read per query while a prune streams them: memory stays bounded however many go.
PRUNE_READ_BATCH = 10_000


def prunable_documents(engine: Engine, before: datetime, sources: Sequence[str] = ()) -> Prunable:
    """How many documents published before `before` (of these sources) a prune takes, counted
    in the database, but for the articles that comments staying are about: a comment never
    loses its article."""
    old, staying = _prune_conditions(before, sources)
    held = func.sum(case((staying, 1), else_=0))
    query = select(documents.c.kind, func.count(), held).where(old).group_by(documents.c.kind)
    with engine.connect() as conn:
        counts = {kind: (int(n), int(kept or 0)) for kind, n, kept in conn.execute(query)}
    articles, articles_held = counts.get("article", (0, 0))
    comments, comments_held = counts.get("comment", (0, 0))
    return Prunable(
        articles=articles - articles_held,
        comments=comments - comments_held,
        articles_kept=articles_held + comments_held,
    )


def prunable_ids(
    engine: Engine, before: datetime, sources: Sequence[str] = (), batch: int = PRUNE_READ_BATCH
) -> Iterator[str]:
    """The ids `prunable_documents` counts, comments first (a prune stopped part way leaves no
    comment without its article), read `batch` candidates at a time by a fresh query after the
    last one read, so a caller may delete what it was given before asking for more."""
    old, staying = _prune_conditions(before, sources)
    for kind in ("comment", "article"):
        last = ""
        while True:
            # Whether a comment holds a candidate is asked per row (an index lookup), not as a
            # filter: PostgreSQL made the filter an anti-join that read the whole parent index
            # again for every batch.
            query = (
                select(documents.c.doc_id, staying.label("held"))
                .where(old, documents.c.kind == kind, documents.c.doc_id > last)
                .order_by(documents.c.doc_id)
                .limit(batch)
            )
            with engine.connect() as conn:
                rows = conn.execute(query).all()
            yield from (row.doc_id for row in rows if not row.held)
            if len(rows) < batch:
                break
            last = rows[-1].doc_id


def _prune_conditions(before: datetime, sources: Sequence[str]) -> tuple[Any, Any]:
    """A document published before `before` (of these sources); a comment about it that is not."""
    old = documents.c.published_at < before
    if sources:
        old = and_(old, documents.c.source.in_(list(sources)))
    comment = documents.alias("comment")
    comment_old = comment.c.published_at < before
    if sources:
        comment_old = and_(comment_old, comment.c.source.in_(list(sources)))
    return old, exists().where(comment.c.parent_id == documents.c.doc_id, ~comment_old)
