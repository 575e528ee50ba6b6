"""Telling of a source whose collecting keeps failing, and of its recovery, while collecting.

A failed run is printed by `minsim run` as it ends, but nobody reads that at night: an expired
API key or a feed that moved leaves a gap in the charts that the Sources page only shows to
whoever opens it. After every run, `minsim run` asks how many runs of the source failed since
its last good one (minsim.aggregate.failure_streak); at FAILED_RUNS_TO_TELL in a row it tells
once, in the log and on the surge webhook (the team's alert channel), and once more when the
source collects again. A restarted process tells of a streak still going on again, as it does
of surges.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from collectors.redact import redact
from minsim import aggregate
from minsim.aggregate import FailureStreak
from minsim.cli_common import terminal_safe
from minsim.timefmt import format_kst
from minsim.webhook import WebhookSender, post_alert

if TYPE_CHECKING:
    from minsim.pipeline import RunResult

log = logging.getLogger(__name__)

# One failed run is often a timeout or a server's bad minute; three in a row is a gap to fix.
FAILED_RUNS_TO_TELL = 3
# A run's error can quote a whole error page: messages keep its start.
ERROR_CHARS = 300
# The states an alert tells of, and what its log line and chat message are headed with.
FAILING, RECOVERED = "failing", "recovered"
TITLES = {FAILING: "failing source", RECOVERED: "source recovered"}


def failing_text(source: str, streak: FailureStreak, error: str | None) -> str:
    """'news-feed: 3 runs in a row failed since 2026-12-08 10:00 KST; last error: HTTP 500 from
    news.test'."""
    return f"{source}: {streak_text(streak, error)}"


def streak_text(streak: FailureStreak, error: str | None) -> str:
    """'3 runs in a row failed since 2026-12-08 10:00 KST; last error: HTTP 500 from ...'."""
    text = f"{streak.runs} runs in a row failed since {format_kst(streak.since)}"
    return text + (f"; last error: {short_error(error)}" if error else "")


def recovered_text(source: str, streak: FailureStreak) -> str:
    """'news-feed: collects again, after 5 failed runs since 2026-12-08 10:00 KST'."""
    since = format_kst(streak.since)
    return f"{source}: collects again, after {streak.runs} failed runs since {since}"


def short_error(error: str) -> str:
    """The start of a run's error on one line, with any secret the process knows hidden."""
    line = " ".join(redact(error).split())
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


class FailureWatch:
    """Tells once when a source's runs keep failing and once when it collects again:
    `after_run(result)` after every collection run. Posts go through `sender` (the surge
    webhook's) when there is one.

    The runs are read from the database, so a failing streak is told again by a restarted
    process at its next failed run, and a recovery is told whoever told of the failures."""

    def __init__(self, engine: Engine, sender: WebhookSender | None = None) -> None:
        self._engine = engine
        self._sender = sender
        # The streak told of for each source, by the good run it follows (FailureStreak.after).
        self._told: dict[str, int] = {}

    def after_run(self, result: RunResult) -> str | None:
        """Tell of the source's failing streak when it reaches FAILED_RUNS_TO_TELL, or of its
        end when this run went well after one that long; returns what was told."""
        if result.run_id is None:  # no run was recorded (the database refused it)
            return None
        if result.ok:
            self._told.pop(result.source, None)
            ended = aggregate.failure_streak(self._engine, result.source, before=result.run_id)
            if ended is None or ended.runs < FAILED_RUNS_TO_TELL:
                return None
            text = recovered_text(result.source, ended)
            return self._tell(RECOVERED, text, self._record(result.source, RECOVERED, ended, None))
        streak = aggregate.failure_streak(self._engine, result.source)
        if streak is None or streak.runs < FAILED_RUNS_TO_TELL:
            return None
        if self._told.get(result.source) == streak.after:
            return None  # the same streak, told of already
        self._told[result.source] = streak.after
        record = self._record(result.source, FAILING, streak, result.error)
        return self._tell(FAILING, failing_text(result.source, streak, result.error), record)

    @staticmethod
    def _record(
        source: str, state: str, streak: FailureStreak, error: str | None
    ) -> dict[str, Any]:
        return {
            "source": source,
            "state": state,
            "failed_runs": streak.runs,
            "since": streak.since.isoformat(),
            "error": short_error(error) if error else None,
        }

    def _tell(self, state: str, text: str, record: dict[str, Any]) -> str:
        title = TITLES[state]
        # Errors quote what a source answered: control characters shown as escapes.
        log.warning("%s: %s", title, terminal_safe(text))
        post_alert(self._sender, title, text, "collecting", record)
        return text
