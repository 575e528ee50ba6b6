"""A labelling sample: stored documents drawn at random, reproducibly, to be labelled by hand.

The scorer is measured on the comments it was tuned for; a team that monitors other talk needs
its figures on its own documents. `minsim sample` draws documents inside the filters and writes
them as a `text<TAB>label` file with the label left empty; once people fill in pos, neg or neu,
`minsim eval` reads it (rows still without a label are skipped and counted).

The draw orders the matching documents by a hash of the seed and the document id: the same seed
draws the same documents on SQLite and PostgreSQL, and while the matching documents stay the same
a larger sample holds a smaller one. New documents take places in the order, so a file is made
larger by extending it (`have`): its rows stay as they are and new texts come after them. Texts
that read the same once written on one line (a pasted comment, a repeated headline) are drawn
once.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Collection, Iterator, Sequence
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
# Ids read from the database at a time while ordering them.
STREAM_ROWS = 10_000


@dataclass(frozen=True)
class Sample:
    """New texts drawn, one line each; how many documents matched the filters, how many drawn
    ones were left out as repeats of a text drawn before, and how many drawn ones the file
    being extended already held."""

    texts: list[str]
    matching: int
    repeats: int
    held: int = 0


def one_line(text: str) -> str:
    """`text` on one TSV line: runs of tabs, line breaks and spaces become one space."""
    return _ROW_BREAKING.sub(" ", text).strip()


def draw_order(doc_id: str, seed: int) -> str:
    """Where a document falls in the draw of `seed`: a hash, so the order is the same on every
    database and for every sample size."""
    return hashlib.sha1(f"{seed}:{doc_id}".encode()).hexdigest()


def draw_sample(
    engine: Engine, flt: Filters, size: int, seed: int, have: Collection[str] = ()
) -> Sample:
    """Texts of the documents inside `flt`, in the draw order of `seed`, until the texts of
    `have` (a file being extended, counted toward `size`) and the new ones make `size` distinct
    texts; documents without text (a title only) are not drawn. Only the first documents of
    the order are read, more when repeats use them up."""
    held_texts = set(have)
    wanted = size - len(held_texts)
    reach = 2 * size + FETCH
    while True:
        ordered, matching = _first_in_order(engine, flt, seed, reach)
        seen: dict[str, None] = {}
        repeats = held = 0
        for text in _texts_in_order(engine, ordered):
            if len(seen) >= wanted:
                break
            line = one_line(text)
            if line in held_texts:
                held += 1
            elif line in seen:
                repeats += 1
            elif line:
                seen[line] = None
        if len(seen) >= wanted or reach >= matching:
            return Sample(texts=list(seen), matching=matching, repeats=repeats, held=held)
        reach *= 4  # repeats used up the documents read: read further along the order


def _first_in_order(engine: Engine, flt: Filters, seed: int, count: int) -> tuple[list[str], int]:
    """The ids of the first `count` documents inside `flt` in the draw order, and how many
    documents are inside; ids are streamed, never all held."""
    matching = 0

    def keyed(ids: Iterator[str]) -> Iterator[tuple[str, str]]:
        nonlocal matching
        for doc_id in ids:
            matching += 1
            yield draw_order(doc_id, seed), doc_id

    query = select(documents.c.doc_id).where(documents.c.text != "", *where_clauses(flt))
    with engine.connect() as conn:
        streamed = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS)
        first = heapq.nsmallest(count, keyed(iter(streamed.execute(query).scalars())))
    return [doc_id for _, doc_id in first], matching


def _texts_in_order(engine: Engine, doc_ids: list[str]) -> Iterator[str]:
    """The texts of `doc_ids`, in that order, fetched a chunk at a time as they are needed."""
    for chunk in chunks(doc_ids, FETCH):
        with engine.connect() as conn:
            rows = conn.execute(
                select(documents.c.doc_id, documents.c.text).where(documents.c.doc_id.in_(chunk))
            ).all()
        texts = dict(rows)
        yield from (texts[doc_id] for doc_id in chunk)


def as_tsv(texts: Sequence[str], kept: Sequence[tuple[str, str]] = ()) -> str:
    """The labelled file to fill in: the header, the `kept` rows (text, label) of the file
    being extended as they were, then one `text<TAB>` row per new text."""
    rows = [*(f"{text}\t{label}" for text, label in kept), *(f"{text}\t" for text in texts)]
    return "".join(f"{line}\n" for line in [HEADER, *rows])
