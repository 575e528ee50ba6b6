"""Shared pieces of the read SQL: filters, KST time buckets compiled per dialect, chunking.

Bucketing a naive-UTC timestamp into a KST hour or day is the one dialect-specific piece; it is a
compiled SQL construct, so grouping happens in the database and results are bounded by the number
of buckets, not the number of documents.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import and_, case, exists, func, not_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.selectable import Join
from sqlalchemy.types import String

from minsim.schema import (
    document_companies,
    documents,
    scores,
)
from minsim.search import parse_search

# SQLite's default host-parameter limit was 999 before 3.32; chunks of 500 stay under it anywhere.
IN_CHUNK = 500
# Seoul has been UTC+9 without daylight saving since 1988, so a fixed offset buckets KST exactly.
KST_OFFSET_HOURS = 9
KST = "Asia/Seoul"
BUCKETS: tuple[str, ...] = ("hour", "day")


def chunks(items: Sequence[str], size: int = IN_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class Filters:
    """What the dashboard's sidebar selected. Empty tuples mean "all"; times are aware, end is
    exclusive; `run` keeps the documents whose stored version that collection run wrote;
    `text` holds search words (minsim.search: every word, "a phrase", -not this word), matched
    in the title or text as written, in any case;
    `lexicon_key` keeps the documents whose stored score explanation under `version` (the
    scorer version the page shows) holds a hit of that lexicon key (`실망/NNG`)."""

    start: datetime | None = None
    end: datetime | None = None
    companies: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    run: int | None = None
    text: str | None = None
    lexicon_key: str | None = None
    version: str | None = None


class _KstHour(FunctionElement):
    """The KST hour a naive-UTC timestamp falls in, as text 'YYYY-MM-DD HH:00:00'."""

    type = String()
    inherit_cache = True


class _KstDay(FunctionElement):
    """The KST calendar day a naive-UTC timestamp falls in, as text 'YYYY-MM-DD 00:00:00'."""

    type = String()
    inherit_cache = True


_SQLITE_FORMATS = {_KstHour: "%Y-%m-%d %H:00:00", _KstDay: "%Y-%m-%d 00:00:00"}
_PG_FORMATS = {_KstHour: "YYYY-MM-DD HH24:00:00", _KstDay: "YYYY-MM-DD 00:00:00"}


@compiles(_KstHour, "sqlite")
@compiles(_KstDay, "sqlite")
def _bucket_sqlite(element: FunctionElement, compiler, **kw) -> str:  # noqa: ANN001
    arg = compiler.process(list(element.clauses)[0], **kw)
    fmt = _SQLITE_FORMATS[type(element)]
    return f"strftime('{fmt}', {arg}, '+{KST_OFFSET_HOURS} hours')"


@compiles(_KstHour, "postgresql")
@compiles(_KstDay, "postgresql")
def _bucket_postgresql(element: FunctionElement, compiler, **kw) -> str:  # noqa: ANN001
    arg = compiler.process(list(element.clauses)[0], **kw)
    fmt = _PG_FORMATS[type(element)]
    return f"to_char({arg} + interval '{KST_OFFSET_HOURS} hours', '{fmt}')"


def bucket_expr(column: ColumnElement, bucket: str) -> ColumnElement:
    if bucket not in BUCKETS:
        raise ValueError(f"unknown time bucket {bucket!r}; expected one of {BUCKETS}")
    return (_KstHour if bucket == "hour" else _KstDay)(column)


def where_clauses(flt: Filters, *, company_joined: bool = False) -> list[ColumnElement]:
    """Conditions on `documents` (and on document_companies when it is joined) for the filters."""
    conds: list[ColumnElement] = []
    if flt.start is not None:
        conds.append(documents.c.published_at >= flt.start)
    if flt.end is not None:
        conds.append(documents.c.published_at < flt.end)
    if flt.sources:
        conds.append(documents.c.source.in_(flt.sources))
    if flt.kinds:
        conds.append(documents.c.kind.in_(flt.kinds))
    if flt.run is not None:
        conds.append(documents.c.run_id == flt.run)
    if flt.text:
        terms = parse_search(flt.text)
        conds.extend(_mentions(word) for word in terms.required)
        conds.extend(not_(_mentions(word)) for word in terms.excluded)
    if flt.lexicon_key:
        conds.append(_hit_of(flt.lexicon_key, flt.version))
    if flt.companies and company_joined:
        conds.append(document_companies.c.company.in_(flt.companies))
    elif flt.companies:
        # EXISTS keeps a document tagged with two selected companies from counting twice.
        conds.append(
            exists().where(
                document_companies.c.doc_id == documents.c.doc_id,
                document_companies.c.company.in_(flt.companies),
            )
        )
    return conds


def _mentions(word: str) -> ColumnElement:
    """The document's title or text holds `word`, in any case; a % or _ in it is searched for,
    not a wildcard (autoescape). A missing title is empty text, so NOT of this is true for it."""
    return or_(
        documents.c.text.icontains(word, autoescape=True),
        func.coalesce(documents.c.title, "").icontains(word, autoescape=True),
    )


def _hit_of(key: str, version: str | None) -> ColumnElement:
    """The document's stored explanation under `version` (scores.hits, JSON as the scorer
    writes it: compact, not ASCII-escaped) holds a hit of `key`."""
    fragment = '"key":' + json.dumps(key, ensure_ascii=False)
    # Its own alias: the outer query may join `scores` (for one version) already.
    explained = scores.alias("explained")
    return exists().where(
        explained.c.doc_id == documents.c.doc_id,
        explained.c.scorer_version == (version or ""),
        explained.c.hits.contains(fragment, autoescape=True),
    )


def share_columns(label_col: ColumnElement) -> list[ColumnElement]:
    return [
        func.sum(case((label_col == "pos", 1), else_=0)).label("pos"),
        func.sum(case((label_col == "neg", 1), else_=0)).label("neg"),
    ]


def finish_shares(frame: pd.DataFrame, scored_col: str) -> pd.DataFrame:
    """Turn bucket text into KST timestamps and label counts into shares of the scored docs.

    A bucket without scored documents gets NaN shares (and mean), never 0: nothing is known
    about its opinion, which is not the same as neutral.
    """
    if "bucket" in frame:
        frame["bucket"] = pd.to_datetime(frame["bucket"]).dt.tz_localize(KST)
    scored = frame[scored_col].where(frame[scored_col] > 0)
    frame["pos_share"] = frame["pos"] / scored
    frame["neg_share"] = frame["neg"] / scored
    frame["mean_compound"] = frame["mean_compound"].astype(float)
    return frame


def aware(value: datetime | str) -> datetime:
    stamp = pd.Timestamp(value)
    return (
        stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    ).to_pydatetime()


def json_value(value: object) -> object:
    """A value of a result frame as JSON holds it: times in ISO form, NaN as null, numpy
    scalars as Python numbers."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def documents_with_scores(version: str | None, *, scored_only: bool = False) -> Join:
    """Documents left-joined to their score under `version` (no version: no score matches);
    with `scored_only`, only the documents that have one."""
    on = and_(scores.c.doc_id == documents.c.doc_id, scores.c.scorer_version == (version or ""))
    return documents.join(scores, on) if scored_only else documents.outerjoin(scores, on)
