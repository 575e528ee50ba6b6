"""CLI commands for collection: `minsim sources` (sources and last runs), `minsim collect`."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from minsim.cli_common import terminal_safe
from minsim.settings import Settings, SourceSettings, load_settings
from minsim.timefmt import format_interval, format_kst

if TYPE_CHECKING:
    from minsim.models import RunCounters
    from minsim.pipeline import RunResult

# The handlers import the database, the HTTP client and the scorer when a command runs, not
# when the parser is built, so `minsim --help` answers at once.

EXIT_SOURCE_FAILED = 1
NO_SOURCES = "no enabled sources: enable one in the settings file or name it"
# A process that collects nothing neither scores nor tells of surges: the one that collects does.
BRIEFS_ONLY = (
    "no enabled sources: writing briefs only, of what other processes collect (stored "
    "documents are not scored and surges are not told here); Ctrl+C stops"
)
# Counters shown first in one-line summaries, in this order; the rest follow alphabetically.
LEAD_COUNTERS = ("fetched", "new", "duplicate", "updated")


def add_commands(commands: argparse._SubParsersAction) -> None:
    sources = commands.add_parser(
        "sources",
        help="list configured sources with kind, interval and last run",
        description="List the [[sources]] of the settings file with their last run (times in KST).",
    )
    sources.set_defaults(func=run_sources_command)

    collect = commands.add_parser(
        "collect",
        help="run sources once (enabled ones, or those named)",
        description="Run each enabled source once, or the named ones even if disabled. Exits 1 "
        "if any source failed; what the others stored is kept.",
    )
    collect.add_argument("names", nargs="*", metavar="NAME", help="source names (default: all)")
    collect.set_defaults(func=run_collect_command)

    run = commands.add_parser(
        "run",
        help="collect the enabled sources on their intervals until stopped (the scheduler)",
        description="Run the scheduler in the foreground: every enabled source (or the named "
        "ones) now and then every `interval`, one run at a time, and the briefs of [brief] at. "
        "With no enabled source and [brief] at set, it writes the briefs alone. Ctrl+C or "
        "SIGTERM stops it after the run under way.",
    )
    run.add_argument("names", nargs="*", metavar="NAME", help="source names (default: enabled)")
    run.set_defaults(func=run_scheduler_command)


def run_sources_command(args: argparse.Namespace) -> int:
    from minsim import aggregate
    from minsim.cli_common import open_existing_database
    from minsim.source_check import SourceCheck

    settings = load_settings(args.config)
    if not settings.sources:
        print("no sources configured: add [[sources]] tables to the settings file")
        return 0
    engine = open_existing_database(settings)  # sources reads the runs: it never creates them
    last = {run["source"]: run for run in aggregate.last_runs(engine)}
    check = SourceCheck.read(engine, settings)
    print(f"{'name':<22} {'kind':<15} {'every':>7}  {'enabled':<7}  last run")
    for source in settings.sources:
        run = last.get(source.name)
        if run is None:
            when = "never"
        else:
            when = f"{run['status']} {format_kst(run['started_at'])}  {summary(run['counters'])}"
        enabled = "yes" if source.enabled else "no"
        interval = format_interval(source.interval_seconds)
        print(f"{source.name:<22} {source.kind:<15} {interval:>7}  {enabled:<7}  {when}")
        if run is not None and run["error"]:  # may quote a source's answer: keep it inert
            print(f"{'':<22} error: {terminal_safe(str(run['error']))}")
        warning = check.warning(source, run)
        if warning:  # names processes' hosts and sources: keep them inert
            print(terminal_safe(f"{'':<22} {warning}"))
    unknown = sorted(set(last) - {source.name for source in settings.sources} - _loads(last))
    if unknown:  # a renamed source's runs stay under its old name
        names = terminal_safe(", ".join(unknown))
        print(f"runs of names not in the settings (renamed or removed): {names}")
    for line in check.processes():  # source names come from settings files: keep them inert
        print(terminal_safe(line))
    return 0


def run_collect_command(args: argparse.Namespace) -> int:
    from collectors.http import HttpClient
    from minsim.pipeline import Pipeline

    prepared = _prepare(args)
    if prepared is None:
        return 0
    chosen, parts = prepared
    with HttpClient() as client:
        pipeline = Pipeline(*parts, client)
        results: list[RunResult] = []
        for source in chosen:
            print(f"{source.name} ({source.kind}): collecting ...", flush=True)
            results.extend(pipeline.run_sources([source], progress=_print_progress))
    print("summary:")
    for result in results:
        state = "ok    " if result.ok else "FAILED"
        print(f"  {result.source:<22} {state} {summary(result.counters)}")
        if result.error:
            print(f"  {'':<22} error: {terminal_safe(result.error)}")
    return EXIT_SOURCE_FAILED if any(not r.ok for r in results) else 0


def run_scheduler_command(args: argparse.Namespace) -> int:
    from minsim.brief_schedule import BriefSchedule, BriefSettingError, check_delivery
    from minsim.failure_watch import FailureWatch
    from minsim.pipeline import select_sources
    from minsim.scheduler import RESENT_WITHOUT_RUNS, Scheduler
    from minsim.surge_watch import SurgeWatch
    from minsim.webhook import webhook_from_env

    started = datetime.now(UTC)
    settings = load_settings(args.config)
    briefs_only = bool(settings.brief.at) and not select_sources(settings, args.names)
    # Checked before Kiwi loads and the scoring starts: a bad value stops at once. A process
    # writing briefs alone tells of no surges, so their webhook is not its business.
    variable = settings.surges.webhook_env
    webhook = None if briefs_only else webhook_from_env(variable)
    brief_hook = webhook_from_env(settings.brief.webhook_env) if settings.brief.at else None
    where = settings.path or "settings"
    try:
        check_delivery(settings.brief, brief_hook)
        prepared = _prepare(args, settings, briefs_only=briefs_only)
        if prepared is None:
            return 0
        chosen, parts = prepared
        briefs = None
        if settings.brief.at:
            briefs = BriefSchedule(
                parts[0], settings.brief, webhook=brief_hook, watch=settings.surges.watch,
                **({} if chosen else {"resent": RESENT_WITHOUT_RUNS}),
            )  # fmt: skip
    except BriefSettingError as exc:  # named like any other settings problem
        raise BriefSettingError(f"{where}: {exc}") from None
    watch = failures = None
    if chosen:
        watch = SurgeWatch(parts[0], webhook=webhook, watch=settings.surges.watch)
        failures = FailureWatch(parts[0], sender=watch.sender)
        names = ", ".join(f"{s.name} every {format_interval(s.interval_seconds)}" for s in chosen)
        print(f"collecting {names}; Ctrl+C stops", flush=True)
    else:
        print(BRIEFS_ONLY, flush=True)

    def report(result: RunResult) -> None:
        state = "ok" if result.ok else "FAILED"
        print(f"{result.source}: {state} {summary(result.counters)}", flush=True)
        if result.error:
            print(f"{result.source}: error: {terminal_safe(result.error)}", flush=True)

    if watch is not None and settings.surges.watch:
        print(f"watching the words {', '.join(settings.surges.watch)}", flush=True)
    if watch is not None and webhook:
        print(f"surges and failing sources are posted to the webhook in {variable}", flush=True)
    if briefs is not None:
        print(terminal_safe(f"writing {briefs.describe()}"), flush=True)

    def reported(done: str) -> None:
        print(terminal_safe(done), flush=True)

    Scheduler(*parts, chosen, on_result=report, watch=watch, briefs=briefs,
              on_brief=reported, started=started, failures=failures).start()  # fmt: skip
    print("stopped", flush=True)
    return 0


def _prepare(
    args: argparse.Namespace, settings: Settings | None = None, *, briefs_only: bool = False
) -> tuple[list[SourceSettings], tuple[Any, ...]] | None:
    """The chosen sources and what collecting them needs (database, scenario, scorer, salt, in
    the order Pipeline and Scheduler take them); None when no source is chosen, said. With
    `briefs_only`, no source chosen is no collection: the database alone, which must exist
    (briefs of a database nobody collects into would be empty), without the scenario, the
    scorer (Kiwi is not loaded) and the salt. `settings` are read from --config when not given."""
    from minsim.cli_common import open_database, open_with_scenario, scorer_for
    from minsim.pipeline import select_sources
    from minsim.privacy import load_salt

    settings = settings or load_settings(args.config)
    chosen = select_sources(settings, args.names)
    if not chosen and not briefs_only:
        print(NO_SOURCES)
        return None
    if not chosen:
        return chosen, (open_database(settings, create=False), None, None, "")
    engine, scenario = open_with_scenario(settings)
    return chosen, (engine, scenario, scorer_for(settings), load_salt(settings))


def _print_progress(name: str, counters: RunCounters) -> None:
    print(f"  {name}: {counters.get('fetched')} items so far", flush=True)


def _loads(runs: Mapping[str, Any]) -> set[str]:
    """The run names of imported files and demo loads: never configured as sources."""
    from minsim.store import DEMO_LOAD_PREFIX, IMPORT_PREFIX

    return {name for name in runs if name.startswith((IMPORT_PREFIX, DEMO_LOAD_PREFIX))}


def summary(counters: dict[str, int]) -> str:
    """`fetched 12, new 3, duplicate 9, retry/count 1`: the usual counters first."""
    keys = [k for k in LEAD_COUNTERS if k in counters]
    keys += sorted(k for k in counters if k not in LEAD_COUNTERS)
    return ", ".join(f"{k} {counters[k]}" for k in keys) or "no items"
