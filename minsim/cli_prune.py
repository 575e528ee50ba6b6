"""`minsim prune`: remove the documents published before a day, as a retention policy asks."""

from __future__ import annotations

import argparse
import logging
from datetime import date, datetime, timedelta

from minsim.cli_common import calendar_day, whole_numbers

log = logging.getLogger(__name__)

# A century: --keep-days is a retention period, and a larger number is a typo.
MAX_KEEP_DAYS = 36_500


def add_commands(commands: argparse._SubParsersAction) -> None:
    prune = commands.add_parser(
        "prune",
        help="remove documents published before a day, with their scores (retention)",
        description="Remove the documents published before a KST day, with their scores, "
        "aspect scores, company tags and topic terms. An older article stays while comments "
        "on it stay. Without --yes, only say what would be removed.",
    )
    when = prune.add_mutually_exclusive_group(required=True)
    when.add_argument("--before", type=calendar_day, metavar="YYYY-MM-DD",
                      help="remove documents published before this KST day")  # fmt: skip
    when.add_argument("--keep-days", type=whole_numbers("days", MAX_KEEP_DAYS), metavar="N",
                      help="keep the last N KST days, today included, and remove what is "
                      "older")  # fmt: skip
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
    engine = open_existing_database(settings)
    db.migrate(engine)  # a writer: the schema it deletes from is the current one
    check_known("source", args.source, aggregate.source_names(engine))
    first_kept = args.before or _first_kept_day(args.keep_days, datetime.now(KST).date())
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
    if not found.doc_ids:
        print(f"no documents {scope} to remove{kept}")
        return 0
    what = (
        f"{len(found.doc_ids):,} document(s) ({found.articles:,} articles, "
        f"{found.comments:,} comments) {scope}, with their scores, aspect scores, company tags "
        f"and topic terms{kept}"
    )
    if not args.yes:
        print(f"would remove {what}. Run again with --yes to remove them.")
        return 0
    total = len(found.doc_ids)
    gone = store.delete_documents(
        engine, found.doc_ids, lambda done: log.info("removed %d of %d documents", done, total)
    )
    db.refresh_statistics(engine)
    print(f"removed {what.replace(f'{total:,} document(s)', f'{gone:,} document(s)', 1)}.")
    if engine.dialect.name == "sqlite":
        print(
            "The SQLite file keeps its size and reuses the freed space; to shrink it, stop the "
            "collectors and run `sqlite3 FILE 'VACUUM'`."
        )
    return 0


def _first_kept_day(keep_days: int, today: date) -> date:
    """The oldest KST day --keep-days keeps: today is the first of them."""
    return today - timedelta(days=keep_days - 1)
