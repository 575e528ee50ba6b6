"""Telling of surges while collecting: a log line, and a webhook post, for each new one.

`minsim run` checks after every collection run whether a company's volume or negative share is
surging in the newest hour of the data (minsim.aggregate.surges) and tells of each surge once per
process: a WARNING in the log and, when the environment variable named by `[surges] webhook_env`
(MINSIM_SURGE_WEBHOOK) holds a URL, a JSON post to it (`{"text": ..., "surge": {...}}`, the
shape chat webhooks such as Slack's read). The URL is a secret (a chat webhook's path is its
key): it comes only from the environment and is kept out of every message. A failed post is
logged and never stops collecting.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from collectors.http import HttpClient, HttpError, RetryPolicy, add_secret, redact
from minsim import aggregate
from minsim.aggregate.surges import as_records, find_surges, peak_text
from minsim.errors import MinsimError
from minsim.timefmt import format_kst

log = logging.getLogger(__name__)

# Only the newest days are read: an ongoing surge started within them, and older ones are
# history, which `minsim surges` lists.
LOOKBACK = timedelta(days=2)
# A chat service that is down for a minute should not hold up the next collection run for long.
WEBHOOK_POLICY = RetryPolicy(attempts=3, backoff_base=2.0, backoff_max=10.0)


class WebhookSettingError(MinsimError):
    """The webhook variable holds something that is not an http(s) URL."""


def webhook_from_env(variable: str) -> str | None:
    """The webhook URL in the environment variable `variable` (None when unset or blank),
    registered as a secret; a value that is not an absolute http(s) URL is an error that does
    not repeat it."""
    url = os.environ.get(variable, "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed port or IPv6 address
        usable = False
    if not usable:
        raise WebhookSettingError(
            f"{variable} must be an http:// or https:// URL (its value is not shown: "
            "a webhook URL is a secret)"
        )
    add_secret(url)
    return url


def describe(row: dict[str, Any], names: dict[str, str]) -> str:
    """'카카오 (kakao): volume surge since 2022-10-21 09:00 KST, peak 10-21 09:00 30 docs/hour
    (before 0.3), 30 docs in 1 hour(s)'."""
    company = row["company"]
    name = names.get(company, company)
    who = f"{name} ({company})" if name != company else company
    return (
        f"{who}: {row['kind']} surge since {format_kst(row['start'])}, peak "
        f"{row['peak']:%m-%d %H:%M} {peak_text(row['kind'], row['peak_value'], row['baseline'])}, "
        f"{row['docs']:,} docs in {row['hours']} hour(s)"
    )


class SurgeWatch:
    """Tells of each ongoing surge once: `check()` after every collection run."""

    def __init__(
        self, engine: Engine, *, webhook: str | None, policy: RetryPolicy = WEBHOOK_POLICY
    ) -> None:
        self._engine, self._webhook, self._policy = engine, webhook, policy
        self._told: set[tuple[str, str, str]] = set()

    def check(self) -> list[str]:
        """Log (and post) every ongoing surge not told of yet; returns what was told."""
        span = aggregate.time_span(self._engine)
        if span is None:
            return []
        found = find_surges(
            self._engine,
            aggregate.Filters(start=span[1] - LOOKBACK),
            version=aggregate.latest_scorer_version(self._engine),
        )
        ongoing = found[found["ongoing"].astype(bool)]
        if ongoing.empty:
            return []
        names = aggregate.company_names(self._engine)
        told = []
        for row, record in zip(ongoing.to_dict("records"), as_records(ongoing), strict=True):
            key = (row["company"], row["kind"], record["start"])
            if key in self._told:
                continue
            self._told.add(key)
            text = describe(row, names)
            log.warning("surge: %s", text)
            if self._webhook:
                self._post({"text": f"minsim surge: {text}", "surge": record})
            told.append(text)
        return told

    def _post(self, payload: dict[str, Any]) -> None:
        try:
            with HttpClient(self._policy) as client:
                client.post_json(self._webhook or "", payload)
        except HttpError as error:
            log.warning("surge webhook failed: %s", redact(str(error)))
        else:
            log.info("surge webhook: posted")
