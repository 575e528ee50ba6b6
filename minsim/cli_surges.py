"""`minsim surges`: the hours a company's volume or negative share jumped, in the terminal or
as JSON, for a person or for a script run after each collection."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from minsim.cli_common import add_document_filters, whole_numbers

# A year back is more than any crisis a database holds; past that, leave --days out.
MAX_DAYS = 366


def add_commands(commands: argparse._SubParsersAction) -> None:
    surges = commands.add_parser(
        "surges",
        help="hours in which a company's volume or negative share jumped above the day before",
        description="Compare every hour of each company with the 24 hours before it and list "
        "the surges, as on the dashboard's Overview page: volume (at least 20 documents and 3 "
        "times the hourly mean before) and negative share (at least 15 points above, p < 0.001, "
        "20 scored documents or more on both sides). The first 24 hours of the data, and "
        "of what a `minsim prune` of the sources read left, are not judged. Newest first; "
        "'ongoing' marks a surge that reaches the newest hour. The words of `[surges] watch` "
        "in the settings, and those given with --watch, are judged too: the documents naming "
        "each, by the volume rule with at least 5 documents.",
    )
    surges.add_argument("--days", type=whole_numbers("days", MAX_DAYS), metavar="N",
                        help="only the last N days before the newest document")  # fmt: skip
    add_document_filters(surges, "only these companies (repeatable)")
    surges.add_argument("--ongoing", action="store_true",
                        help="only the surges that reach the newest hour of the data")  # fmt: skip
    surges.add_argument("--watch", action="append", default=[], metavar="WORD",
                        help="also judge the documents naming this word (repeatable; added to "
                        "[surges] watch)")  # fmt: skip
    surges.add_argument("--json", action="store_true", help="print every surge as JSON")
    surges.set_defaults(func=run_surges)


def run_surges(args: argparse.Namespace) -> int:
    import sys

    import pandas as pd

    from minsim import aggregate
    from minsim.aggregate.surges import BASELINE_HOURS, as_records
    from minsim.aggregate.watched import WATCHED_COLUMNS, surge_record, watched_surges
    from minsim.cli_common import open_for_document_filters, pruned_note, terminal_safe
    from minsim.db import has_terms

    words = _watched_words(args)  # a bad --watch stops before any reading
    engine = open_for_document_filters(args)
    span = aggregate.time_span(engine)
    start = span[1] - timedelta(days=args.days) if span and args.days else None
    flt = aggregate.Filters(start=start, companies=tuple(args.company), sources=tuple(args.source))
    version = aggregate.latest_scorer_version(engine)
    found = aggregate.find_surges(engine, flt, version=version)
    if args.ongoing:
        found = found[found["ongoing"].astype(bool)]
    found = aggregate.with_surge_terms(engine, found, flt, version=version)
    watched = pd.DataFrame(columns=WATCHED_COLUMNS)
    if words and not has_terms(engine):
        # The companies' surges still count: a script reading them must not break because a
        # word was added to the settings of an older database.
        print(
            "watched words not judged: this database has no topic terms yet; `minsim score` "
            "upgrades it and scores the documents again, which counts them",
            file=sys.stderr,
        )
    elif words:
        watched = watched_surges(engine, flt, words, version=version)
    if args.ongoing:
        watched = watched[watched["ongoing"].astype(bool)]
    if args.json:
        records = [surge_record(r) for r in as_records(found) + as_records(watched)]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    scope = f"the last {args.days} day(s)" if args.days else "all the data"
    print(f"scorer version: {version or 'none'}; {len(found)} surge(s) in {scope}")
    # each hour is judged against the day before it
    note = pruned_note(engine, flt, start - timedelta(hours=BASELINE_HOURS) if start else None)
    if note:
        print(terminal_safe(note))
    for row in found.to_dict("records"):
        print(_line(row))
    if words:
        print(f"watched words: {len(watched)} surge(s)")
        for row in watched.to_dict("records"):
            print(_line({**row, "company": row["term"]}))
    return 0


def _watched_words(args: argparse.Namespace) -> tuple[str, ...]:
    """The settings' watched words and those given with --watch, each once; a --watch value
    that cannot be a topic term is an error naming it."""
    from minsim.aggregate.terms import TERM_SHAPE, as_term
    from minsim.cli_common import UnknownChoice
    from minsim.settings import load_settings

    words = dict.fromkeys(load_settings(args.config).surges.watch)
    for given in args.watch:
        term = as_term(given)
        if term is None:
            raise UnknownChoice(f"--watch {given[:40]!r}: a watched word is {TERM_SHAPE}")
        words[term] = None
    return tuple(words)


def _line(row: dict[str, Any]) -> str:
    """'2022-10-19 18:00 KST - 20:00  kakao     volume     2 h  peak 10-19 18:00 84 docs/hour
    (before 24.1)  167 docs'."""
    from minsim.aggregate.surges import peak_text
    from minsim.cli_common import terminal_safe
    from minsim.timefmt import format_kst

    peak = peak_text(row["kind"], row["peak_value"], row["baseline"])
    when = f"{format_kst(row['start'])} - {row['end']:%H:%M}"
    state = "  ongoing" if row["ongoing"] else ""
    terms = f"  most named: {', '.join(row['terms'])}" if row.get("terms") else ""
    return terminal_safe(
        f"{when}  {row['company']:<8}  {row['kind']:<8}  {row['hours']:>2} h  "
        f"peak {row['peak']:%m-%d %H:%M} {peak}  {row['docs']:,} docs{state}{terms}"
    )
