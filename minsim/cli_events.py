"""`minsim events`: list, add, change or remove the timeline's events as a crisis unfolds."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from minsim.cli_common import UnknownChoice, kst_moment
from minsim.timeline import event_key

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from minsim.scenario import Scenario
    from minsim.settings import Settings
    from minsim.timeline import StoredEvent

# An event this far before the oldest document, or after both the newest and today, is
# probably a typo (2202 for 2022): said, not refused, since a team may note a far date.
FAR_FROM_THE_DATA = timedelta(days=30)


def add_commands(commands: argparse._SubParsersAction) -> None:
    events = commands.add_parser(
        "events",
        help="list the timeline's events, add one as it happens, change or remove one",
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
        "events.toml lists is refused: take it out of that file, then run `minsim init`.",
    )
    _event_number(remove)
    remove.set_defaults(func=run_remove)

    edit = actions.add_parser(
        "edit",
        help="change event N's time, title or company (a mistyped time, a better title)",
        description="Change event N (numbered as `minsim events list` numbers it) in place "
        "and print the command that changes it back. It then counts as added by hand. An "
        "event the scenario's events.toml lists is refused: change it in that file, then run "
        "`minsim init`.",
    )
    _event_number(edit)
    edit.add_argument("--at", type=kst_moment, metavar="'YYYY-MM-DD HH:MM'",
                      help="its new time, in KST")  # fmt: skip
    edit.add_argument("--title", metavar="TITLE", help="its new title")
    edit.add_argument("--set-company", metavar="ID", help="its new company's id")
    edit.set_defaults(func=run_edit)


def _event_number(action: argparse.ArgumentParser) -> None:
    """N, and the --company that numbers the events as `minsim events list --company` does."""
    action.add_argument("number", type=int, metavar="N", help="the event's number as listed")
    action.add_argument(
        "--company",
        action="append",
        default=[],
        metavar="ID",
        help="number the events as `minsim events list --company` does",
    )


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
    from minsim import store
    from minsim.cli_common import one_line, restore_hint

    engine, event, scenario = _numbered_event(args, "take it out of that file")
    store.remove_event(engine, event.id)
    print(one_line(f"removed {_line(event)}"))
    print(one_line(f"To put it back: {restore_hint(event, [c.id for c in scenario.companies])}"))
    return 0


def run_edit(args: argparse.Namespace) -> int:
    from minsim import aggregate, store
    from minsim.cli_common import one_line
    from minsim.timeline import TimelineError, check_title

    if args.at is None and args.title is None and args.set_company is None:
        raise TimelineError("say what to change: --at, --title or --set-company")
    engine, event, scenario = _numbered_event(args, "change it in that file")
    at = event.at if args.at is None else args.at
    title = event.title if args.title is None else check_title(args.title)
    company = event.company if args.set_company is None else args.set_company
    known = [c.id for c in scenario.companies]
    if args.set_company is not None and company not in known:
        raise TimelineError(f"unknown company {company}; known: {', '.join(sorted(known))}")
    if (at, company, title) == event_key(event):
        raise TimelineError(f"event {args.number} already reads so; nothing to change")
    same = _find(aggregate.stored_events(engine), at, company, title)
    if same is not None:
        raise TimelineError(f"the timeline already holds this event as #{same.number}")
    store.edit_event(engine, event.id, at, company, title)
    # numbered as the user numbered it, while the event stays among the companies asked for
    numbering = args.company if company in args.company else []
    edited = next((e for e in aggregate.stored_events(engine, numbering) if e.id == event.id), None)
    if edited is None:  # removed again between the two statements
        raise TimelineError("the event was removed while it was being changed")
    print(one_line(f"changed {_line(event)}"))
    print(one_line(f"     to {_line(edited)}"))
    print(one_line(f"To change it back: {_change_back(event, edited, numbering, known)}"))
    far = _far_from_the_data(engine, edited) if args.at is not None else None
    if far:
        print(f"Note: {far}; check the time if that is a typo.")
    return 0


def _numbered_event(args: argparse.Namespace, instead: str) -> tuple[Engine, StoredEvent, Scenario]:
    """The database, event number `args.number` (numbered as `minsim events list
    --company` numbers it) and scenario; TimelineError, saying to `instead`, when the
    scenario's events.toml lists the event (it would put it back as it was)."""
    from minsim import aggregate, db
    from minsim.cli_common import check_known, one_line, open_existing_database
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
                f"put it back: {instead} and run `minsim init`"
            )
        )
    return engine, event, scenario


def _change_back(
    old: StoredEvent, new: StoredEvent, numbering: list[str], companies: list[str]
) -> str:
    """The `minsim events edit` that gives the edited event its old time, title and company,
    or why none can (a company the scenario dropped, a title stored before titles were
    checked)."""
    from minsim.cli_common import kst_moment_text, unrestorable

    # only what the edit changed has to be given back
    why = unrestorable(
        old, companies, company=new.company != old.company, title=new.title != old.title
    )
    if why:
        return f"it cannot be changed back{why}"
    words = ["minsim", "events", "edit", str(new.number)]
    words += [f"--company={company}" for company in numbering]
    if new.at != old.at:
        words.append(f"--at={kst_moment_text(old.at)}")
    if new.title != old.title:
        words.append(f"--title={old.title}")  # one word: a title such as -3% stays a value
    if new.company != old.company:
        words.append(f"--set-company={old.company}")
    return " ".join(shlex.quote(word) for word in words)


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
