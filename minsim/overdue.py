"""When collecting a source has stopped: no run of it started for several of its intervals.

`minsim run` starts each enabled source every `interval`; a run that waits behind another starts
late, and one skipped for waiting too long is picked up at the next interval. A source whose
last run started longer ago than OVERDUE_INTERVALS intervals (and OVERDUE_SLACK) is overdue: the
scheduler is most likely not running, or is stuck. A source that never ran, or is disabled, is
never overdue: nobody asked for it yet.

A source added to the settings (or renamed, or enabled) while `minsim run` runs is another case:
the scheduler reads its settings once, so it never starts that source. Such a source never ran
while another one kept running after the settings file last changed, for longer than it would
take the scheduler to start a run of every source it knows (not_collected_beside).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from minsim.timefmt import duration_text

# Three intervals without a start: one run late behind a long one, one skipped, then one more.
OVERDUE_INTERVALS = 3
# Beside short intervals, a scheduler starting up (loading Kiwi, scoring what is stored) and a
# long run must not be called stopped.
OVERDUE_SLACK = timedelta(minutes=5)


def expected_by(last_started: datetime, interval_seconds: int) -> datetime:
    """The moment by which another run should have started."""
    return last_started + OVERDUE_INTERVALS * timedelta(seconds=interval_seconds) + OVERDUE_SLACK


def is_overdue(
    last_started: datetime | None, interval_seconds: int, enabled: bool, now: datetime
) -> bool:
    """True when an enabled source that ran before has not started a run since it should have."""
    if not enabled or last_started is None:
        return False
    return now > expected_by(last_started, interval_seconds)


def ago(moment: datetime, now: datetime) -> str:
    """`3h 10m`, `2d 4h`, `45m`: how long before `now`, in its two largest units."""
    return duration_text((now - moment).total_seconds())


def settings_changed_at(path: Path | None) -> datetime | None:
    """When the settings file was last written (aware UTC); None without one, or unreadable."""
    if path is None:
        return None
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None


def not_collected_beside(
    name: str,
    interval_seconds: int,
    enabled: bool,
    last_started: datetime | None,
    spans: Mapping[str, tuple[datetime, datetime]],
) -> str | None:
    """The other configured source whose runs since the settings changed (`spans`: first and
    last start after the change, as aggregate.run_spans_since reads them) went on past the
    moment this enabled, never-run source should have started: what started them does not know
    it.

    A scheduler started after the change starts every source it knows at once, one at a time;
    one kept waiting is skipped and tried again at its interval, as expected_by allows for."""
    if not enabled or last_started is not None:
        return None
    for other, (first, last) in sorted(spans.items()):
        if other != name and last > expected_by(first, interval_seconds):
            return other
    return None
