"""Surges: hours in which a company's volume or negative share jumped above the day before it.

A crisis team wants to hear that talk about the company tripled, or turned sharply negative,
before the morning meeting, not find it in a chart. Each KST hour of each company is compared
with the BASELINE_HOURS hours before it (an hour without documents counts as 0): a volume surge
holds at least VOLUME_RATIO times their hourly mean and MIN_DOCS documents; a negative surge has
a negative share at least NEG_SHARE_RISE above theirs, by a one-sided two-proportion z of NEG_Z
or more, with MIN_SCORED scored documents on both sides. Flagged hours in a row (a single quiet
hour between them allowed) make one episode, ongoing while its last flagged hour is at most
that one quiet hour before the newest document's (comments come late). An hour is judged only
when the company's data reach BASELINE_HOURS back from it: the first day of a database, or of a
company added to it, has nothing to compare with, and every busy hour in it would look like a
surge.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from minsim.aggregate.retention import pruned_before
from minsim.aggregate.sql import (
    KST,
    Filters,
    aware,
    bucket_expr,
    documents_with_scores,
    json_value,
    share_columns,
    where_clauses,
)
from minsim.schema import document_companies, documents, scores

BASELINE_HOURS = 24
# A volume surge: at least this many times the baseline's mean documents an hour ...
VOLUME_RATIO = 3.0
# ... and at least this many documents, so 3 comments after a quiet night are not a surge.
MIN_DOCS = 20
# A negative surge: the hour's negative share at least this far above the baseline's ...
NEG_SHARE_RISE = 0.15
# ... by a one-sided two-proportion z of at least this (p < 0.001); comments on one article
# resemble each other, so the bar sits higher than the usual 1.64.
NEG_Z = 3.09
# ... with at least this many scored documents in the hour and in the baseline.
MIN_SCORED = 20
# One quiet hour inside a surge (a lull between two waves of comments) does not end it.
GAP_HOURS = 1
VOLUME, NEGATIVE = "volume", "negative"
KINDS = (VOLUME, NEGATIVE)
HOUR = pd.Timedelta(hours=1)
EPISODE_COLUMNS = [
    "company", "kind", "start", "end", "hours", "peak", "peak_value", "baseline", "docs",
    "ongoing",
]  # fmt: skip


@dataclass(frozen=True)
class SurgeRules:
    """The thresholds of a surge; the defaults are the module's constants."""

    baseline_hours: int = BASELINE_HOURS
    volume_ratio: float = VOLUME_RATIO
    min_docs: int = MIN_DOCS
    neg_share_rise: float = NEG_SHARE_RISE
    neg_z: float = NEG_Z
    min_scored: int = MIN_SCORED


DEFAULT_RULES = SurgeRules()


def hourly_counts(
    engine: Engine, flt: Filters, *, version: str | None, lookback: timedelta
) -> pd.DataFrame:
    """Per KST hour and company: docs, scored (under `version`) and neg, inside the filters but
    reaching `lookback` before their start, so the first hours of the window have a baseline.
    Columns: hour (aware, KST), company, docs, scored, neg."""
    # The lookback before the window's first hour, read whole: the first judged hour's
    # baseline must not miss the part of an hour before an unaligned start.
    reach = replace(flt, start=hour_of(flt.start) - lookback) if flt.start is not None else flt
    hour = bucket_expr(documents.c.published_at, "hour")
    query = (
        select(
            hour.label("hour"),
            document_companies.c.company,
            func.count(documents.c.doc_id).label("docs"),
            func.count(scores.c.doc_id).label("scored"),
            share_columns(scores.c.label)[1],  # neg
        )
        .select_from(
            documents_with_scores(version).join(
                document_companies, document_companies.c.doc_id == documents.c.doc_id
            )
        )
        .where(*where_clauses(reach, company_joined=True))
        .group_by(hour, document_companies.c.company)
        .order_by(hour)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    frame = pd.DataFrame(rows, columns=["hour", "company", "docs", "scored", "neg"])
    frame["hour"] = pd.to_datetime(frame["hour"]).dt.tz_localize(KST)
    for column in ("docs", "scored", "neg"):
        frame[column] = frame[column].astype(int)
    return frame


def flag_hours(
    counts: pd.DataFrame, *, since: Mapping[str, pd.Timestamp], rules: SurgeRules = DEFAULT_RULES
) -> pd.DataFrame:
    """Every judged company-hour with its baseline and whether it is a volume or negative surge.

    `since` holds, per company, the first hour the counts cover for it (hours without a row from
    then on hold nothing): its first document's hour, or the first hour read when that is later.
    Hours before `since + baseline_hours` have no full day behind them and are left out, for
    each company apart: a company added to a running database has a first day of its own.
    Columns: company, hour, docs, scored, neg, base_docs (mean an hour), base_share, share, z,
    volume, negative.
    """
    columns = [
        "company", "hour", "docs", "scored", "neg", "base_docs", "base_share", "share", "z",
        VOLUME, NEGATIVE,
    ]  # fmt: skip
    if counts.empty:
        return pd.DataFrame(columns=columns)
    last = counts["hour"].max()
    frames = []
    for company, rows in counts.groupby("company", sort=True):
        first = since.get(company)
        if first is None:
            continue
        every_hour = pd.date_range(first, last, freq="h")
        series = rows.set_index("hour")[["docs", "scored", "neg"]].reindex(every_hour, fill_value=0)
        # The hours before each hour, not counting it.
        before = series.shift(1).rolling(rules.baseline_hours, min_periods=1).sum()
        frame = series.assign(
            company=company,
            base_docs=before["docs"] / rules.baseline_hours,
            base_scored=before["scored"],
            base_neg=before["neg"],
        )
        frames.append(frame[frame.index >= first + rules.baseline_hours * HOUR])
    if not frames:
        return pd.DataFrame(columns=columns)
    judged = pd.concat(frames).rename_axis("hour").reset_index()
    if judged.empty:
        return pd.DataFrame(columns=columns)
    judged["share"] = judged["neg"] / judged["scored"].where(judged["scored"] > 0)
    judged["base_share"] = judged["base_neg"] / judged["base_scored"].where(
        judged["base_scored"] > 0
    )
    judged["z"] = [
        share_rise_z(neg, scored, base_neg, base_scored)
        for neg, scored, base_neg, base_scored in zip(
            judged["neg"], judged["scored"], judged["base_neg"], judged["base_scored"], strict=True
        )
    ]
    judged[VOLUME] = (judged["docs"] >= rules.min_docs) & (
        judged["docs"] >= rules.volume_ratio * judged["base_docs"]
    )
    judged[NEGATIVE] = (
        (judged["scored"] >= rules.min_scored)
        & (judged["base_scored"] >= rules.min_scored)
        & (judged["share"] - judged["base_share"] >= rules.neg_share_rise)
        & (judged["z"] >= rules.neg_z)
    )
    return judged[columns]


def share_rise_z(hits: float, n: float, base_hits: float, base_n: float) -> float:
    """One-sided two-proportion z (pooled) of a share (an hour's negative documents among its
    scored ones, a term's documents among all) over the baseline's; NaN when either side is
    empty or the pooled share is 0 or 1."""
    if n <= 0 or base_n <= 0:
        return math.nan
    pooled = (hits + base_hits) / (n + base_n)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / base_n))
    if spread == 0:
        return math.nan
    return (hits / n - base_hits / base_n) / spread


def episodes(flags: pd.DataFrame, *, newest: pd.Timestamp | None) -> pd.DataFrame:
    """Flagged hours in a row (at most GAP_HOURS quiet hours between two), per company and
    kind, as one episode each, newest first.

    Columns: company, kind, start, end (exclusive), hours (flagged), peak (the hour with the
    most documents or the highest negative share), peak_value (its documents or share),
    baseline (the hourly mean of documents, or the negative share, before the peak), docs (in
    its flagged hours), ongoing (its last flagged hour is at most GAP_HOURS before `newest`,
    the hour of the newest document: it may not be over)."""
    found = []
    for kind in KINDS:
        flagged = flags[flags[kind].astype(bool)]
        for company, rows in flagged.groupby("company", sort=True):
            rows = rows.sort_values("hour")
            # A new episode starts where more than GAP_HOURS hours lie since the last flagged one.
            runs = (rows["hour"].diff() > (GAP_HOURS + 1) * HOUR).cumsum()
            for _, run in rows.groupby(runs):
                value = "docs" if kind == VOLUME else "share"
                peak = run.loc[run[value].idxmax()]
                end = run["hour"].iloc[-1] + HOUR
                found.append(
                    {
                        "company": company,
                        "kind": kind,
                        "start": run["hour"].iloc[0],
                        "end": end,
                        "hours": len(run),
                        "peak": peak["hour"],
                        "peak_value": float(peak[value]),
                        "baseline": float(peak["base_docs" if kind == VOLUME else "base_share"]),
                        "docs": int(run["docs"].sum()),
                        "ongoing": newest is not None and end + GAP_HOURS * HOUR > newest,
                    }
                )
    frame = pd.DataFrame(found, columns=EPISODE_COLUMNS)
    return frame.sort_values(["start", "company", "kind"], ascending=[False, True, True])


def find_surges(
    engine: Engine,
    flt: Filters,
    *,
    version: str | None,
    rules: SurgeRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """The surge episodes of each company inside the filters (hours of the window judged against
    the day before them, even when it lies before the window). Columns as `episodes`."""
    lookback = timedelta(hours=rules.baseline_hours)
    firsts, newest = _company_span(engine, flt)
    if not firsts or newest is None:
        return episodes(pd.DataFrame(columns=["company", "hour", *KINDS]), newest=None)
    reach = hour_of(flt.start - lookback) if flt.start is not None else None
    # After a prune the data begin again at its cutoff (an older article kept for its comments
    # is not a day's volume): the day after it is the first with a whole day behind it.
    cut = pruned_before(engine, flt)
    if cut is not None:
        reach = max(reach, hour_of(cut.before)) if reach is not None else hour_of(cut.before)
    since = {
        company: max(hour_of(first), reach) if reach is not None else hour_of(first)
        for company, first in firsts.items()
    }
    counts = hourly_counts(engine, flt, version=version, lookback=lookback)
    flags = flag_hours(counts, since=since, rules=rules)
    if flt.start is not None:
        # The hour the window opens in is judged whole: its counts were read from a day before.
        flags = flags[flags["hour"] >= hour_of(flt.start)]
    # A document dated in the future (a feed's wrong clock) must not end every surge.
    now = hour_of(datetime.now(UTC))
    return episodes(flags, newest=min(hour_of(newest), now)).reset_index(drop=True)


def _company_span(engine: Engine, flt: Filters) -> tuple[dict[str, datetime], datetime | None]:
    """Each company's first publication time and the newest of all (aware), among the documents
    inside the filters but for the time window: where each company's data begin, and how far
    the data reach now."""
    query = (
        select(
            document_companies.c.company,
            func.min(documents.c.published_at),
            func.max(documents.c.published_at),
        )
        .select_from(
            documents.join(document_companies, document_companies.c.doc_id == documents.c.doc_id)
        )
        .where(*where_clauses(replace(flt, start=None, end=None), company_joined=True))
        .group_by(document_companies.c.company)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    firsts = {company: aware(first) for company, first, _ in rows}
    newest = max((aware(last) for _, _, last in rows), default=None)
    return firsts, newest


def hour_of(moment: datetime) -> pd.Timestamp:
    """The KST hour a moment falls in."""
    return pd.Timestamp(moment).tz_convert(KST).floor("h")


def peak_text(kind: str, peak_value: float, baseline: float) -> str:
    """'91% negative (before 52%)' for a negative surge, else (volume, a watched word) '84
    docs/hour (before 24.1)', for terminals and logs."""
    if kind == NEGATIVE:
        return f"{peak_value:.0%} negative (before {baseline:.0%})"
    return f"{peak_value:,.0f} docs/hour (before {baseline:.1f})"


def as_records(found: pd.DataFrame) -> list[dict[str, Any]]:
    """Episodes as plain JSON-ready dicts: times in ISO form (KST), numbers as Python numbers,
    NaN as None."""
    return [{key: json_value(value) for key, value in row.items()}
            for row in found.to_dict("records")]  # fmt: skip
