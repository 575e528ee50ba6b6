"""Score stored documents with the sentiment scorer and save the results (articles before comments,
so a comment without an aspect cue can inherit its article's aspects)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine

from minsim import aggregate, db, store

log = logging.getLogger(__name__)

# Texts handed to the scorer at once: big enough to keep Kiwi's worker threads busy,
# small enough that progress is reported often and memory stays flat.
SCORE_BATCH = 500

Progress = Callable[[int, int], None]


def score_documents(
    engine: Engine,
    scorer: Any,
    doc_ids: Sequence[str],
    *,
    progress: Progress | None = None,
) -> int:
    """Score these documents under `scorer.version`; returns how many were scored."""
    done = 0
    rows = aggregate.documents_for_scoring(engine, doc_ids)
    for start in range(0, len(rows), SCORE_BATCH):
        batch = rows[start : start + SCORE_BATCH]
        parents = sorted({parent for _, _, parent in batch if parent})
        inherited_by_parent = aggregate.article_aspects(engine, scorer.version, parents)
        texts = [text for _, text, _ in batch]
        inherited = [inherited_by_parent.get(parent, []) if parent else [] for *_, parent in batch]
        scores = scorer.score_many(texts, inherited_aspects=inherited)
        store.save_scores(engine, [doc_id for doc_id, _, _ in batch], scores, scorer.version)
        done += len(batch)
        if progress:
            progress(done, len(rows))
    return done


def score_pending(
    engine: Engine, scorer: Any, *, rescore: bool = False, progress: Progress | None = None
) -> int:
    """Score what lacks a score under the current version; with `rescore`, recompute every
    document and drop scores of older versions."""
    doc_ids = aggregate.unscored_doc_ids(engine, scorer.version, include_scored=rescore)
    scored = score_documents(engine, scorer, doc_ids, progress=progress)
    if rescore:
        dropped = store.delete_other_versions(engine, scorer.version)
        log.info("dropped %d scores of older scorer versions", dropped)
    db.refresh_statistics(engine)  # a whole pass, not every batch: scores grew or changed
    return scored
