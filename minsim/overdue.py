"""When collecting a source has stopped: no run of it started for several of its intervals.

`minsim run` starts each enabled source every `interval`; a run that waits behind another starts
late, and one skipped for waiting too long is picked up at the next interval. A source whose
last run started longer ago than OVERDUE_INTERVALS intervals (and OVERDUE_SLACK) is overdue: the
scheduler is most likely not running, or is stuck. A source that never ran, or is disabled, is
never overdue: nobody asked for it yet.

A source added to the settings (or renamed, or enabled) while `minsim run` runs is another case,
which the record of the running processes tells (minsim.presence).
"""

from __future__ import annotations

from datetime import datetime, timedelta

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
