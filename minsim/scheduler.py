"""Periodic collection: every enabled source on its interval, in this one writer process.

Runs are serialised on one worker thread (one writer per database, and the sources share the one
Kiwi of this process); a source whose previous run is still going is skipped, not queued twice.
Runs left `running` by a process that was killed are closed as failed when the scheduler starts
(but those under way in another running `minsim run`), or by its heartbeat once it finds the
process that had one under way gone.
Before the first collection it scores every document that has no score under the current scorer
version (stored by a killed run before it scored them, imported without a scorer, or scored by an
older version of the lexicon or rules), saying how many and why, with progress while it works.
It records itself, what it collects and a heartbeat (minsim.presence), so readers can tell
which enabled sources no running process collects. After scoring and after every run, a
SurgeWatch tells of each new ongoing surge (a log line, and
a webhook post when one is configured), and a FailureWatch of a source whose runs keep failing
or collect again; a failed check is logged and collecting goes on. With a
BriefSchedule, the brief of the hours before is written at each of its KST times of day, on the
same worker as the runs. With no sources it writes the briefs alone, of what other processes
collect.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as TimeOfDay
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from collectors.http import HttpClient, redact
from minsim import aggregate, presence, store
from minsim.brief_schedule import BriefSchedule, last_due
from minsim.cli_common import terminal_safe
from minsim.errors import MinsimError
from minsim.failure_watch import FailureWatch
from minsim.pipeline import Pipeline, RunResult
from minsim.scenario import Scenario
from minsim.scoring import score_documents
from minsim.settings import SourceSettings
from minsim.surge_watch import SurgeWatch
from minsim.timefmt import KST, format_kst
from minsim.webhook import DRAIN_SECONDS

log = logging.getLogger(__name__)

# A run that could not start on time (the worker was busy) still runs if it is at most this late;
# later than that it is skipped and the next interval picks up, since collectors use cursors.
MISFIRE_GRACE_SECONDS = 300
# A brief waits behind a run under way; its period ends at the time it was due however late it
# is written, so up to an hour late it is still worth writing.
BRIEF_GRACE_SECONDS = 3600
# A brief caught up at start is queued this much after the sources' first runs.
AFTER_FIRST_RUNS = timedelta(microseconds=1)
# With no source to run (briefs only), brief posts that failed for a reason that may pass are
# sent again this often, as they otherwise are after every run.
RESEND_SECONDS = 300
RESENT_WITHOUT_RUNS = f"within {RESEND_SECONDS // 60} minutes"
# One worker: one writer to the database and one Kiwi for the whole process.
WORKERS = 1
RESEND_JOB = "resend briefs"
CAUGHT_UP = "collecting was stopped: writing it after the first runs"
CAUGHT_UP_ALONE = "minsim run was stopped: writing it now"
# While scoring at start-up, progress is logged at most this often: a database scored by an
# older scorer version is scored again in full, which takes minutes on a large one.
PROGRESS_SECONDS = 5.0

# The logger APScheduler's executor warns on, of runs it skipped among other things.
APSCHEDULER_EXECUTOR_LOG = "apscheduler.executors.default"

OnResult = Callable[[RunResult], None]
OnBrief = Callable[[str], None]


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
        watch: SurgeWatch | None = None,
        briefs: BriefSchedule | None = None,
        on_brief: OnBrief | None = None,
        started: datetime | None = None,
        failures: FailureWatch | None = None,
    ) -> None:
        """`started` is when the command began (now by default): a brief that fell due since,
        while Kiwi loaded or stored documents were scored, is written with the first runs."""
        self._engine, self._scenario, self._scorer, self._salt = engine, scenario, scorer, salt
        self._sources = list(sources)
        self._on_result = on_result
        self._watch = watch
        self._failures = failures
        self._briefs, self._on_brief = briefs, on_brief
        self._started = started or datetime.now(UTC)
        self._lock = threading.Lock()
        self._process = 0  # this process's record (minsim.presence), from `start`
        self._stopping = threading.Event()
        self._brief_times = {self._brief_id(at): at for at in briefs.times} if briefs else {}
        # The job id of each brief caught up at start, and the time it was due.
        self._caught_up: dict[str, datetime] = {}
        self._executor = ThreadPoolExecutor(WORKERS)
        self._scheduler = BlockingScheduler(
            executors={"default": self._executor},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
            timezone=UTC,
        )

    def start(self) -> None:
        """Record this process and what it collects (minsim.presence), with a heartbeat, then
        collect until stopped (`_collect`); the stop is recorded however it comes, and the
        signal handlers found are put back."""
        handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
        self._process = presence.record_start(self._engine, [s.name for s in self._sources])
        heartbeat = presence.Heartbeat(self._engine, self._process)
        try:
            # Until `_collect` installs its own handler, SIGTERM ends start-up as Ctrl+C does,
            # so the stop is recorded (`docker stop` during the start-up scoring).
            signal.signal(signal.SIGTERM, _interrupt)
            heartbeat.start()
            others = presence.others(self._running(), self._process)
            self._warn_collected_twice(others)
            self._collect(spare=[p.current_run for p in others if p.current_run is not None])
        finally:
            heartbeat.stop()
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            try:
                presence.record_stop(self._engine, self._process)
            except MinsimError as exc:  # readers see its heartbeat age instead
                log.warning("stop not recorded: %s", exc)

    def _running(self) -> list[presence.Process]:
        """The `minsim run` processes running now, this one included."""
        return presence.running(presence.processes(self._engine), datetime.now(UTC))

    def _warn_collected_twice(self, others: Sequence[presence.Process]) -> None:
        """Say which of this process's sources another running `minsim run` collects too: each
        would run twice as often, and their runs would overlap."""
        for source in self._sources:
            found = [p.label for p in others if source.name in p.sources]
            if found:
                log.warning("%s is collected by another `minsim run` too, %s: stop one",
                            source.name, terminal_safe(" and ".join(found)))  # fmt: skip

    def _collect(self, spare: Sequence[int] = ()) -> None:
        """Close runs a killed process left open (not those in `spare`, under way in another
        running process), score what has no score under the current scorer version, schedule
        every source now and on its interval, and block until stopped."""
        # Runs are this process's business only when it collects: writing briefs alone, the
        # open run may be that of the process collecting beside it.
        closed = store.close_interrupted_runs(self._engine, spare=spare) if self._sources else 0
        if closed:
            log.warning("closed %d run(s) left open by a process that was stopped", closed)
        if self._scorer is not None:
            score_unscored(self._engine, self._scorer)
        self._tell_surges()
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
        if not self._sources and self._briefs is not None:
            self._scheduler.add_job(
                self._briefs.resend_failed,
                IntervalTrigger(seconds=RESEND_SECONDS, timezone=UTC),
                id=RESEND_JOB,
                name="send failed brief posts again",
            )
        for at in self._briefs.times if self._briefs is not None else ():
            # APScheduler computes a cron job's first time from now: one due since the command
            # began would be skipped, so it runs now (its period still ends when it was due),
            # just after the first runs (jobs due together run in the order of their times, then
            # of their ids), which bring in what was published before it was due.
            due_during_start = last_due(at, now) >= self._started
            # One that fell due while collecting was stopped is written now too, for the hours
            # before it was due (its own job: the next time of day may come before it runs).
            missed = self._briefs.missed_while_stopped(at, self._started)
            if missed is not None:
                log.warning("brief of %s was due while %s", format_kst(missed),
                            CAUGHT_UP if self._sources else CAUGHT_UP_ALONE)  # fmt: skip
                caught_up = f"{self._brief_id(at)} missed"
                self._brief_times[caught_up] = at
                self._caught_up[caught_up] = missed
                self._scheduler.add_job(
                    self._brief,
                    DateTrigger(now + AFTER_FIRST_RUNS, timezone=UTC),
                    args=[at, missed],
                    id=caught_up,
                    name=f"brief due {format_kst(missed)}",
                    misfire_grace_time=BRIEF_GRACE_SECONDS,
                )
            self._scheduler.add_job(
                self._brief,
                CronTrigger(hour=at.hour, minute=at.minute, timezone=KST),
                args=[at],
                id=self._brief_id(at),
                name=f"brief at {at:%H:%M} KST",
                misfire_grace_time=BRIEF_GRACE_SECONDS,
                **({"next_run_time": now + AFTER_FIRST_RUNS} if due_during_start else {}),
            )
        self._scheduler.add_listener(self._missed, EVENT_JOB_MISSED)
        # `_missed` says it in our words; the scheduler's own line would say it twice.
        logging.getLogger(APSCHEDULER_EXECUTOR_LOG).addFilter(_not_missed)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        self._scheduler.start()
        # The job under way finishes (a brief may still post; jobs queued behind it return at
        # once), then posts still going out get a few seconds, all of them together.
        self._executor.shutdown(wait=True)
        deadline = time.monotonic() + DRAIN_SECONDS
        for sender in (self._watch, self._briefs):
            if sender is not None:
                sender.close(max(0.0, deadline - time.monotonic()))

    def stop(self) -> None:
        """Stop scheduling; a run under way finishes first (its HTTP timeouts bound the wait),
        and jobs already queued behind it do nothing."""
        self._stopping.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    @staticmethod
    def _brief_id(at: TimeOfDay) -> str:
        return f"brief {at:%H:%M}"

    def _on_signal(self, signum: int, _frame: object) -> None:
        """The first SIGTERM or Ctrl+C stops after the run under way; a second one ends the
        process at once (a run it cuts short is closed as failed at the next start)."""
        for again in (signal.SIGTERM, signal.SIGINT):
            signal.signal(again, signal.SIG_DFL)
        self.stop()

    def _run(self, source: SourceSettings) -> None:
        if self._stopping.is_set():
            return
        with self._lock, HttpClient() as client:
            pipeline = Pipeline(self._engine, self._scenario, self._scorer, self._salt, client,
                                process=self._process)  # fmt: skip
            [result] = pipeline.run_sources([source])
            self._tell_failures(result)
            self._tell_surges()
        if self._briefs is not None:
            self._briefs.resend_failed()
        if self._on_result:
            self._on_result(result)

    def _missed(self, event: JobExecutionEvent) -> None:
        """Say, in our words, that a job waited too long behind a run and was skipped (the
        scheduler's own warning is kept quiet in `start`)."""
        if event.job_id == RESEND_JOB:
            return  # the next interval sends them
        at = self._brief_times.get(event.job_id)
        if at is None:
            late = MISFIRE_GRACE_SECONDS // 60
            log.warning("collecting %s skipped once: it could not start within %d minutes of "
                        "its time", event.job_id, late)  # fmt: skip
            return
        # A brief run at start-up was scheduled for then: name the time it was due.
        due = self._caught_up.get(event.job_id) or last_due(at, event.scheduled_run_time)
        log.warning("brief of %s skipped: it could not start within %d minutes of its time",
                    format_kst(due), BRIEF_GRACE_SECONDS // 60)  # fmt: skip

    def _brief(self, at: TimeOfDay, due: datetime | None = None) -> None:
        """Write the brief due at `at` (last due now, or at `due`); a failure (a locked or broken
        database) is logged and must not stop collecting."""
        assert self._briefs is not None
        if self._stopping.is_set():
            return
        try:
            with self._lock:
                done = self._briefs.write(at, due)
        except Exception as exc:  # boundary: any failure here, collecting goes on
            log.warning("brief at %s failed: %s: %s", f"{at:%H:%M}", type(exc).__name__,
                        redact(str(exc)))  # fmt: skip
            return
        log.info("%s", done)
        if self._on_brief:
            self._on_brief(done)

    def _tell_failures(self, result: RunResult) -> None:
        """Tell of a source that keeps failing, or collects again; a check that fails is logged
        and must not stop collecting."""
        if self._failures is None:
            return
        try:
            self._failures.after_run(result)
        except Exception as exc:  # boundary: any failure here, collecting goes on
            log.warning("failure check failed: %s: %s", type(exc).__name__, redact(str(exc)))

    def _tell_surges(self) -> None:
        """Tell of new surges; a check that fails (a locked or broken database) is logged and
        must not stop collecting, which is what fills the database again."""
        if self._watch is None:
            return
        try:
            self._watch.check()
        except Exception as exc:  # boundary: any failure here, collecting goes on
            log.warning("surge check failed: %s: %s", type(exc).__name__, redact(str(exc)))


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def score_unscored(engine: Engine, scorer: Any, clock: Callable[[], float] = time.monotonic) -> int:
    """Score the documents without a score under `scorer.version` (and only those), saying how
    many and why before starting and how far it got while working; returns how many."""
    doc_ids = aggregate.unscored_doc_ids(engine, scorer.version)
    if not doc_ids:
        return 0
    older = aggregate.count_scored_by_older_versions_only(engine, scorer.version)
    why = f"; {older} of them have a score of an older scorer version only" if older else ""
    # WARNING, not INFO: collecting waits for this, and the default log level must say why
    log.warning(
        "scoring %d document(s) without a score under the current scorer version %s before "
        "collecting%s",
        len(doc_ids),
        scorer.version,
        why,
    )
    progress = ScoringProgress(clock)
    scored = score_documents(engine, scorer, doc_ids, progress=progress)
    log.warning("scored %d document(s) in %.0fs", scored, progress.elapsed())
    return scored


class ScoringProgress:
    """Logs `scored 1500 of 6254 document(s)` at most every PROGRESS_SECONDS."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = self._last = clock()

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if done < total and now - self._last >= PROGRESS_SECONDS:
            self._last = now
            log.warning("scored %d of %d document(s) (%d%%)", done, total, 100 * done // total)

    def elapsed(self) -> float:
        return self._clock() - self._started


def _not_missed(record: logging.LogRecord) -> bool:
    """Lets through every APScheduler executor record but its 'was missed by' warnings."""
    return "was missed by" not in record.getMessage()
