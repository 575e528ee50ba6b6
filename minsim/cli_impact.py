"""`minsim impact`: opinion before and after each event, in the terminal or as JSON."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from minsim.cli_common import UnknownChoice, add_document_filters, whole_numbers

if TYPE_CHECKING:
    import pandas as pd

# As on the dashboard's Before/after page.
DEFAULT_HOURS = 24
# A week either side is the widest window a crisis timeline's events stay apart in.
MAX_HOURS = 24 * 7


def add_commands(commands: argparse._SubParsersAction) -> None:
    impact = commands.add_parser(
        "impact",
        help="opinion before and after each event (change of the mean score, 95%% interval)",
        description="Compare the documents published in the hours before and after each event "
        "of the timeline: count, mean score and negative share per side, the change of the mean "
        "with an approximate 95% interval, and a verdict. Without --event, one line per event "
        "for all documents; with --event N, one line per aspect of that event.",
    )
    impact.add_argument(
        "--hours", type=whole_numbers("hours", MAX_HOURS), default=DEFAULT_HOURS,
        help=f"hours compared on either side (1-{MAX_HOURS}, default {DEFAULT_HOURS})",
    )  # fmt: skip
    add_document_filters(impact, "only these companies' documents and events (repeatable)")
    impact.add_argument("--event", type=int, metavar="N",
                        help="show the aspects of event N (numbered as listed)")  # fmt: skip
    impact.add_argument("--inherited", action="store_true",
                        help="count aspects comments inherit from their article too")  # fmt: skip
    impact.add_argument("--json", action="store_true", help="print every row as JSON")
    impact.set_defaults(func=run_impact)


def run_impact(args: argparse.Namespace) -> int:
    from minsim import aggregate
    from minsim.aggregate.impact import event_keys
    from minsim.cli_common import open_for_document_filters, terminal_safe

    engine = open_for_document_filters(args)
    flt = aggregate.Filters(companies=tuple(args.company), sources=tuple(args.source))
    events = aggregate.events_between(engine, flt)
    if args.event is not None and not 1 <= args.event <= len(events):
        raise UnknownChoice(f"no event {args.event}; the events are numbered 1 to {len(events)}")
    version = aggregate.latest_scorer_version(engine)
    keys = event_keys(events)
    chosen = keys if args.event is None else (keys[args.event - 1],)
    compared = aggregate.compare_sides(
        aggregate.before_after(
            engine, flt, chosen, hours=args.hours, version=version, inherited=args.inherited
        )
    )
    if args.json:
        shown = events if args.event is None else events.iloc[[args.event - 1]]
        first = args.event or 1
        # each event is read against its own company's documents, so is each cutoff
        cuts = aggregate.pruned_before_by_company(engine, flt, set(shown["company"]))
        records = _records(compared, shown, first, cuts, timedelta(hours=args.hours))
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    print(f"scorer version: {version or 'none'}; {args.hours} hours either side of each event")
    for note in _pruned_notes(engine, flt, chosen, timedelta(hours=args.hours)):
        print(terminal_safe(note))
    if events.empty:
        print("no events for these filters")
    elif args.event is None:
        _print_events(events, compared)
    else:
        _print_aspects(events.iloc[args.event - 1], args.event, compared, engine)
    return 0


def _number(value: float, fmt: str = "+.2f") -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else format(value, fmt)
    )


def _change(row: Any) -> str:
    """'+0.05 [+0.01, +0.09] better', '+0.30 too_few' or '- too_few'."""
    if math.isnan(row["change"]):
        return f"- {row['verdict']}"
    if math.isnan(row["low"]):
        return f"{row['change']:+.2f} {row['verdict']}"
    return f"{row['change']:+.2f} [{row['low']:+.2f}, {row['high']:+.2f}] {row['verdict']}"


def _sides(row: Any) -> str:
    return (
        f"before {row['n_before']:>5,} {_number(row['mean_before']):>5}  "
        f"after {row['n_after']:>5,} {_number(row['mean_after']):>5}"
    )


def _print_events(events: pd.DataFrame, compared: pd.DataFrame) -> None:
    from minsim.aggregate.impact import ALL_DOCUMENTS, KEY_COLUMNS
    from minsim.cli_common import terminal_safe
    from minsim.timefmt import format_kst

    overall = compared[compared["aspect"] == ALL_DOCUMENTS].set_index(KEY_COLUMNS)
    for number, event in enumerate(events.itertuples(), start=1):
        head = f"#{number:<3} {format_kst(event.at)}  {event.company:<8}"
        if (event.at, event.company) in overall.index:
            row = overall.loc[(event.at, event.company)]
            line = f"{head}  {_sides(row)}  {_change(row)}  {event.title}"
        else:
            line = f"{head}  no scored documents on either side  {event.title}"
        print(terminal_safe(line))


def _print_aspects(event: Any, number: int, compared: pd.DataFrame, engine: Any) -> None:
    from minsim import aggregate
    from minsim.aggregate.impact import ALL_DOCUMENTS, rows_of
    from minsim.cli_common import terminal_safe
    from minsim.timefmt import format_kst

    print(terminal_safe(f"#{number} {format_kst(event['at'])} {event['company']} {event['title']}"))
    if compared.empty:
        print("no scored documents on either side")
        return
    labels = aggregate.aspect_labels(engine)
    for row in rows_of(compared, event["at"], event["company"]).to_dict("records"):
        name = "all documents" if row["aspect"] == ALL_DOCUMENTS else row["aspect"]
        label = labels.get(row["aspect"], "")
        print(terminal_safe(f"  {name:<16} {_sides(row)}  {_change(row)}  {label}".rstrip()))


def _pruned_notes(
    engine: Any, flt: Any, chosen: Sequence[tuple[datetime, str]], span: timedelta
) -> list[str]:
    """What a prune took from the hours before the chosen events, per company (each event is
    read against its own company's documents): one line when every company's is the same,
    else one per company, named."""
    from dataclasses import replace

    from minsim.cli_common import pruned_note

    reach: dict[str, datetime] = {}
    for at, company in chosen:  # the earliest moment each company's hours before reach to
        reach[company] = min(reach.get(company, at), at)
    notes = {
        company: pruned_note(engine, replace(flt, companies=(company,)), at - span)
        for company, at in reach.items()
    }
    said = {note for note in notes.values() if note}
    if len(said) == 1 and all(notes.values()):
        return list(said)
    return [f"{company}: {note}" for company, note in notes.items() if note]


def _records(
    compared: pd.DataFrame,
    events: pd.DataFrame,
    first: int,
    cuts: dict[str, Any],
    span: timedelta,
) -> list[dict[str, Any]]:
    """Each event's compared rows with its number (counting from `first`), time (ISO, KST),
    company and title; NaN as null, so the output is valid JSON. `pruned_before` is the
    prune cutoff of the event's company (`cuts`: aggregate.Cut or None by company) when it
    falls after the hours before begin, so nothing before it was counted (ISO, KST), else
    null."""
    from minsim.aggregate.impact import rows_of
    from minsim.aggregate.sql import json_value
    from minsim.cli_common import reaches
    from minsim.timefmt import KST

    records = []
    for number, event in enumerate(events.to_dict("records"), start=first):
        cut = cuts.get(event["company"])
        reached = reaches(cut, event["at"] - span)
        pruned = cut.before.astimezone(KST).isoformat() if reached else None
        for row in rows_of(compared, event["at"], event["company"]).to_dict("records"):
            record = {"event": number, "at": event["at"].isoformat(),
                      "company": event["company"], "title": event["title"],
                      "pruned_before": pruned}  # fmt: skip
            for key, value in row.items():
                record.setdefault(key, json_value(value))
            records.append(record)
    return records
