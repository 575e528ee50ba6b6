"""`minsim prune`: remove the documents published before a day, as a retention policy asks."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from minsim.cli_common import calendar_day, whole_numbers

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

# A century: --keep-days is a retention period, and a larger number is a typo.
MAX_KEEP_DAYS = 36_500
# No document is dated earlier (and datetime cannot go much further back in KST).
EARLIEST_DAY = date(1970, 1, 1)
# A removal this long says how far it has got, about every tenth of the way.
PROGRESS_FROM = 20_000
PROGRESS_STEPS = 10


def add_commands(commands: argparse._SubParsersAction) -> None:
    prune = commands.add_parser(
        "prune",
        help="remove documents published before a day, with their scores (retention)",
        description="Remove the documents published before a KST day, with their scores, "
        "aspect scores, company tags and topic terms. An older article stays while comments "
        "on it stay. The cutoff is recorded: surges, rising topic words and before/after "
        "comparisons of views that read only pruned sources no longer look back past it "
        "(--forget undoes that; with --source, a cutoff of every source stays). Without "
        "--yes, only say what would be removed.",
    )
    when = prune.add_mutually_exclusive_group(required=True)
    when.add_argument("--before", type=calendar_day, metavar="YYYY-MM-DD",
                      help="remove documents published before this KST day")  # fmt: skip
    when.add_argument("--keep-days", type=whole_numbers("days", MAX_KEEP_DAYS), metavar="N",
                      help="keep the last N KST days, today included, and remove what is "
                      "older")  # fmt: skip
    when.add_argument("--forget", action="store_true",
                      help="remove nothing; forget the recorded cutoffs (of --source, or all), "
                      "so comparisons look back past them again, as after importing the "
                      "removed documents again")  # fmt: skip
    prune.add_argument("--source", action="append", default=[], metavar="NAME",
                       help="only documents of these sources (repeatable)")  # fmt: skip
    prune.add_argument("--yes", action="store_true",
                       help="remove them (without it, only say what would go)")  # fmt: skip
    prune.set_defaults(func=run_prune)


def run_prune(args: argparse.Namespace) -> int:
    from minsim import aggregate, db, store
    from minsim.cli_common import check_known, open_existing_database
    from minsim.settings import load_settings
    from minsim.timefmt import KST, format_kst

    settings = load_settings(args.config)
    engine = open_existing_database(settings)  # a dry run reads; only --yes migrates
    # a source whose documents are all gone, or that has not collected yet, is still a source:
    # a daily prune of it must keep working
    known = {
        *aggregate.source_names(engine),
        *(s.name for s in settings.sources),
        *(s for cut in aggregate.prune_history(engine) for s in cut.sources),  # for --forget
    }
    check_known("source", args.source, sorted(known))
    if args.forget:
        return _forget(engine, args.source, yes=args.yes)
    now = datetime.now(KST)
    today = now.date()
    first_kept = args.before or _first_kept_day(args.keep_days, today)
    _check_day(first_kept, today)
    cutoff = datetime(first_kept.year, first_kept.month, first_kept.day, tzinfo=KST)
    found = aggregate.prunable_documents(engine, cutoff, args.source)
    scope = f"published before {format_kst(cutoff)}"
    if args.source:
        scope += f" from {', '.join(args.source)}"
    kept = (
        f"; {found.articles_kept:,} older article(s) stay for the comments on them that stay"
        if found.articles_kept
        else ""
    )
    stored = "with their scores, aspect scores, company tags and topic terms"
    total = found.total
    if not total:
        print(f"no documents {scope} to remove{kept}")
        return 0
    if not args.yes:
        print(
            f"would remove {total:,} document(s) ({found.articles:,} articles, "
            f"{found.comments:,} comments) {scope}, {stored}{kept}. "
            "Run again with --yes to remove them."
        )
        return 0
    db.migrate(engine)
    # A cutoff tomorrow is recorded as now: what is published later was not removed.
    record = store.PruneRecord(min(cutoff, now), tuple(args.source), total)
    # streamed from the database as they are removed: memory stays bounded however many go
    going = aggregate.prunable_ids(engine, cutoff, args.source)
    gone = store.delete_documents(engine, going, _progress(total), record=record)
    swept = store.delete_orphan_rows(engine)
    db.refresh_statistics(engine)
    print(f"removed {gone:,} document(s) {scope}, {stored}{kept}.")
    reading = " of views that read only pruned sources" if args.source else ""
    print(
        f"Surges, before/after comparisons and rising topic words{reading} no longer look back "
        f"past {format_kst(min(cutoff, now))} (`minsim prune --forget` undoes that)."
    )
    if gone < total:
        print(f"{total - gone:,} article(s) stayed: comments on them came in meanwhile.")
    elif gone > total:
        print(f"{gone - total:,} more than counted: stored meanwhile, published before the cutoff.")
    if swept:
        print(f"Also removed {swept:,} row(s) stored for documents that were no longer there.")
    if engine.dialect.name == "sqlite":
        print(
            "The SQLite file keeps its size and reuses the freed space; to shrink it, stop the "
            "collectors and run `sqlite3 FILE 'VACUUM'`."
        )
    return 0


def _forget(engine: Engine, sources: list[str], *, yes: bool) -> int:
    """Forget the recorded cutoffs (of `sources`, or all); without `yes`, say which would go."""
    from minsim import aggregate, store
    from minsim.timefmt import format_kst

    history = aggregate.prune_history(engine)
    going = [
        (cut, [s for s in cut.sources if s in sources] if sources else list(cut.sources))
        for cut in history
        if not sources or set(cut.sources) & set(sources)
    ]
    # a prune of every source still cuts the sources named: forgetting theirs does not lift it
    staying = [cut for cut in history if sources and not cut.sources]
    if not going:
        print("no recorded prune cutoffs to forget")
    for cut, whose in going:
        named = ", ".join(whose) or "every source"
        print(f"{'forgets' if yes else 'would forget'}: {named} before {format_kst(cut.before)}")
    for cut in staying:
        print(
            f"stays: every source before {format_kst(cut.before)} (forget it with --forget "
            "and no --source)"
        )
    if not going:
        return 0
    if not yes:
        print("Run again with --yes to forget them.")
        return 0
    gone = store.forget_prunes(engine, sources)
    after = (
        "the cutoffs of every source above still apply"
        if staying
        else "comparisons look back past those cutoffs again"
    )
    print(f"forgot {gone:,} record(s): {after}.")
    return 0


def _first_kept_day(keep_days: int, today: date) -> date:
    """The oldest KST day --keep-days keeps: today is the first of them."""
    return today - timedelta(days=keep_days - 1)


def _check_day(first_kept: date, today: date) -> None:
    """Refuse a cutoff that is surely a typo: later than tomorrow (it would take today's
    documents too) or before 1970."""
    from minsim.cli_common import PeriodError

    if first_kept > today + timedelta(days=1):
        raise PeriodError(
            f"--before {first_kept} is after tomorrow (KST) and would remove today's documents "
            "too; name a past day"
        )
    if first_kept < EARLIEST_DAY:
        raise PeriodError(f"--before {first_kept} is before {EARLIEST_DAY}; name a later day")


def _progress(total: int) -> Callable[[int], None]:
    """Say on stderr how far a long removal has got, about every tenth."""
    step = max(total // PROGRESS_STEPS, 1)
    said = [0]

    def hear(done: int) -> None:
        log.info("removed %d of %d documents", done, total)
        if total >= PROGRESS_FROM and done // step > said[0] and done < total:
            said[0] = done // step
            print(f"removed {done:,} of {total:,} documents", file=sys.stderr, flush=True)

    return hear
