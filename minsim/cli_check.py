"""CLI command `minsim check`: whether collecting is healthy, for a timer, a monitor or a
container health check (exit 0 when it is, 1 when a source has a problem)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from minsim.presence import Process
    from minsim.settings import SourceSettings
    from minsim.source_check import Problem, SourceCheck

# The handler imports the database when the command runs, so `minsim --help` answers at once.

EXIT_PROBLEMS = 1
# An enabled source no run of which was ever started, and no running `minsim run` that just
# started is about to.
NEVER_RAN = "no run of it was ever started: start `minsim run`, or `minsim collect` it"


def add_commands(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check",
        help="say whether every enabled source is collected, on time and without failing; "
        "exit 1 when one is not",
        description="Check collecting for a monitor: every enabled source of the settings must "
        "be collected (by a running `minsim run` when one runs), on time (a run started within "
        "three of its intervals and 5 minutes; one that never ran is a problem unless a "
        "running `minsim run` collects it) and not failing (under three failed runs in a "
        "row). Prints one line per problem, or `ok`, then the running `minsim run` "
        "processes; exits 1 when there is a problem.",
    )
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from minsim.cli_common import open_existing_database, terminal_safe
    from minsim.settings import load_settings
    from minsim.source_check import SourceCheck

    settings = load_settings(args.config)
    enabled = [source for source in settings.sources if source.enabled]
    engine = open_existing_database(settings)  # a check reads: it never creates a database
    check = SourceCheck.read(engine, settings)
    problems = _problems(engine, enabled, check)
    if args.json:
        print(json.dumps(_report(enabled, problems, check), indent=2))  # escapes: inert
        return EXIT_PROBLEMS if problems else 0
    for name, problem in problems:  # errors quote what a source answered: keep them inert
        print(terminal_safe(f"{name}: {problem}"))
    if not problems:
        print(f"ok: {len(enabled)} enabled source(s) collected on time")
    for line in check.processes():
        print(terminal_safe(line))
    return EXIT_PROBLEMS if problems else 0


def _problems(
    engine: Engine, enabled: Sequence[SourceSettings], check: SourceCheck
) -> list[tuple[str, Problem]]:
    """Each enabled source's problem, if it has one: not collected, collected twice, overdue
    (SourceCheck), never ran, or failing (FAILED_RUNS_TO_TELL failed runs in a row)."""
    from minsim import aggregate
    from minsim.failure_watch import FAILED_RUNS_TO_TELL, streak_text
    from minsim.source_check import Problem

    last = {run["source"]: run for run in aggregate.last_runs(engine)}
    problems = []
    for source in enabled:
        run = last.get(source.name)
        problem = check.warning(source, run)
        if problem is None and run is None and not _starting(source, check.live):
            problem = Problem("never ran", NEVER_RAN)
        if problem is None and run is not None and run["status"] == "failed":
            streak = aggregate.failure_streak(engine, source.name)
            if streak is not None and streak.runs >= FAILED_RUNS_TO_TELL:
                problem = Problem("failing", streak_text(streak, run["error"]))
        if problem is not None:
            problems.append((source.name, problem))
    return problems


def _starting(source: SourceSettings, live: Sequence[Process]) -> bool:
    """Whether a running `minsim run` that collects `source` started lately enough that its
    first run may still be to come (it starts every source at once, one at a time)."""
    from minsim.overdue import expected_by

    now = datetime.now(UTC)
    return any(
        source.name in p.sources and now <= expected_by(p.started_at, source.interval_seconds)
        for p in live
    )


def _report(
    enabled: Sequence[SourceSettings],
    problems: Sequence[tuple[str, Problem]],
    check: SourceCheck,
) -> dict[str, object]:
    """The check as `--json` prints it."""
    return {
        "ok": not problems,
        "enabled": [source.name for source in enabled],
        "problems": [
            {"source": name, "kind": problem.kind, "text": problem.text}
            for name, problem in problems
        ],
        "running": [
            {
                "host": p.host,
                "pid": p.pid,
                "started_at": p.started_at.isoformat(),
                "seen_at": p.seen_at.isoformat(),
                "sources": list(p.sources),
            }
            for p in check.live
        ],
    }
