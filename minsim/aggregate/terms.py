"""Topic terms: the nouns the documents behind the filters talk of, how those documents feel, and
which terms rose against the period of the same length just before.

A crisis team asks what people are talking about now that they were not yesterday (보상, 사퇴,
이중화) as much as how they feel. Terms are the distinct nouns the scorer found in each document
(`document_terms`), read for the documents scored by the version shown (each of those has its
terms, written with its score); a term counts documents, not mentions, so one long article or
one commenter repeating a word does not outweigh many people naming it once. A term rises when
its share of the documents is at least RISE_RATIO times the share it had in the period before,
by a one-sided two-proportion z of at least RISE_Z (the bar surges use), in MIN_TERM_DOCS
documents or more.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Engine, func, select

from minsim.aggregate.retention import from_cut, pruned_before
from minsim.aggregate.sql import (
    KST,
    Filters,
    bucket_expr,
    documents_with_scores,
    share_columns,
    where_clauses,
)
from minsim.aggregate.surges import NEG_Z, share_rise_z
from minsim.db import has_terms
from minsim.normalize import clean_text
from minsim.schema import companies, document_terms, documents, scores
from minsim.search import parse_search

# A term named in fewer documents is not listed: a handful of comments is not a topic.
MIN_TERM_DOCS = 3
# A rising term: at least this many times its share of the documents in the period before ...
RISE_RATIO = 2.0
# ... by a one-sided two-proportion z of at least this (p < 0.001, as for surges): with
# thousands of terms compared at once, a looser bar would list chance.
RISE_Z = NEG_Z
# Terms listed in each table, and beside each surge.
TOP_TERMS = 20
SURGE_TERMS = 3
# Terms one trend compares at most: more lines than this cannot be told apart.
TREND_TERMS = 8
# How sentiment.tokenizer writes terms (its MIN_TERM_LENGTH, MAX_TERM_LENGTH and
# ACRONYM_LENGTH), repeated here so reading them never loads the tokenizer.
TERM_LENGTHS = (2, 30)
ACRONYM_LENGTH = 4
# What a stored term is made of: Hangul syllables (Kiwi's nouns) and Latin letters (its SL
# words, accents included: café), nothing else.
HANGUL_FIRST, HANGUL_LAST = "\uac00", "\ud7a3"
LATIN_RUN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
# What a word must be to be a term, as messages about a refused one say it.
TERM_SHAPE = f"Hangul and Latin letters, {TERM_LENGTHS[0]} to {TERM_LENGTHS[1]} characters"
TREND_COLUMNS = ["bucket", "term", "docs", "scored", "share", "mean_compound"]
# Nouns that say nothing of what a period is about (time words, "people", "talk", and the
# bylines and copyright lines of news pages). Kept short and general: a word of the crisis
# itself (서비스, 문제, 책임) is a topic.
STOPWORDS = frozenset(
    {
        "사람", "생각", "얘기", "이야기", "정도", "경우", "부분", "관련", "이번", "이날", "당시",
        "이후", "이전", "최근", "현재", "오늘", "어제", "내일", "지금", "다음", "시간", "하루",
        "우리", "자기", "자체", "상황", "가운데", "기자", "뉴스", "기사", "사진", "무단", "전재",
        "재배포", "금지", "저작권", "댓글", "진짜", "정말", "그냥", "하나", "모두", "회사",
    }
)  # fmt: skip
COLUMNS = [
    "term", "docs", "share", "mean_compound", "neg_share", "pos_share",
    "before_docs", "before_share", "ratio", "z", "rising",
]  # fmt: skip
# What separates the parts of a company's name (토스 (비바리퍼블리카), SK C&C).
NAME_PARTS = re.compile(r"[\s()（）]+")


@dataclass(frozen=True)
class TermTable:
    """Every listed term of the filters (COLUMNS, most documents first) and the scored documents
    they were counted among; `before_documents` is None when there is no earlier period to
    compare with (the filters have no time window); `left_out` holds the chosen companies'
    names that were not listed."""

    terms: pd.DataFrame
    documents: int
    before_documents: int | None
    left_out: tuple[str, ...] = ()

    @property
    def compared(self) -> bool:
        """There was an earlier period with documents to compare with."""
        return bool(self.before_documents)

    def top(self, n: int = TOP_TERMS) -> pd.DataFrame:
        """The terms named in the most documents."""
        return self.terms.head(n).reset_index(drop=True)

    def rising(self, n: int = TOP_TERMS) -> pd.DataFrame:
        """The rising terms, the surest rise first."""
        found = self.terms[self.terms["rising"]]
        ordered = found.sort_values(["z", "docs", "term"], ascending=[False, False, True])
        return ordered.head(n).reset_index(drop=True)


def term_table(engine: Engine, flt: Filters, *, version: str | None) -> TermTable:
    """The topic terms of the documents inside the filters scored under `version`, against the
    period of the same length before when the filters have a window. Left out: the chosen
    companies' names (talk about Kakao names Kakao: 카카오, and aliases holding it such as
    카카오톡; its people and places stay), the words searched for (every document holds them)
    and STOPWORDS."""
    total = _scored_documents(engine, flt, version)
    now, left_out = _listed_terms(engine, flt, version)
    before_flt = _before(flt)
    if before_flt is not None:
        # shares of what a prune left of the period before, or none when it took all of it
        before_flt = from_cut(before_flt, pruned_before(engine, flt))
    before_total: int | None = None
    before_docs: dict[str, int] = {}
    if before_flt is not None:
        before_total = _scored_documents(engine, before_flt, version)
        before = _term_counts(engine, before_flt, version)
        before_docs = dict(zip(before["term"], before["docs"], strict=True))
    merged = now.assign(before_docs=[int(before_docs.get(term, 0)) for term in now["term"]])
    merged["share"] = merged["docs"] / total if total else math.nan
    merged["before_share"] = merged["before_docs"] / before_total if before_total else math.nan
    merged["ratio"] = merged["share"] / merged["before_share"].where(merged["before_share"] > 0)
    merged["z"] = [
        share_rise_z(docs, total, earlier, before_total or 0)
        for docs, earlier in zip(merged["docs"], merged["before_docs"], strict=True)
    ]
    # A term absent before has no ratio; its rise is judged by z alone.
    merged["rising"] = (merged["z"] >= RISE_Z) & (
        merged["ratio"].isna() | (merged["ratio"] >= RISE_RATIO)
    )
    ordered = _most_named_first(merged)
    return TermTable(ordered[COLUMNS].reset_index(drop=True), total, before_total, left_out)


def _most_named_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Terms by the documents naming them, most first; a tie by the term, so lists are stable."""
    return frame.sort_values(["docs", "term"], ascending=[False, True])


def _listed_terms(
    engine: Engine, flt: Filters, version: str | None
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The terms of `_term_counts` named in MIN_TERM_DOCS documents or more, but the names of
    the chosen companies (returned apart, most named first), the search words and STOPWORDS."""
    counted = _term_counts(engine, flt, version)
    counted = counted[counted["docs"] >= MIN_TERM_DOCS]
    names = _company_names(engine, flt.companies)
    searched = {_folded(word) for word in parse_search(flt.text).required} if flt.text else set()
    folded = counted["term"].map(_folded)
    named = _most_named_first(counted[folded.isin(names)])
    kept = counted[~folded.isin(names | searched | STOPWORDS)]
    return kept, tuple(named["term"])


def _scored_documents(engine: Engine, flt: Filters, version: str | None) -> int:
    """The documents inside the filters scored under `version` (the others' terms were written
    by another version or not at all)."""
    scored = documents_with_scores(version, scored_only=True)
    query = select(func.count()).select_from(scored).where(*where_clauses(flt))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _term_counts(engine: Engine, flt: Filters, version: str | None) -> pd.DataFrame:
    """Per term: the documents inside the filters scored under `version` that name it, their
    mean compound and negative and positive shares."""
    joined = documents_with_scores(version, scored_only=True).join(
        document_terms, document_terms.c.doc_id == documents.c.doc_id
    )
    query = (
        select(
            document_terms.c.term,
            func.count().label("docs"),
            func.avg(scores.c.compound).label("mean_compound"),
            *share_columns(scores.c.label),
        )
        .select_from(joined)
        .where(*where_clauses(flt))
        .group_by(document_terms.c.term)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=list(query.selected_columns.keys()))
    docs = frame["docs"].where(frame["docs"] > 0)
    frame["mean_compound"] = frame["mean_compound"].astype(float)
    frame["neg_share"] = frame["neg"] / docs
    frame["pos_share"] = frame["pos"] / docs
    return frame


def term_trend(
    engine: Engine,
    flt: Filters,
    terms: Sequence[str],
    *,
    bucket: str,
    version: str | None,
    limit: int | None = TREND_TERMS,
) -> pd.DataFrame:
    """Per KST time bucket and term (the first `limit`, as written in `document_terms`): the
    documents inside the filters scored under `version` that name the term (`docs`), the
    bucket's scored documents (`scored`), the share of them naming the term and those
    documents' mean compound. Every bucket holding scored documents has a row for every term,
    0 where the term was not named; `bucket` is an aware KST timestamp."""
    wanted = list(dict.fromkeys(terms))[:limit]
    if not wanted:
        return pd.DataFrame(columns=TREND_COLUMNS)
    scored = documents_with_scores(version, scored_only=True)
    b = bucket_expr(documents.c.published_at, bucket)
    totals_query = (
        select(b.label("bucket"), func.count().label("scored"))
        .select_from(scored)
        .where(*where_clauses(flt))
        .group_by(b)
    )
    named_query = (
        select(
            b.label("bucket"),
            document_terms.c.term,
            func.count().label("docs"),
            func.avg(scores.c.compound).label("mean_compound"),
        )
        .select_from(scored.join(document_terms, document_terms.c.doc_id == documents.c.doc_id))
        .where(document_terms.c.term.in_(wanted), *where_clauses(flt))
        .group_by(b, document_terms.c.term)
    )
    with engine.connect() as conn:
        totals = pd.DataFrame(conn.execute(totals_query).all(), columns=["bucket", "scored"])
        named = pd.DataFrame(
            conn.execute(named_query).all(), columns=["bucket", "term", "docs", "mean_compound"]
        )
    if totals.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    grid = pd.MultiIndex.from_product([totals["bucket"], wanted], names=["bucket", "term"])
    frame = (
        named.set_index(["bucket", "term"]).reindex(grid).reset_index().merge(totals, on="bucket")
    )
    frame["docs"] = frame["docs"].fillna(0).astype(int)
    frame["mean_compound"] = frame["mean_compound"].astype(float)
    frame["share"] = frame["docs"] / frame["scored"]
    frame["bucket"] = pd.to_datetime(frame["bucket"]).dt.tz_localize(KST)
    ordered = frame.sort_values(["bucket", "term"], key=_in_order(wanted))
    return ordered[TREND_COLUMNS].reset_index(drop=True)


def as_term(typed: str) -> str | None:
    """A term someone typed, written as the scorer writes terms: cleaned, no spaces, each
    run of Latin letters in lower case unless it is an acronym of ACRONYM_LENGTH capitals or
    fewer (as sentiment.tokenizer.noun_terms writes Kiwi's Latin words); None when no stored
    term can look like it: only Hangul syllables and Latin letters are ever stored (Kiwi tags
    digits apart: 5G망 is stored as G망, so a typed 5G망 would match nothing), within
    TERM_LENGTHS."""
    # Cleaned as stored text is (NFC, no invisible characters); a long paste is refused on a
    # prefix of it (the length check fails all the same), so it costs nothing to read.
    term = "".join(clean_text(typed[: TERM_LENGTHS[1] * 4]).split())
    if not TERM_LENGTHS[0] <= len(term) <= TERM_LENGTHS[1]:
        return None
    if not all(HANGUL_FIRST <= char <= HANGUL_LAST or LATIN_RUN.fullmatch(char) for char in term):
        return None
    return LATIN_RUN.sub(_as_written, term)


def _as_written(run: re.Match[str]) -> str:
    word = run.group()
    return word if word.isupper() and len(word) <= ACRONYM_LENGTH else word.lower()


def _in_order(wanted: list[str]) -> Callable[[pd.Series], pd.Series]:
    """A sort key keeping the terms in the order asked for (the legend's order)."""
    rank = {term: n for n, term in enumerate(wanted)}
    return lambda column: column.map(rank) if column.name == "term" else column


def _before(flt: Filters) -> Filters | None:
    """The same filters over the period of the same length that ends where the window starts."""
    if flt.start is None or flt.end is None:
        return None
    return replace(flt, start=flt.start - (flt.end - flt.start), end=flt.start)


def _company_names(engine: Engine, chosen: tuple[str, ...]) -> frozenset[str]:
    """The chosen companies' names, folded as terms are compared: each name, its parts (토스 and
    비바리퍼블리카 of "토스 (비바리퍼블리카)") and the aliases holding a part (카카오톡,
    토스뱅크). Aliases that name the company's people or places (남궁훈, 판교 데이터센터) are
    topics of their own."""
    if not chosen:
        return frozenset()
    query = select(companies.c.name, companies.c.aliases).where(companies.c.id.in_(chosen))
    names: set[str] = set()
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    for name, aliases in rows:
        parts = {_folded(p) for p in NAME_PARTS.split(name) if len(p) >= 2} | {_folded(name)}
        names.update(parts)
        try:
            written = json.loads(aliases)
        except ValueError:
            written = []
        for alias in written if isinstance(written, list) else []:
            folded = _folded(str(alias))
            if any(part in folded for part in parts):
                names.add(folded)
    return frozenset(names)


def _folded(term: str) -> str:
    """A term as compared with names: case and spaces ignored (Kakao, kakao; 카카오 T, 카카오T)."""
    return "".join(term.casefold().split())


def with_surge_terms(
    engine: Engine, surges: pd.DataFrame, flt: Filters, *, version: str | None
) -> pd.DataFrame:
    """The surge episodes (aggregate.surges.episodes, `end` exclusive) with `terms`: the
    SURGE_TERMS terms named in most documents about the surge's company in its hours inside the
    filters (what the surge is about); empty lists on a database without terms."""
    found: list[list[str]] = []
    terms_kept = has_terms(engine)
    for row in surges.itertuples():
        start, end = row.start.to_pydatetime(), row.end.to_pydatetime()
        if flt.end is not None:
            end = min(end, flt.end)  # a surge running past the window: its hours inside it
        if not terms_kept or end <= start:
            found.append([])
            continue
        about = replace(flt, companies=(row.company,), start=start, end=end)
        listed, _ = _listed_terms(engine, about, version)
        found.append(list(_most_named_first(listed).head(SURGE_TERMS)["term"]))
    return surges.assign(terms=found)
