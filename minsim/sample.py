"""A labelling sample: stored documents drawn at random, reproducibly, to be labelled by hand.

The scorer is measured on the comments it was tuned for; a team that monitors other talk needs
its figures on its own documents. `minsim sample` draws documents inside the filters and writes
them as a `text<TAB>label` file with the label left empty; once people fill in pos, neg or neu,
`minsim eval` reads it (rows still without a label are skipped and counted).

The draw orders the matching documents by a hash of the seed and the document id: the same seed
draws the same documents on SQLite and PostgreSQL, and a larger sample holds a smaller one, so a
team can label more later without losing what it labelled. Texts that read the same once written
on one line (a pasted comment, a repeated headline) are drawn once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, select

from minsim.aggregate.sql import Filters, chunks, where_clauses
from minsim.schema import documents

# The header `minsim eval` reads as a document-level labeled file.
HEADER = "text\tlabel"
# Tabs and line breaks would split a row of the file: each run of them (and of spaces) becomes
# one space.
_ROW_BREAKING = re.compile(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029 ]+")
# Texts fetched per query while drawing.
FETCH = 500


@dataclass(frozen=True)
class Sample:
    """Texts drawn, one line each; how many documents matched the filters, and how many drawn
    ones were left out as repeats of a text drawn before."""

    texts: list[str]
    matching: int
    repeats: int


def one_line(text: str) -> str:
    """`text` on one TSV line: runs of tabs, line breaks and spaces become one space."""
    return _ROW_BREAKING.sub(" ", text).strip()


def draw_order(doc_id: str, seed: int) -> str:
    """Where a document falls in the draw of `seed`: a hash, so the order is the same on every
    database and for every sample size."""
    return hashlib.sha1(f"{seed}:{doc_id}".encode()).hexdigest()


def draw_sample(engine: Engine, flt: Filters, size: int, seed: int) -> Sample:
    """Up to `size` distinct texts of the documents inside `flt`, in the draw order of `seed`;
    documents without text (a title only) are not drawn."""
    with engine.connect() as conn:
        ids = conn.execute(
            select(documents.c.doc_id).where(documents.c.text != "", *where_clauses(flt))
        ).scalars()
        ordered = sorted(ids, key=lambda doc_id: draw_order(doc_id, seed))
    seen: dict[str, None] = {}
    repeats = 0
    for text in _texts_in_order(engine, ordered):
        line = one_line(text)
        if not line:
            continue
        if line in seen:
            repeats += 1
            continue
        seen[line] = None
        if len(seen) == size:
            break
    return Sample(texts=list(seen), matching=len(ordered), repeats=repeats)


def _texts_in_order(engine: Engine, doc_ids: list[str]) -> Iterator[str]:
    """The texts of `doc_ids`, in that order, fetched a chunk at a time as they are needed."""
    for chunk in chunks(doc_ids, FETCH):
        with engine.connect() as conn:
            rows = conn.execute(
                select(documents.c.doc_id, documents.c.text).where(documents.c.doc_id.in_(chunk))
            ).all()
        texts = dict(rows)
        yield from (texts[doc_id] for doc_id in chunk)


def as_tsv(texts: list[str]) -> str:
    """The labelled file to fill in: the header, then one `text<TAB>` row per text."""
    return "".join(f"{line}\n" for line in [HEADER, *(f"{text}\t" for text in texts)])
