"""Whether each configured source is collected, for `minsim sources`, `minsim status` and
`minsim check`: by a running `minsim run` (minsim.presence), on time (minsim.overdue), and
the lines that say so."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from minsim import presence
from minsim.overdue import ago, is_overdue
from minsim.settings import Settings, SourceSettings
from minsim.timefmt import format_interval, format_kst

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from minsim.presence import Process


class Problem(NamedTuple):
    """What is wrong with collecting one source: `kind` (not collected, collected twice,
    overdue; `minsim check` adds never ran and failing) and the text that says why and what to
    do."""

    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


class SourceCheck:
    """Whether each configured source is collected: `not collected:` when no running
    `minsim run` collects it, `collected twice:` when two do, `overdue:` when its runs stopped
    (minsim.presence, minsim.overdue); with the processes themselves (`processes()`).
    `minsim sources` and `minsim status` print the same lines."""

    def __init__(self, now: datetime, recorded: Sequence[Process], enabled: Sequence[str]) -> None:
        self.now, self.recorded = now, list(recorded)
        self.live = presence.running(self.recorded, now)
        self.uncollected = set(presence.not_collected(enabled, self.live))
        self.twice = presence.collected_twice(self.live)

    @classmethod
    def read(cls, engine: Engine, settings: Settings) -> SourceCheck:
        """The check as of now, from the recorded processes."""
        enabled = [source.name for source in settings.sources if source.enabled]
        return cls(datetime.now(UTC), presence.processes(engine), enabled)

    def processes(self) -> list[str]:
        """A line for each running `minsim run`, or for the last one when none runs; nothing
        when none was ever recorded."""
        if self.live:
            return [process_text(process, self.now) for process in self.live]
        if self.recorded:
            return [gone_text(self.recorded[0], self.now)]
        return []

    def warning(self, source: SourceSettings, run: Mapping[str, Any] | None) -> Problem | None:
        """The source's `not collected`, `collected twice` or `overdue` problem, if any; `run`
        is its last run. Printed, it is the line `minsim sources` shows."""
        started = run["started_at"] if run is not None else None
        overdue = run is not None and is_overdue(
            started, source.interval_seconds, source.enabled, self.now
        )
        # One collected on time is collected by something else (`minsim collect` on a timer).
        if source.name in self.uncollected and (run is None or overdue):
            return Problem("not collected", not_collected_text(self.live))
        if source.name in self.twice:
            labels = " and ".join(p.label for p in self.twice[source.name])
            return Problem("collected twice", f"by `minsim run` {labels}; stop one")
        if run is None or not overdue:
            return None
        interval = format_interval(source.interval_seconds)
        still = run["status"] == "running"
        collector = next((p for p in self.live if source.name in p.sources), None)
        text = overdue_text(started, interval, self.now, still_running=still, collector=collector)
        return Problem("overdue", text)


def process_text(process: Process, now: datetime) -> str:
    """'`minsim run` on host (pid 42): running since 2026-12-08 10:00 KST (seen 0m ago),
    collecting a, b'."""
    what = f"collecting {', '.join(process.sources)}" if process.sources else "writing briefs only"
    return (
        f"`minsim run` {process.label}: running since {format_kst(process.started_at)} (seen "
        f"{ago(process.seen_at, now)} ago), {what}"
    )


def gone_text(process: Process, now: datetime) -> str:
    """How the last recorded `minsim run` ended: stopped, or silent since its last heartbeat."""
    last = f"`minsim run`: none running; the last, {process.label},"
    if process.stopped_at is not None:
        return f"{last} stopped {format_kst(process.stopped_at)}"
    seen = process.seen_at
    return f"{last} was last seen {format_kst(seen)} ({ago(seen, now)} ago): killed, or it hangs"


def not_collected_text(live: Sequence[Process]) -> str:
    """Why an enabled source is said not to be collected, and what to do."""
    running = "; ".join(f"{p.label} since {format_kst(p.started_at)}" for p in live)
    return (
        f"no running `minsim run` collects it (running: {running}): it reads the settings when "
        "it starts, so it does not know a source added, renamed or enabled since, nor one it was "
        "not given by name; restart it"
    )


def overdue_text(
    started: datetime,
    interval: str,
    now: datetime,
    *,
    still_running: bool,
    collector: Process | None = None,
) -> str:
    """Why a source is said to be overdue, and what to check. A run still marked running holds
    back the next ones (one at a time): a long run, or a process killed before closing it (the
    next start or a running process's heartbeat closes it). With the running `collector` that
    collects it: behind the run it has under way, or an interval changed since it started."""
    since = ago(started, now)
    if still_running:
        return (
            f"its run started {since} ago (every {interval}) is still marked running: a long "
            "run, or `minsim run` was stopped without closing it (it is closed once that is seen)"
        )
    if collector is not None and collector.current_run is not None:
        return (
            f"no run started for {since} (every {interval}), though `minsim run` "
            f"{collector.label} collects it: its runs wait behind run {collector.current_run} "
            "(one at a time)"
        )
    if collector is not None:
        return (
            f"no run started for {since} (every {interval}), though `minsim run` "
            f"{collector.label} collects it: if the interval changed since it started, restart it"
        )
    return f"no run started for {since} (every {interval}): is `minsim run` running?"
