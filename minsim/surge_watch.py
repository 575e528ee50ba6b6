"""Telling of surges while collecting: a log line, and a webhook post, for each new one.

`minsim run` checks after every collection run whether a company's volume or negative share is
surging now (a surge of minsim.aggregate.surges that is going on), or the documents naming a
watched word (`[surges] watch`, minsim.aggregate.watched), and tells of each surge once
per process: a WARNING in the log and, when the environment variable named by `[surges] webhook_env`
(MINSIM_SURGE_WEBHOOK) holds a URL, a JSON post to it (`{"text": ..., "surge": {...}}`, the
shape chat webhooks such as Slack's read; minsim.webhook posts it, keeping the URL secret, on a
thread of its own; a failed post is logged and sent again after the next run).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from collectors.http import HttpLimits, RetryPolicy
from minsim import aggregate
from minsim.aggregate.surges import (
    GAP_HOURS,
    HOUR,
    as_records,
    find_surges,
    hour_of,
    peak_text,
)
from minsim.aggregate.watched import surge_record, watched_surges
from minsim.cli_common import terminal_safe
from minsim.db import error_reason, has_terms
from minsim.timefmt import format_kst
from minsim.webhook import (
    DRAIN_SECONDS,
    WEBHOOK_LIMITS,
    WEBHOOK_POLICY,
    WebhookSender,
    post_alert,
)

log = logging.getLogger(__name__)

# Only the newest days are read: an ongoing surge started within them, and older ones are
# history, which `minsim surges` lists.
LOOKBACK = timedelta(days=2)
# What messages call the webhook instead of its URL.
WEBHOOK_LABEL = "surge webhook"


def describe(row: dict[str, Any], names: dict[str, str]) -> str:
    """'카카오 (kakao): volume surge since 2022-10-21 09:00 KST, peak 10-21 09:00 30 docs/hour
    (before 0.3), 30 docs in 1 hour(s); most named: 보상, 사과, 피해'."""
    company = row["company"]
    name = names.get(company, company)
    who = f"{name} ({company})" if name != company else company
    return (
        f"{who}: {row['kind']} surge since {format_kst(row['start'])}, peak "
        f"{row['peak']:%m-%d %H:%M} {peak_text(row['kind'], row['peak_value'], row['baseline'])}, "
        f"{row['docs']:,} docs in {row['hours']} hour(s)"
        + (f"; most named: {', '.join(row['terms'])}" if row.get("terms") else "")
    )


def describe_watched(row: dict[str, Any]) -> str:
    """'watched word 불매: surge since 2022-10-21 09:00 KST, peak 10-21 09:00 12 docs/hour
    (before 0.3), 30 docs in 2 hour(s)'."""
    return (
        f"watched word {row['term']}: surge since {format_kst(row['start'])}, peak "
        f"{row['peak']:%m-%d %H:%M} {peak_text(row['kind'], row['peak_value'], row['baseline'])}, "
        f"{row['docs']:,} docs in {row['hours']} hour(s)"
    )


class SurgeWatch:
    """Tells of each ongoing surge once: `check()` after every collection run. Surges are those
    of the companies and, with `watch`, those of the watched words (minsim.aggregate.watched).

    A surge is the same one while it goes on, whatever late comments do to its first hour: an
    ongoing episode that starts at most GAP_HOURS after the end of one already told of, for the
    same company (or word) and kind, is that one. A restarted process tells of surges still
    going on again.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        webhook: str | None,
        watch: tuple[str, ...] = (),
        policy: RetryPolicy = WEBHOOK_POLICY,
        limits: HttpLimits = WEBHOOK_LIMITS,
    ) -> None:
        self._engine = engine
        self._watch = watch
        # (company or watched word, kind) -> the end of the last episode told of, as far as
        # it reached.
        self._told: dict[tuple[str, str], pd.Timestamp] = {}
        self._sender = WebhookSender(webhook, WEBHOOK_LABEL, policy, limits) if webhook else None

    @property
    def sender(self) -> WebhookSender | None:
        """The webhook's sender (None without one), for other alerts of the same channel."""
        return self._sender

    def check(self) -> list[str]:
        """Log (and post) every ongoing surge not told of yet, of a company or of a watched
        word; returns what was told."""
        if self._sender is not None:
            self._sender.resend_failed()
        span = aggregate.time_span(self._engine)
        if span is None:
            return []
        # A document dated in the future (a feed's wrong clock) must not move the window past
        # the surges going on now, nor make a surge of hours to come: the window ends with the
        # current hour.
        now = datetime.now(UTC)
        newest = min(span[1], now)
        flt = aggregate.Filters(start=newest - LOOKBACK, end=(hour_of(now) + HOUR).to_pydatetime())
        version = aggregate.latest_scorer_version(self._engine)
        return self._tell_companies(flt, version) + self._tell_watched(flt, version)

    def _tell_companies(self, flt: aggregate.Filters, version: str | None) -> list[str]:
        found = find_surges(self._engine, flt, version=version)
        ongoing = found[found["ongoing"].astype(bool)]
        if ongoing.empty:
            return []
        names = aggregate.company_names(self._engine)
        told = []
        rows = zip(ongoing.index, ongoing.to_dict("records"), as_records(ongoing), strict=True)
        for index, row, record in rows:
            if not self._first_time((row["company"], row["kind"]), row["start"], row["end"]):
                continue
            row["terms"] = record["terms"] = self._terms(ongoing.loc[[index]], flt, version)
            told.append(self._tell(describe(row, names), surge_record(record)))
        return told

    def _tell_watched(self, flt: aggregate.Filters, version: str | None) -> list[str]:
        if not self._watch or not has_terms(self._engine):
            return []
        found = watched_surges(self._engine, flt, self._watch, version=version)
        ongoing = found[found["ongoing"].astype(bool)]
        told = []
        for row, record in zip(ongoing.to_dict("records"), as_records(ongoing), strict=True):
            if self._first_time((row["term"], row["kind"]), row["start"], row["end"]):
                told.append(self._tell(describe_watched(row), surge_record(record)))
        return told

    def _first_time(self, key: tuple[str, str], start: pd.Timestamp, end: pd.Timestamp) -> bool:
        """Whether the ongoing episode [start, end) of `key` is not one already told of (see the
        class docstring); notes how far the one told of now reaches."""
        known_end = self._told.get(key)
        self._told[key] = max(end, known_end) if known_end is not None else end
        return known_end is None or start > known_end + GAP_HOURS * HOUR

    def _tell(self, text: str, record: dict[str, Any]) -> str:
        # Names and terms come from collected text: control characters shown as escapes.
        log.warning("surge: %s", terminal_safe(text))
        post_alert(self._sender, "surge", text, "surge", record)
        return text

    def _terms(self, surge: pd.DataFrame, flt: aggregate.Filters, version: str | None) -> list[str]:
        """What one surge is about; none when the terms cannot be read, since telling of the
        surge matters more than saying what it is about."""
        try:
            named = aggregate.with_surge_terms(self._engine, surge, flt, version=version)
        except SQLAlchemyError as exc:
            log.warning("cannot read the terms of a surge: %s", error_reason(exc))
            return []
        return list(named["terms"].iloc[0])

    def drain(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait up to `timeout` seconds for the posts going out; True once all were tried."""
        return self._sender is None or self._sender.drain(timeout)

    def close(self, timeout: float = DRAIN_SECONDS) -> None:
        """At the end of collecting: wait up to `timeout` seconds for posts still going out and
        say how many were not sent."""
        if self._sender is not None:
            self._sender.close(timeout)
