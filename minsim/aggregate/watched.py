"""Watched words: hours in which the documents naming a word a team watches (불매, 소송,
탈퇴) jumped above the day before.

A crisis team knows the words that would mean trouble before they trend; a company surge may
not show a few dozen boycott comments among thousands. Each watched term's documents per KST
hour (as the Topics page counts them: scored documents naming it) are judged by the volume rule
of surges, with a lower floor: at least WATCH_MIN_DOCS documents naming it and VOLUME_RATIO
times its hourly mean over the BASELINE_HOURS before. Its baseline begins where the documents
inside the filters begin, not where the term first appears: a word never named before that
suddenly is, is exactly what the watch is for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from minsim.aggregate.retention import pruned_before
from minsim.aggregate.sql import Filters, aware, where_clauses
from minsim.aggregate.surges import (
    DEFAULT_RULES,
    VOLUME,
    SurgeRules,
    episodes,
    flag_hours,
    hour_of,
)
from minsim.aggregate.terms import term_trend
from minsim.schema import documents

# A watched word surges with this many documents naming it in an hour (company surges need 20):
# the words are few and chosen, so a handful of boycott comments after a quiet day is news.
WATCH_MIN_DOCS = 5
WATCH_RULES = replace(DEFAULT_RULES, min_docs=WATCH_MIN_DOCS)
# The `kind` of a watched word's surge, beside the companies' volume and negative.
WATCHED = "watched"
WATCHED_COLUMNS = [
    "term", "kind", "start", "end", "hours", "peak", "peak_value", "baseline", "docs", "ongoing",
]  # fmt: skip


def watched_surges(
    engine: Engine,
    flt: Filters,
    terms: tuple[str, ...],
    *,
    version: str | None,
    rules: SurgeRules = WATCH_RULES,
) -> pd.DataFrame:
    """The surge episodes of each watched term inside the filters (hours of the window judged
    against the day before them), newest first; columns WATCHED_COLUMNS, as
    aggregate.surges.episodes with `term` for `company` and `kind` 'watched'."""
    empty = pd.DataFrame(columns=WATCHED_COLUMNS)
    first, newest = _data_span(engine, flt)
    if not terms or first is None or newest is None:
        return empty
    lookback = timedelta(hours=rules.baseline_hours)
    # The day before the window's first hour, read whole.
    reach = replace(flt, start=hour_of(flt.start) - lookback) if flt.start is not None else flt
    since = hour_of(first)
    if reach.start is not None:
        since = max(since, hour_of(reach.start))
    cut = pruned_before(engine, flt)  # as find_surges: the data begin again at a prune's cutoff
    if cut is not None:
        since = max(since, hour_of(cut.before))
    hourly = term_trend(engine, reach, terms, bucket="hour", version=version, limit=None)
    counts = pd.DataFrame(
        {
            "hour": hourly["bucket"],
            "company": hourly["term"],  # flag_hours judges each series apart, by this column
            "docs": hourly["docs"].astype(int),
            "scored": 0,  # no negative rule: a watched word surges by its volume
            "neg": 0,
        }
    )
    flags = flag_hours(counts, since=dict.fromkeys(terms, since), rules=rules)
    if flt.start is not None:
        flags = flags[flags["hour"] >= hour_of(flt.start)]
    # A document dated in the future (a feed's wrong clock) must not end every surge.
    now = hour_of(datetime.now(UTC))
    found = episodes(flags, newest=min(hour_of(newest), now))
    found = found[found["kind"] == VOLUME].rename(columns={"company": "term"})
    return found.assign(kind=WATCHED)[WATCHED_COLUMNS].reset_index(drop=True)


def surge_record(record: dict[str, Any]) -> dict[str, Any]:
    """A surge record (aggregate.surges.as_records) with both `company` and `term`, one of them
    None: a reader of company surges keeps working once words are watched."""
    return {"company": None, "term": None, **record}


def _data_span(engine: Engine, flt: Filters) -> tuple[datetime | None, datetime | None]:
    """The first and newest publication times of the documents inside the filters but for the
    time window and what narrows them by their words (aware): where a watched word's baseline
    can begin, and how far the data reach. Searching for the word itself (a link from its
    surge does) must not move the baseline to where the word first appears."""
    wide = replace(flt, start=None, end=None, text=None, lexicon_key=None, run=None)
    query = select(func.min(documents.c.published_at), func.max(documents.c.published_at)).where(
        *where_clauses(wide)
    )
    with engine.connect() as conn:
        first, last = conn.execute(query).one()
    return (aware(first) if first else None), (aware(last) if last else None)
