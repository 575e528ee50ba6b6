"""The shared path from RawItems to stored, tagged and scored documents (used by imports, the
demo loader and every collector run)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from minsim import store
from minsim.models import Document, Drop, RawItem, RunCounters
from minsim.normalize import normalize
from minsim.scenario import Scenario
from minsim.schema import utcnow
from minsim.scoring import score_documents

log = logging.getLogger(__name__)

# Documents stored per transaction: a failure loses at most one batch, never what came before.
INGEST_BATCH = 500

BatchProgress = Callable[[RunCounters], None]


def ingest(
    engine: Engine,
    items: Iterable[RawItem],
    *,
    scenario: Scenario,
    scorer: Any | None,
    counters: RunCounters,
    salt: str,
    run_id: int | None,
    batch_size: int = INGEST_BATCH,
    collected_at: datetime | None = None,
    on_batch: BatchProgress | None = None,
) -> None:
    """Normalize, store (one transaction a batch), tag companies and score new or changed documents.

    Counts `fetched`, `new`, `duplicate`, `updated`, `scored` and `dropped/<reason>` into
    `counters`: every item fetched is counted once as new, updated, duplicate or dropped, and a
    document is scored at most once a batch however many copies of it the batch holds. The
    documents stored or changed are marked with `run_id`, the run recording this work.
    An item whose values the database cannot store is dropped by normalize, so it never fails the
    batch of good items it arrived with. Batches stored before an exception stay stored.
    """
    batch: list[Document] = []
    for item in items:
        counters.add("fetched")
        result = normalize(item, salt=salt, collected_at=collected_at or utcnow())
        if isinstance(result, Drop):
            counters.add(f"dropped/{result.reason}")
            log.debug("dropped %s %s: %s", item.source, item.external_id, result.detail)
            continue
        batch.append(result)
        if len(batch) >= batch_size:
            _store_batch(engine, batch, scenario, scorer, counters, run_id)
            batch = []
            if on_batch:
                on_batch(counters)
    if batch:
        _store_batch(engine, batch, scenario, scorer, counters, run_id)
        if on_batch:
            on_batch(counters)


def _store_batch(
    engine: Engine,
    batch: list[Document],
    scenario: Scenario,
    scorer: Any | None,
    counters: RunCounters,
    run_id: int | None,
) -> None:
    """Store one batch, then tag and score each document it changed once, in its stored version
    (the last copy of its doc_id in the batch)."""
    result = store.upsert_documents(engine, batch, run_id)
    counters.add("new", result.new)
    counters.add("duplicate", result.duplicate)
    if result.updated:
        counters.add("updated", result.updated)
    latest = store.latest_versions(batch)
    changed_docs = [latest[doc_id] for doc_id in (*result.new_ids, *result.updated_ids)]
    if not changed_docs:
        return
    store.tag_companies(engine, changed_docs, scenario.companies)
    if scorer is not None:
        # articles first so the comments of this batch inherit their aspects
        ordered = sorted(changed_docs, key=lambda d: d.kind != "article")
        articles = [d.doc_id for d in ordered if d.kind == "article"]
        comments = [d.doc_id for d in ordered if d.kind != "article"]
        scored = score_documents(engine, scorer, articles) if articles else 0
        scored += score_documents(engine, scorer, comments) if comments else 0
        counters.add("scored", scored)
