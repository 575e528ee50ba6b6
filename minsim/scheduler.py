"""Periodic collection: every enabled source on its interval, in this one writer process.

Runs are serialised on one worker thread (one writer per database, and the sources share the one
Kiwi of this process); a source whose previous run is still going is skipped, not queued twice.
Runs left `running` by a process that was killed are closed as failed when the scheduler starts,
and documents such a run stored but did not score are scored then.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from collectors.http import HttpClient
from minsim import store
from minsim.pipeline import Pipeline, RunResult
from minsim.scenario import Scenario
from minsim.scoring import score_pending
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

# A run that could not start on time (the worker was busy) still runs if it is at most this late;
# later than that it is skipped and the next interval picks up, since collectors use cursors.
MISFIRE_GRACE_SECONDS = 300
# One worker: one writer to the database and one Kiwi for the whole process.
WORKERS = 1
INTERRUPTED = "interrupted: the collecting process ended before the run finished"

OnResult = Callable[[RunResult], None]


class Scheduler:
    """Collect each source on its interval until `stop()` (or SIGTERM / SIGINT)."""

    def __init__(
        self,
        engine: Engine,
        scenario: Scenario,
        scorer: Any,
        salt: str,
        sources: Sequence[SourceSettings],
        on_result: OnResult | None = None,
    ) -> None:
        self._engine, self._scenario, self._scorer, self._salt = engine, scenario, scorer, salt
        self._sources = list(sources)
        self._on_result = on_result
        self._lock = threading.Lock()
        self._scheduler = BlockingScheduler(
            executors={"default": ThreadPoolExecutor(WORKERS)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
            timezone=UTC,
        )

    def start(self) -> None:
        """Close runs a killed process left open, schedule every source now and on its interval,
        and block until stopped."""
        closed = store.close_interrupted_runs(self._engine, INTERRUPTED)
        if closed:
            log.warning("closed %d run(s) left open by a process that was stopped", closed)
        if self._scorer is not None:
            # a killed run may have stored a batch without scoring it
            scored = score_pending(self._engine, self._scorer)
            if scored:
                log.warning("scored %d document(s) an interrupted run left unscored", scored)
        now = datetime.now(UTC)
        for source in self._sources:
            self._scheduler.add_job(
                self._run,
                IntervalTrigger(seconds=source.interval_seconds, timezone=UTC),
                args=[source],
                id=source.name,
                name=f"collect {source.name}",
                next_run_time=now,
            )
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stop())
        self._scheduler.start()

    def stop(self) -> None:
        """Stop scheduling; a run under way finishes first (its HTTP timeouts bound the wait)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def _run(self, source: SourceSettings) -> None:
        with self._lock, HttpClient() as client:
            pipeline = Pipeline(self._engine, self._scenario, self._scorer, self._salt, client)
            [result] = pipeline.run_sources([source])
        if self._on_result:
            self._on_result(result)
