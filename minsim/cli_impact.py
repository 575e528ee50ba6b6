"""`minsim impact`: opinion before and after each event, in the terminal or as JSON."""

from __future__ import annotations

import argparse
import json
import math
from datetime import timedelta
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
    from minsim.cli_common import open_for_document_filters, pruned_note, terminal_safe

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
        cut = aggregate.pruned_before(engine, flt)
        records = _records(compared, shown, first, cut, timedelta(hours=args.hours))
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    print(f"scorer version: {version or 'none'}; {args.hours} hours either side of each event")
    # the earliest moment a chosen event's hours before reach back to
    earliest = min((at for at, _ in chosen), default=None)
    reach = earliest - timedelta(hours=args.hours) if earliest is not None else None
    note = pruned_note(engine, flt, reach) if reach is not None else None
    if note:
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


def _records(
    compared: pd.DataFrame, events: pd.DataFrame, first: int, cut: Any, span: timedelta
) -> list[dict[str, Any]]:
    """Each event's compared rows with its number (counting from `first`), time (ISO, KST),
    company and title; NaN as null, so the output is valid JSON. `pruned_before` is the
    prune cutoff (aggregate.Cut or None) that falls after the hours before begin, so nothing
    before it was counted (ISO, KST), else null."""
    from minsim.aggregate.impact import rows_of
    from minsim.aggregate.sql import json_value
    from minsim.cli_common import cutoff_record

    records = []
    for number, event in enumerate(events.to_dict("records"), start=first):
        pruned = cutoff_record(cut, event["at"] - span)
        for row in rows_of(compared, event["at"], event["company"]).to_dict("records"):
            record = {"event": number, "at": event["at"].isoformat(),
                      "company": event["company"], "title": event["title"],
                      "pruned_before": pruned}  # fmt: skip
            for key, value in row.items():
                record.setdefault(key, json_value(value))
            records.append(record)
    return records
