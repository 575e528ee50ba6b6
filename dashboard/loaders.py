"""Cached loaders: the only place the dashboard touches the database, always through aggregate.

Every loader takes the database URL (a plain string, so the cache key is cheap and the engine is
shared per URL) and returns plain data. Results live for `CACHE_TTL_SECONDS`, so a running
collector's new rows appear without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url

from minsim import aggregate, presence
from minsim.aggregate import Filters
from minsim.aggregate.terms import TermTable
from minsim.aggregate.watched import WATCHED_COLUMNS
from minsim.aggregate.watched import watched_surges as watched_surges_of
from minsim.brief import Period, write_brief
from minsim.db import has_terms, open_engine
from minsim.settings import load_settings
from minsim.words import WordCounts, count_words

# Long enough to keep page switches instant, short enough that a live collector shows up soon.
CACHE_TTL_SECONDS = 60
# The live counter's totals count every document: read at most this often.
LIVE_TTL_SECONDS = 10


def database_url() -> str:
    """The URL from settings (MINSIM_CONFIG or ./minsim.toml; MINSIM_DATABASE_URL overrides)."""
    return load_settings().database.url


def sqlite_file_missing(url: str) -> bool:
    """True for a SQLite URL whose file does not exist: the dashboard must not create it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return False
    return not Path(parsed.database).exists()


@st.cache_resource(show_spinner=False)
def engine(url: str) -> Engine:
    """One engine per URL for the whole server; StoreError propagates (and is not cached)."""
    return open_engine(url)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def has_schema(url: str) -> bool:
    return inspect(engine(url)).has_table("documents")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def scorer_version(url: str) -> str | None:
    return aggregate.latest_scorer_version(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def company_names(url: str) -> dict[str, str]:
    return aggregate.company_names(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def aspect_labels(url: str) -> dict[str, str]:
    return aggregate.aspect_labels(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def source_names(url: str) -> list[str]:
    return aggregate.source_names(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def filtered_sources(url: str, flt: Filters) -> list[str]:
    """The sources of the documents the filters select (the demo banner depends on them)."""
    return aggregate.source_names(engine(url), flt)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def time_span(url: str) -> tuple[datetime, datetime] | None:
    return aggregate.time_span(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def timeseries(
    url: str, flt: Filters, bucket: str, version: str | None, by: str | None = None
) -> pd.DataFrame:
    return aggregate.timeseries(engine(url), flt, bucket=bucket, version=version, by=by)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def aspect_timeseries(url: str, flt: Filters, bucket: str, version: str | None) -> pd.DataFrame:
    return aggregate.aspect_timeseries(engine(url), flt, bucket=bucket, version=version)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def summary(url: str, flt: Filters, version: str | None) -> dict[str, float | int | None]:
    return aggregate.summary(engine(url), flt, version=version)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def events(url: str, flt: Filters) -> pd.DataFrame:
    return aggregate.events_between(engine(url), flt)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def pruned_before(url: str, flt: Filters) -> aggregate.Cut | None:
    """The latest prune cutoff that reached the filters' sources (comparisons stop there)."""
    return aggregate.pruned_before(engine(url), flt)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def prune_cuts(url: str, flt: Filters) -> tuple[aggregate.Cut | None, aggregate.Cut | None]:
    """The prune cutoff of the filters' sources, and the latest prune of some of them when
    others they read were never pruned (aggregate.prune_cuts)."""
    return aggregate.prune_cuts(engine(url), flt)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def documents(url: str, flt: Filters, version: str | None, label: str | None) -> pd.DataFrame:
    return aggregate.documents_table(engine(url), flt, version=version, label=label)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def document_count(url: str, flt: Filters, version: str | None, label: str | None) -> int:
    return aggregate.count_documents(engine(url), flt, version=version, label=label)


def all_documents(
    url: str, flt: Filters, version: str | None, label: str | None
) -> Callable[[], pd.DataFrame]:
    """A function that reads every document behind the filters, for the CSV export.

    Deferred and uncached: the export runs only when someone clicks download, on Streamlit's
    download thread, so the engine is looked up here, on the script's thread.
    """
    eng = engine(url)
    return lambda: aggregate.documents_table(eng, flt, version=version, label=label, limit=None)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def last_runs(url: str) -> list[dict[str, object]]:
    return aggregate.last_runs(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def last_ok_runs(url: str) -> dict[str, datetime]:
    return aggregate.last_ok_runs(engine(url))


@st.cache_data(ttl=LIVE_TTL_SECONDS, show_spinner=False)
def processes(url: str) -> list[presence.Process]:
    """The recorded `minsim run` processes, newest first (minsim.presence)."""
    return presence.processes(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def recent_runs(url: str, limit: int) -> list[dict[str, object]]:
    return aggregate.recent_runs(engine(url), limit)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def run_summary(url: str, run_id: int) -> dict[str, object] | None:
    return aggregate.run_summary(engine(url), run_id)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def stored_sources(url: str) -> dict[str, list[str]]:
    return aggregate.stored_sources(engine(url))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def source_activity(url: str, flt: Filters) -> pd.DataFrame:
    return aggregate.source_activity(engine(url), flt)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def collection_timeseries(url: str, flt: Filters, bucket: str) -> pd.DataFrame:
    return aggregate.collection_timeseries(engine(url), flt, bucket=bucket)


def configured_sources() -> list[dict[str, object]]:
    """The `[[sources]]` of the settings file the dashboard was started with: name, kind,
    interval_seconds, enabled. Read like database_url(), so the page matches `minsim sources`."""
    return [
        {"name": s.name, "kind": s.kind, "interval_seconds": s.interval_seconds,
         "enabled": s.enabled}
        for s in load_settings().sources
    ]  # fmt: skip


def watched_words() -> tuple[str, ...]:
    """The `[surges] watch` words of the settings file the dashboard was started with (read
    like configured_sources)."""
    return load_settings().surges.watch


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def watched_surges(
    url: str, flt: Filters, words: tuple[str, ...], version: str | None
) -> pd.DataFrame:
    """The surges of the watched words inside the filters (none on a database without terms)."""
    eng = engine(url)
    if not words or not has_terms(eng):
        return pd.DataFrame(columns=WATCHED_COLUMNS)
    return watched_surges_of(eng, flt, words, version=version)


@st.cache_data(ttl=LIVE_TTL_SECONDS, show_spinner=False)
def live_counts(url: str) -> dict[str, object]:
    return aggregate.live_counts(engine(url))


def data_stamp(url: str) -> tuple[object, ...]:
    """What moves whenever the data change, read fresh (uncached): the SQLite file's identity
    (a file replaced under the server, by `rm` and `minsim init --demo` or a restored backup)
    and the newest collection and scoring times (both indexed: cheap to read on every click)."""
    return (_file_identity(url), *aggregate.newest_times(engine(url)))


def _file_identity(url: str) -> tuple[int, int] | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    try:
        found = Path(parsed.database).stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


@st.cache_resource(show_spinner=False)
def _filled_under(url: str) -> dict[str, Any]:
    """Server-wide: the data stamp the cached readings of `url` were made under."""
    return {"lock": threading.Lock(), "stamp": None}


def fresh_stamp(url: str) -> tuple[object, ...]:
    """The data stamp this run draws from, after dropping what is older than it: every cached
    reading once the database has moved past the stamp they were made under (the first run to
    see a new stamp clears, the others find it cleared), and the shared engine too when the
    SQLite file was replaced (its open connections still read the old one)."""
    filled = _filled_under(url)
    with filled["lock"]:
        before = filled["stamp"]
        if before is not None and before[0] != _file_identity(url):
            engine(url).dispose()
            engine.clear()
        stamp = data_stamp(url)
        if before is not None and before != stamp:
            st.cache_data.clear()
        filled["stamp"] = stamp
    return stamp


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def event_changes(
    url: str,
    flt: Filters,
    events: tuple[tuple[datetime, str], ...],
    hours: int,
    version: str | None,
    inherited: bool,
) -> pd.DataFrame:
    """Opinion before and after each (at, company) event, per aspect (aggregate.compare_sides)."""
    sums = aggregate.before_after(
        engine(url), flt, events, hours=hours, version=version, inherited=inherited
    )
    return aggregate.compare_sides(sums)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def word_counts(
    url: str, flt: Filters, version: str | None, limit: int
) -> tuple[WordCounts, int, int]:
    """The words of the newest `limit` scored documents' explanations (counted here, so the
    cache holds the small table, not megabytes of JSON), how many were read and how many there
    are in all."""
    texts, total = aggregate.stored_explanations(engine(url), flt, version=version, limit=limit)
    return count_words(texts), len(texts), total


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def term_table(url: str, flt: Filters, version: str | None) -> TermTable | None:
    """The topic terms inside the filters against the period before; None when the database
    predates the terms table."""
    eng = engine(url)
    return aggregate.term_table(eng, flt, version=version) if has_terms(eng) else None


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def term_trend(
    url: str, flt: Filters, terms: tuple[str, ...], bucket: str, version: str | None
) -> pd.DataFrame:
    """Documents naming each of `terms` per time bucket (the database has the terms table)."""
    return aggregate.term_trend(engine(url), flt, terms, bucket=bucket, version=version)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def surges(url: str, flt: Filters, version: str | None) -> pd.DataFrame:
    """The volume and negative-share surges of each company inside the filters, each with the
    terms most named in its hours."""
    eng = engine(url)
    found = aggregate.find_surges(eng, flt, version=version)
    return aggregate.with_surge_terms(eng, found, flt, version=version)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def brief(
    url: str, flt: Filters, version: str | None, period: Period, watch: tuple[str, ...]
) -> str:
    """The Markdown brief of `period` for the documents inside the filters, the `watch` words'
    surges beside the companies' (an argument, so a changed list is a new reading)."""
    return write_brief(engine(url), flt, period, version=version, watch=watch)
