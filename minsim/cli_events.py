"""`minsim events`: list the timeline's events, and add or remove events as a crisis unfolds."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from minsim.cli_common import UnknownChoice, kst_moment
from minsim.timeline import event_key

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from minsim.settings import Settings
    from minsim.timeline import StoredEvent

# An event this far before the oldest document, or after both the newest and today, is
# probably a typo (2202 for 2022): said, not refused, since a team may note a far date.
FAR_FROM_THE_DATA = timedelta(days=30)


def add_commands(commands: argparse._SubParsersAction) -> None:
    events = commands.add_parser(
        "events",
        help="list the timeline's events, add one as it happens, or remove one",
        description="The events drawn on the charts and compared on the Before/after page: "
        "those of the scenario's events.toml and those added with `minsim events add`.",
    )
    actions = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)

    listing = actions.add_parser(
        "list",
        help="the events in time order, numbered as `minsim impact` numbers them",
        description="The events in time order, numbered as `minsim impact` numbers them "
        "(for the same --company), with where each came from.",
    )
    listing.add_argument("--company", action="append", default=[], metavar="ID",
                         help="only these companies' events (repeatable)")  # fmt: skip
    shape = listing.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print the events as JSON")
    shape.add_argument(
        "--toml",
        action="store_true",
        help="print the events the scenario's events.toml does not hold and could take, as "
        "[[event]] tables to add to that file (what is left out is said on stderr)",
    )
    listing.set_defaults(func=run_list)

    add = actions.add_parser(
        "add",
        help="add an event to the timeline (no restart: the charts draw it once they reach "
        "its time)",
        description="Add an event to the timeline: the charts draw it and the Before/after "
        "page and `minsim impact` compare the hours either side of it.",
    )
    add.add_argument("at", type=kst_moment, metavar="'YYYY-MM-DD HH:MM'", help="when, in KST")
    add.add_argument("company", metavar="COMPANY", help="the company's id (`minsim status`)")
    add.add_argument("title", metavar="TITLE", help="what happened, as the charts label it")
    add.set_defaults(func=run_add)

    remove = actions.add_parser(
        "remove",
        help="take event N off the timeline, unless the scenario's events.toml lists it",
        description="Take event N (numbered as `minsim events list` numbers it) off the "
        "timeline and print the command that puts it back. An event the scenario's "
        "events.toml lists is taken out of that file instead, then `minsim init`.",
    )
    remove.add_argument("number", type=int, metavar="N", help="the event's number as listed")
    remove.add_argument(
        "--company",
        action="append",
        default=[],
        metavar="ID",
        help="number the events as `minsim events list --company` does",
    )
    remove.set_defaults(func=run_remove)


def run_list(args: argparse.Namespace) -> int:
    from minsim import aggregate
    from minsim.cli_common import check_known, one_line, open_existing_database
    from minsim.settings import load_settings
    from minsim.timeline import as_toml, origin_label

    settings = load_settings(args.config)
    engine = open_existing_database(settings)
    check_known("company", args.company, list(aggregate.company_names(engine)))
    events = aggregate.stored_events(engine, args.company)
    if args.json:
        print(json.dumps([_record(e) for e in events], ensure_ascii=False, indent=2))
        return 0
    if args.toml:
        print(as_toml(_for_the_file(events, settings)), end="")
        return 0
    if not events:
        print("no events" + (" of these companies" if args.company else ""))
    for event in events:
        print(one_line(f"{_line(event)}  ({origin_label(event.origin)})"))
    return 0


def run_add(args: argparse.Namespace) -> int:
    from minsim import aggregate, store
    from minsim.cli_common import one_line, open_with_scenario
    from minsim.settings import load_settings
    from minsim.timeline import TimelineError, check_title

    title = check_title(args.title)
    engine, scenario = open_with_scenario(load_settings(args.config))
    # the scenario's companies, not every company ever stored: an event of a company the file
    # dropped could not be written into its events.toml
    known = [c.id for c in scenario.companies]
    if args.company not in known:
        raise TimelineError(f"unknown company {args.company}; known: {', '.join(sorted(known))}")
    same = _find(aggregate.stored_events(engine), args.at, args.company, title)
    if same is not None:
        raise TimelineError(f"the timeline already holds this event as #{same.number}")
    store.add_event(engine, args.at, args.company, title)
    added = _find(aggregate.stored_events(engine), args.at, args.company, title)
    if added is None:  # removed again between the two statements
        raise TimelineError("the event was removed while it was being added")
    print(one_line(f"added {_line(added)}"))
    print(
        f"The charts draw it once they reach its time; `minsim impact --event {added.number}` "
        "compares the hours either side of it."
    )
    far = _far_from_the_data(engine, added)
    if far:
        print(f"Note: {far}; `minsim events remove {added.number}` takes it off if that is a typo.")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from minsim import aggregate, db, store
    from minsim.cli_common import check_known, one_line, open_existing_database, restore_hint
    from minsim.scenario import load_scenario
    from minsim.settings import load_settings
    from minsim.timeline import TimelineError

    settings = load_settings(args.config)
    # Numbered from the database as it is, exactly as `minsim events list` numbers it: storing
    # the scenario first could add or drop events and shift the numbers.
    engine = open_existing_database(settings)
    db.migrate(engine)
    check_known("company", args.company, list(aggregate.company_names(engine)))
    events = aggregate.stored_events(engine, args.company)
    if not 1 <= args.number <= len(events):
        raise UnknownChoice(
            f"no event {args.number}; the events are numbered 1 to {len(events)}"
            if events
            else f"no event {args.number}; there are no events"
        )
    event = events[args.number - 1]
    events_file = settings.scenario.path / "events.toml"
    scenario = load_scenario(settings.scenario.path)
    if event_key(event) in {event_key(e) for e in scenario.events}:
        raise TimelineError(
            one_line(
                f"event {args.number} ({event.title}) is listed in {events_file}, which would "
                "put it back: take it out of that file and run `minsim init`"
            )
        )
    store.remove_event(engine, event.id)
    print(one_line(f"removed {_line(event)}"))
    print(one_line(f"To put it back: {restore_hint(event, [c.id for c in scenario.companies])}"))
    return 0


def _for_the_file(events: list[StoredEvent], settings: Settings) -> list[StoredEvent]:
    """The events to append to the scenario's events.toml: those it does not hold, but for
    those it held and dropped (still this scenario's until `minsim init`), those of companies
    it does not define and titles it would refuse; what is left out is said on stderr."""
    from minsim.cli_common import one_line
    from minsim.scenario import load_scenario
    from minsim.timeline import TimelineError, check_title, scenario_origin

    scenario = load_scenario(settings.scenario.path)
    held = {event_key(e) for e in scenario.events}
    own, companies = scenario_origin(scenario.name), {c.id for c in scenario.companies}
    chosen = []
    for event in events:
        if event_key(event) in held:
            continue
        why = None
        if event.origin == own:
            why = "the file dropped it; `minsim init` takes it off the timeline"
        elif event.company not in companies:
            why = f"the scenario does not define {event.company}"
        else:
            try:
                check_title(event.title)
            except TimelineError as exc:
                why = str(exc)
        if why is None:
            chosen.append(event)
        else:
            print(one_line(f"left out #{event.number} ({event.title}): {why}"), file=sys.stderr)
    return chosen


def _far_from_the_data(engine: Engine, event: StoredEvent) -> str | None:
    """Why an event's time looks mistyped: far before the oldest document, or far after both
    the newest and now (a year typed 2202)."""
    from minsim import aggregate

    span = aggregate.time_span(engine)
    latest = max(datetime.now(UTC), span[1]) if span else datetime.now(UTC)
    if span and event.at < span[0] - FAR_FROM_THE_DATA:
        return f"it is {(span[0] - event.at).days} days before the oldest document"
    if event.at > latest + FAR_FROM_THE_DATA:
        return f"it is {(event.at - latest).days} days after the newest document and today"
    return None


def _find(events: list[StoredEvent], at: datetime, company: str, title: str) -> StoredEvent | None:
    return next((e for e in events if event_key(e) == (at, company, title)), None)


def _line(event: StoredEvent) -> str:
    from minsim.cli_common import kst_moment_text

    return f"#{event.number} {kst_moment_text(event.at)} KST  {event.company}  {event.title}"


def _record(event: StoredEvent) -> dict[str, object]:
    from minsim.timefmt import KST

    return {
        "number": event.number,
        "at": event.at.astimezone(KST).isoformat(),
        "company": event.company,
        "title": event.title,
        "origin": event.origin,
    }
