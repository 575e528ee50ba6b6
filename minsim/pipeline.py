"""Collection runs: one source (start_run -> collect -> ingest -> finish_run) and several in a row.

One failing source never stops the others; every run leaves a `runs` row with its counters,
status and an error message that names what went wrong but never a secret.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.base import CollectContext
from collectors.http import HttpClient, redact
from collectors.registry import get_kind
from minsim import aggregate, store
from minsim.ingest import ingest
from minsim.models import RawItem, RunCounters
from minsim.scenario import Scenario
from minsim.schema import utcnow
from minsim.settings import Settings, SourceSettings

log = logging.getLogger(__name__)

# Progress is reported every this many items, so a long run shows it is alive.
PROGRESS_EVERY = 100
# A runs.error longer than this is cut: it is shown in a table cell and a terminal line.
MAX_ERROR_CHARS = 2000

Progress = Callable[[str, RunCounters], None]


@dataclass(frozen=True)
class RunResult:
    """What one run of one source did (also stored in its `runs` row)."""

    source: str
    run_id: int | None
    status: str  # ok | failed
    counters: dict[str, int]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Pipeline:
    """What every run needs; built once by the CLI or the scheduler and reused for each source."""

    engine: Engine
    scenario: Scenario
    scorer: Any | None
    salt: str
    client: HttpClient
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    clock: Callable[[], datetime] = utcnow
    batch_size: int | None = None
    # The `minsim run` process (minsim.presence) whose runs these are: each is recorded as its
    # run under way.
    process: int | None = None

    def run_source(self, source: SourceSettings, progress: Progress | None = None) -> RunResult:
        """Run one source once and record the run; failures are recorded, not raised."""
        counters = RunCounters()
        run_id = store.start_run(self.engine, source.name, self.process)
        ctx = CollectContext(
            source_name=source.name,
            cursor=store.get_cursor(self.engine, source.name),
            counters=counters,
            env=self.env,
            clock=self.clock,
            stored_article_urls=lambda: aggregate.article_urls(self.engine),
            companies=self.scenario.companies,
            demo_dir=self.scenario.demo_dir,
        )
        failures: list[BaseException] = []
        try:
            kind = get_kind(source.kind)
            items = _guarded(kind.collect(source, self.client, ctx), failures)
            reported = _reporting(items, source.name, counters, progress)
            self._ingest(reported, counters, progress, run_id)
            if ctx.new_cursor is not None:
                # the collector set it only after yielding everything it covers, all now stored
                store.set_cursor(self.engine, source.name, ctx.new_cursor)
        except KeyboardInterrupt:
            store.finish_run(self.engine, run_id, "failed", counters.counts, store.STOPPED_RUN)
            raise
        except Exception as exc:  # boundary: a bug or a store error in one source stops only it
            failures.append(exc)
        error = _describe(failures[0], ctx) if failures else None
        status = "failed" if failures else "ok"
        if error:
            # the run row carries it and the boundary (CLI, scheduler) reports it: log quietly
            log.info("source %s failed: %s", source.name, error)
        store.finish_run(self.engine, run_id, status, counters.counts, error)
        return RunResult(source.name, run_id, status, dict(counters.counts), error)

    def run_sources(
        self, sources: Iterable[SourceSettings], progress: Progress | None = None
    ) -> list[RunResult]:
        """Run each source in turn; one that fails (even to start) never stops the others."""
        results = []
        for source in sources:
            try:
                results.append(self.run_source(source, progress))
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # boundary: e.g. the database refused start_run
                message = redact(f"{type(exc).__name__}: {exc}")[:MAX_ERROR_CHARS]
                log.info("source %s could not run: %s", source.name, message)
                results.append(RunResult(source.name, None, "failed", {}, message))
        return results

    def _ingest(
        self,
        items: Iterable[RawItem],
        counters: RunCounters,
        progress: Progress | None,
        run_id: int,
    ) -> None:
        extra: dict[str, Any] = {"batch_size": self.batch_size} if self.batch_size else {}
        ingest(
            self.engine,
            items,
            scenario=self.scenario,
            scorer=self.scorer,
            counters=counters,
            salt=self.salt,
            collected_at=self.clock(),
            run_id=run_id,
            **extra,
        )


def select_sources(settings: Settings, names: Sequence[str] = ()) -> list[SourceSettings]:
    """The named sources (even disabled ones), or every enabled source when none is named."""
    if names:
        return [settings.source(name) for name in names]
    return [source for source in settings.sources if source.enabled]


def _guarded(items: Iterator[RawItem], failures: list[BaseException]) -> Iterator[RawItem]:
    """Yield the collector's items; if it raises, remember why and end normally so that ingest
    stores the items yielded before the failure (nothing already fetched is lost)."""
    try:
        yield from items
    except Exception as exc:  # boundary: recorded as the run's error
        failures.append(exc)


def _reporting(
    items: Iterable[RawItem], name: str, counters: RunCounters, progress: Progress | None
) -> Iterator[RawItem]:
    for n, item in enumerate(items, start=1):
        yield item
        if progress and n % PROGRESS_EVERY == 0:
            progress(name, counters)


def _describe(exc: BaseException, ctx: CollectContext) -> str:
    """One line for runs.error: the exception, where an unexpected one came from, no secrets."""
    from minsim.errors import MinsimError

    text = f"{type(exc).__name__}: {exc}"
    if not isinstance(exc, MinsimError):
        frames = traceback.extract_tb(exc.__traceback__)
        if frames:
            last = frames[-1]
            text += f" (at {Path(last.filename).name}:{last.lineno})"
    return ctx.redact(redact(text))[:MAX_ERROR_CHARS]
