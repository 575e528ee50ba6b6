"""CLI commands for the database and the demo: init, import, score, status, dashboard, demo."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minsim.errors import ImportFileError
from minsim.settings import CONFIG_ENV, DATABASE_URL_ENV, Settings, load_settings, mask_url

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from minsim.scenario import Scenario

# The handlers import the database, pandas and the scorer when a command runs, not when the
# parser is built, so `minsim --help` answers at once.

DEMO_FILES = ("articles.jsonl", "comments.jsonl")
DEFAULT_PORT = 8501
# Bad rows printed one by one before the rest are only counted, so a broken file cannot flood
# the terminal.
MAX_ROW_ERRORS_SHOWN = 20
# `minsim status` lists the latest prunes; a daily prune from cron would otherwise fill a screen.
SHOWN_PRUNES = 3


def add_commands(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser(
        "init", help="create or upgrade the database", description="Create or upgrade the database."
    )
    init.add_argument(
        "--demo", action="store_true", help="also load the scenario's demo corpus and score it"
    )
    init.set_defaults(func=run_init)

    imp = commands.add_parser(
        "import",
        help="import CSV or JSONL files of articles or comments",
        description="Import CSV or JSONL files; bad rows are reported by line and skipped.",
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.add_argument("--source", help="source name for rows without a source column")
    imp.set_defaults(func=run_import)

    score = commands.add_parser(
        "score", help="score documents that lack a score", description="Score stored documents."
    )
    score.add_argument(
        "--rescore",
        action="store_true",
        help="recompute every score with the current lexicon and rules; drop older versions",
    )
    score.set_defaults(func=run_score)

    status = commands.add_parser(
        "status",
        help="counts by kind, source and company; last runs",
        description="Documents by kind, source and company, and the last run of each source, "
        "read from an existing database.",
    )
    status.set_defaults(func=run_status)

    for name, text in (
        ("dashboard", "start the Streamlit dashboard"),
        ("demo", "load the demo (init --demo), then start the dashboard"),
    ):
        cmd = commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        cmd.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8501)")
        cmd.add_argument(
            "--host", default="localhost", help="address to listen on (default localhost)"
        )
        cmd.set_defaults(func=run_dashboard if name == "dashboard" else run_demo)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def run_init(args: argparse.Namespace) -> int:
    from minsim import db, store
    from minsim.cli_common import events_left_out_note, scorer_for
    from minsim.scenario import load_scenario

    settings = _settings(args)
    # The scenario is read first: a wrong folder stops init before a database file appears.
    scenario = load_scenario(settings.scenario.path)
    engine = db.engine_for(settings)
    applied = db.migrate(engine)
    version = db.schema_version(engine)
    print(f"database ready at schema version {version} (applied: {applied or 'none'})")
    removed = store.save_scenario(engine, scenario, prune=True)
    if removed:
        print(events_left_out_note(removed, scenario, removed=True))
    if not args.demo:
        return 0
    paths = [scenario.demo_dir / name for name in DEMO_FILES]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ImportFileError(f"demo corpus missing: {', '.join(missing)}")
    scorer = scorer_for(settings)
    bad = 0
    for path in paths:
        bad += _import_file(
            engine, settings, scenario, scorer, path, f"{store.DEMO_LOAD_PREFIX}{path.name}"
        )
    pending = _score_pending(engine, scorer, rescore=False)
    _print_counts(engine)
    return 1 if bad or pending < 0 else 0


def run_import(args: argparse.Namespace) -> int:
    from minsim import store
    from minsim.cli_common import open_with_scenario, scorer_for

    settings = _settings(args)
    engine, scenario = open_with_scenario(settings)
    scorer = scorer_for(settings)
    bad = 0
    failed: list[str] = []
    for path in args.paths:
        # each file is its own unit: a missing or unreadable one does not stop the next ones
        try:
            bad += _import_file(
                engine,
                settings,
                scenario,
                scorer,
                path,
                f"{store.IMPORT_PREFIX}{path.name}",
                default_source=args.source,
            )
        except ImportFileError as exc:
            print(f"minsim: error: {exc}", file=sys.stderr)
            failed.append(str(path))
    if failed:
        print(f"minsim: error: {len(failed)} of {len(args.paths)} file(s) failed", file=sys.stderr)
        return 2
    return 1 if bad else 0


def _import_file(
    engine: Engine,
    settings: Settings,
    scenario: Scenario,
    scorer: Any,
    path: Path,
    run_name: str,
    default_source: str | None = None,
) -> int:
    """Import one file as one run; returns the number of bad rows (0 when all were good)."""
    from minsim import store
    from minsim.cli_common import terminal_safe
    from minsim.importer import RowError, read_rows
    from minsim.ingest import ingest
    from minsim.models import RunCounters
    from minsim.privacy import load_salt

    counters = RunCounters()
    errors: list[RowError] = []

    def good_rows() -> Any:
        for row in read_rows(path, default_source):
            if isinstance(row, RowError):
                errors.append(row)
                counters.add("dropped/bad_row")
                if len(errors) <= MAX_ROW_ERRORS_SHOWN:  # a reason may quote the row's text
                    print(f"  skipped {terminal_safe(str(row))}", file=sys.stderr)
                continue
            yield row

    def progress(c: RunCounters) -> None:
        print(f"  {path.name}: {c.get('fetched')} read, {c.get('new')} new", flush=True)

    run_id = store.start_run(engine, run_name)
    print(f"importing {path}")
    try:
        items: Any = good_rows()
        ingest(
            engine,
            items,
            scenario=scenario,
            scorer=scorer,
            counters=counters,
            salt=load_salt(settings),
            on_batch=progress,
            run_id=run_id,
        )
    except Exception as exc:
        store.finish_run(engine, run_id, "failed", counters.counts, str(exc))
        raise
    if len(errors) > MAX_ROW_ERRORS_SHOWN:
        print(f"  ... and {len(errors) - MAX_ROW_ERRORS_SHOWN} more bad rows", file=sys.stderr)
    status = "failed" if errors and not counters.get("new") + counters.get("duplicate") else "ok"
    error = f"{len(errors)} bad rows, first: {errors[0]}" if errors else None
    store.finish_run(engine, run_id, status, counters.counts, error)
    print(f"  done: {_summary(counters.counts)}")
    return len(errors)


def run_score(args: argparse.Namespace) -> int:
    from minsim.cli_common import open_database, scorer_for

    settings = _settings(args)
    engine = open_database(settings)
    scorer = scorer_for(settings)
    _score_pending(engine, scorer, rescore=args.rescore)
    return 0


def _score_pending(engine: Engine, scorer: Any, *, rescore: bool) -> int:
    from minsim.scoring import score_pending

    def progress(done: int, total: int) -> None:
        print(f"  scored {done}/{total}", flush=True)

    scored = score_pending(engine, scorer, rescore=rescore, progress=progress)
    print(f"scorer {scorer.version}: {scored} documents scored")
    return scored


def run_status(args: argparse.Namespace) -> int:
    from minsim import aggregate
    from minsim.cli_common import open_existing_database, terminal_safe
    from minsim.source_check import SourceCheck
    from minsim.timefmt import format_kst

    settings = _settings(args)
    engine = open_existing_database(settings)  # status reads: it never creates a database
    print(f"database: {mask_url(settings.database.url)}")
    _print_counts(engine)
    _print_prunes(engine)
    _print_briefs(engine)
    runs = aggregate.last_runs(engine)
    stored = aggregate.stored_sources(engine)
    # the lines `minsim sources` adds for a configured source that is no longer collected
    configured = {source.name: source for source in settings.sources}
    check = SourceCheck.read(engine, settings)
    print("last runs:" if runs else "last runs: none yet")
    for run in runs:
        when = format_kst(run["started_at"])
        # the run id is what the dashboard's Documents page filters on (?run=N)
        line = (
            f"  {run['source']:<24} {run['status']:<8} {when}  run {run['id']}  "
            f"{_summary(run['counters'])}"
        )
        print(terminal_safe(line))
        if run["error"]:  # errors quote what a source answered: escape what a terminal acts on
            print(f"    error: {terminal_safe(str(run['error']))}")
        if stored.get(run["source"]):  # over all its runs, as on the dashboard's Sources page
            print(f"    stored into: {terminal_safe(', '.join(stored[run['source']]))}")
        warning = (
            check.warning(configured[run["source"]], run) if run["source"] in configured else None
        )
        if warning:
            print(terminal_safe(f"    {warning}"))
    ran = {run["source"] for run in runs}
    for name, source in sorted(configured.items()):  # never ran: said only when it should have
        warning = None if name in ran else check.warning(source, None)
        if warning:
            print(terminal_safe(f"  {name:<24} never ran\n    {warning}"))
    for line in check.processes():
        print(terminal_safe(line))
    return 0


def _print_counts(engine: Engine) -> None:
    from minsim import aggregate

    counts = aggregate.document_counts(engine)
    for title, key in (("kind", "by_kind"), ("source", "by_source"), ("company", "by_company")):
        values = counts[key]
        shown = ", ".join(f"{name} {n:,}" for name, n in sorted(values.items())) or "none"
        print(f"documents by {title}: {shown}")


def _print_prunes(engine: Engine) -> None:
    """The latest prunes: where the data stop being whole, and comparisons stop looking back."""
    from minsim import aggregate
    from minsim.cli_common import terminal_safe
    from minsim.timefmt import format_kst

    history = aggregate.prune_history(engine)
    for cut in history[:SHOWN_PRUNES]:
        whose = f"of {', '.join(cut.sources)}" if cut.sources else "of every source"
        line = (
            f"pruned: documents {whose} published before {format_kst(cut.before)} "
            f"(on {format_kst(cut.pruned_at)})"
        )
        print(terminal_safe(line))
    if len(history) > SHOWN_PRUNES:
        print(f"  ... and {len(history) - SHOWN_PRUNES} earlier prune(s)")


def _print_briefs(engine: Engine) -> None:
    """The last scheduled brief delivered at each time of day (`minsim run` catches up from
    these when it was stopped over one)."""
    from minsim import store
    from minsim.timefmt import format_kst

    for at, due in store.last_briefs(engine).items():
        print(f"last brief at {at} KST: the one due {format_kst(due)}")


def _summary(counters: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counters.items())) or "no counters"


def run_dashboard(args: argparse.Namespace) -> int:
    from minsim.cli_common import open_existing_database

    settings = _settings(args)
    # Fail here, clearly, rather than inside the page; like the page, never create the database.
    open_existing_database(settings).dispose()
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    env = dict(os.environ)
    env[DATABASE_URL_ENV] = settings.database.url
    if settings.path:
        env[CONFIG_ENV] = str(settings.path.resolve())
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--server.address",
        args.host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    print(f"dashboard on http://{args.host}:{args.port}  (Ctrl+C stops it)", flush=True)
    # Become the Streamlit process, so signals (Ctrl+C, SIGTERM from a service manager) reach it
    # and no orphan keeps the port. The project root holds .streamlit/config.toml.
    os.chdir(app.parent.parent)
    os.execve(sys.executable, command, env)


def run_demo(args: argparse.Namespace) -> int:
    args.demo = True
    code = run_init(args)
    if code not in (0, 1):
        return code
    return run_dashboard(args)
