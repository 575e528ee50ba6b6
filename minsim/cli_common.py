"""Set-up shared by the CLI commands: an up-to-date database, the stored scenario, the scorer."""

from __future__ import annotations

import argparse
import logging
import re
import shlex
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minsim.errors import MinsimError, StoreError
from minsim.settings import MAX_BRIEF_HOURS

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from minsim.scenario import Scenario
    from minsim.settings import Settings

log = logging.getLogger(__name__)

# The database modules load when a command opens the database: `terminal_safe` is also used by
# commands that never touch it (explain).

# What a reader says when the database is not there yet: only `minsim init` (and the commands
# that store something) create or upgrade one.
INIT_HINT = "run `minsim init` first, or point --config or --database-url at an existing database"
# Characters a terminal acts on rather than shows: C0 controls except tab and newline, DEL, C1
# controls, and the bidirectional overrides and isolates that reorder what follows them. Text
# from outside (a comment, a feed's error page) must not move the cursor or recolour the screen.
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Code points up to this are escaped as \xHH, the others as \uHHHH (as Python writes them).
MAX_BYTE_ESCAPE = 0xFF
# What `kst_moment` reads: a minute, or a second with its fraction (an event's exact time).
KST_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
# The period of `minsim brief` and `minsim topics` without --day: the last day, and at most a
# month (as a scheduled brief's).
DEFAULT_HOURS = 24
MAX_HOURS = MAX_BRIEF_HOURS


class PeriodError(MinsimError):
    """Period options that do not go together."""


class OutputFileError(MinsimError):
    """A command could not write the file its -o named."""


def write_output(path: str | Path, text: str, *, private: bool = False) -> None:
    """Write a command's -o FILE whole (minsim.files): a failed write leaves the file as it
    was; `private` files (comment text) are readable by their owner only."""
    from minsim.files import write_whole

    try:
        write_whole(Path(path), text, private=private)
    except OSError as exc:
        raise OutputFileError(f"cannot write {path}: {exc.strerror}") from None


class UnknownChoice(MinsimError):
    """A company, source or event number the database does not hold."""


def check_known(kind: str, given: list[str], known: list[str]) -> None:
    """Refuse values the database does not hold, naming them and the ones it does."""
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise UnknownChoice(
            f"unknown {kind} {', '.join(unknown)}; known: {', '.join(sorted(known)) or 'none'}"
        )


def whole_numbers(unit: str, high: int) -> Callable[[str], int]:
    """An argparse type for a whole number of `unit` from 1 to `high`, refusing anything else
    with the range in the message."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = 0
        if not 1 <= number <= high:
            raise argparse.ArgumentTypeError(
                f"expected whole {unit} from 1 to {high}, not {text!r}"
            )
        return number

    return parse


def add_document_filters(command: argparse.ArgumentParser, companies_help: str) -> None:
    """The repeatable --company and --source options of the commands that read documents."""
    command.add_argument("--company", action="append", default=[], metavar="ID",
                         help=companies_help)  # fmt: skip
    command.add_argument("--source", action="append", default=[], metavar="NAME",
                         help="only documents of these sources (repeatable)")  # fmt: skip


def add_period_options(command: argparse.ArgumentParser) -> None:
    """--day, or --hours up to --until: the period a command reads (see `period_asked`)."""
    when = command.add_mutually_exclusive_group()
    when.add_argument("--day", type=calendar_day, metavar="YYYY-MM-DD",
                      help="a KST calendar day")  # fmt: skip
    when.add_argument("--hours", type=whole_numbers("hours", MAX_HOURS), metavar="N",
                      help=f"the last N hours (default {DEFAULT_HOURS})")  # fmt: skip
    command.add_argument("--until", type=kst_moment, metavar="'YYYY-MM-DD HH:MM'",
                         help="where the last --hours end, in KST (default: the end of the "
                         "newest document's hour); a scheduled brief's time, say")  # fmt: skip


def kst_moment(text: str) -> datetime:
    """'2022-10-20 08:00' (or 2022-10-20T08:00, and seconds with their fraction where they
    matter: 08:00:30.5) as an aware KST moment."""
    from minsim.timefmt import KST

    written = text.strip().replace("T", " ")
    try:
        if not KST_MOMENT.fullmatch(written):
            raise ValueError(written)
        moment = datetime.fromisoformat(written)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a KST time as 'YYYY-MM-DD HH:MM', not {text!r}"
        ) from None
    return moment.replace(tzinfo=KST)


def kst_moment_text(moment: datetime) -> str:
    """A moment as `kst_moment` reads it back: to the minute, or with its seconds."""
    from minsim.timefmt import KST

    local = moment.astimezone(KST).replace(tzinfo=None)
    if not local.second and not local.microsecond:
        return f"{local:%Y-%m-%d %H:%M}"
    return local.isoformat(sep=" ")


def restore_hint(event: Any, companies: Sequence[str]) -> str:
    """The `minsim events add` that puts a removed event back exactly, or why none can."""
    why = unrestorable(event, companies)
    if why:
        return f"it cannot be added back{why}"
    # `--` first: a title such as -3% must not read as an option
    words = ["minsim", "events", "add", "--", kst_moment_text(event.at), event.company, event.title]
    return " ".join(shlex.quote(word) for word in words)


def unrestorable(
    event: Any, companies: Sequence[str], *, company: bool = True, title: bool = True
) -> str | None:
    """Why a command cannot give an event back its `company` and `title` (': the scenario no
    longer defines X', ' as it was: <what the title holds>'), or None when one can."""
    from minsim.timeline import TimelineError, check_title

    if company and event.company not in companies:
        return f": the scenario no longer defines {event.company}"
    if title:
        try:
            check_title(event.title)
        except TimelineError as exc:
            return f" as it was: {exc}"
    return None


def calendar_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


def period_asked(
    args: argparse.Namespace, span: tuple[datetime, datetime] | None
) -> tuple[datetime, datetime]:
    """[start, end) in KST: the --day asked for, or the last --hours up to --until or else the
    end of the newest document's hour (of the current hour when there are no documents)."""
    from minsim.timefmt import KST

    until = getattr(args, "until", None)
    if args.day is not None and until is not None:
        raise PeriodError("--until ends the last --hours; a --day has its own end")
    if until is not None:
        return until - timedelta(hours=args.hours or DEFAULT_HOURS), until
    if args.day is not None:
        start = datetime(args.day.year, args.day.month, args.day.day, tzinfo=KST)
        return start, start + timedelta(days=1)
    # A document dated in the future (a feed's wrong clock) must not make the period a day
    # to come.
    newest = min(span[1], datetime.now(KST)) if span else datetime.now(KST)
    end = newest.astimezone(KST).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return end - timedelta(hours=args.hours or DEFAULT_HOURS), end


def open_for_document_filters(args: argparse.Namespace) -> Engine:
    """The existing database, once the command's --company and --source values are known to it
    (UnknownChoice otherwise)."""
    from minsim import aggregate
    from minsim.settings import load_settings

    engine = open_existing_database(load_settings(args.config))
    check_known("company", args.company, list(aggregate.company_names(engine)))
    check_known("source", args.source, aggregate.source_names(engine))
    return engine


def open_database(settings: Settings, *, create: bool = True) -> Engine:
    """An engine on the configured database, migrated to the current schema (created if new,
    unless not `create`: then a missing one raises DatabaseMissing saying to run init)."""
    from minsim import db

    try:
        engine = db.engine_for(settings, create=create)
    except db.DatabaseMissing as exc:
        raise db.DatabaseMissing(f"{exc}; {INIT_HINT}") from exc
    db.migrate(engine)
    return engine


def open_existing_database(settings: Settings) -> Engine:
    """An engine on a database `minsim init` already made: readers never create or migrate one.

    Raises StoreError naming the file (or masked URL) and what to run when it is missing or
    behind the current schema.
    """
    from minsim import db
    from minsim.settings import mask_url

    try:
        engine = db.engine_for(settings, create=False)
    except db.DatabaseMissing as exc:
        raise db.DatabaseMissing(f"{exc}; {INIT_HINT}") from exc
    current, wanted = db.schema_version(engine), db.READERS_NEED
    if current < wanted:
        engine.dispose()
        where = mask_url(settings.database.url)
        raise StoreError(
            f"database {where} is at schema version {current}, this minsim needs {wanted}; "
            f"{INIT_HINT}"
        )
    return engine


def open_with_scenario(settings: Settings) -> tuple[Engine, Scenario]:
    """The migrated database with the scenario's companies, aspects and events stored."""
    from minsim import store
    from minsim.scenario import load_scenario

    engine = open_database(settings)
    scenario = load_scenario(settings.scenario.path)
    left = store.save_scenario(engine, scenario)
    if left:
        log.warning("%s", events_left_out_note(left, scenario, removed=False))
    return engine, scenario


def events_left_out_note(events: list[Any], scenario: Scenario, *, removed: bool) -> str:
    """What storing the scenario found of the events stored from its events.toml that the file
    no longer lists (retitled, moved or taken out): taken off the timeline (`minsim init`, which
    says how to put each back) or left for `minsim init` to take off."""
    from minsim.timefmt import format_kst

    path = scenario.path / "events.toml"
    if removed:
        lines = [f"removed {len(events)} event(s) that {path} no longer lists:"]
        companies = [c.id for c in scenario.companies]
        for event in events:
            again = restore_hint(event, companies)
            lines.append(f"  {format_kst(event.at)} {event.company} {event.title} ({again})")
    else:
        lines = [
            f"{path} no longer lists {len(events)} event(s) stored from it; `minsim init` takes "
            "them off the timeline:"
        ]
        lines += [f"  {format_kst(e.at)} {e.company} {e.title}" for e in events]
    return "\n".join(one_line(line) for line in lines)


def pruned_note(engine: Engine, flt: Any, looks_back_to: datetime | None) -> str | None:
    """A line saying what a prune removed, when a comparison reaching back to `looks_back_to`
    (None: to the start of the data) would pass its cutoff: nothing before it is compared or,
    when the filters also read sources never pruned, the pruned ones are missing there. None
    when it would not."""
    from minsim import aggregate
    from minsim.timefmt import format_kst

    cut, partly = aggregate.prune_cuts(engine, flt)
    if aggregate.reaches(cut, looks_back_to):
        return f"{_removed(cut)}: comparisons count only what came after it"
    if not aggregate.reaches(partly, looks_back_to):
        return None
    names, cutoff = ", ".join(partly.sources), format_kst(partly.before)
    only = " ".join(f"--source {name}" for name in partly.sources)
    return (
        f"{_removed(partly)}; other sources read here were never pruned, so before {cutoff} "
        f"comparisons miss the documents of {names} ({only} alone compares only after it)"
    )


def cutoff_record(cut: Any, looks_back_to: datetime) -> str | None:
    """The prune cutoff a comparison reaching back to `looks_back_to` passes, as JSON gives
    it (ISO, KST), or None."""
    from minsim.aggregate import reaches
    from minsim.timefmt import KST

    return cut.before.astimezone(KST).isoformat() if reaches(cut, looks_back_to) else None


def _removed(cut: Any) -> str:
    from minsim.timefmt import format_kst

    whose = f"of {', '.join(cut.sources)} " if cut.sources else ""
    return (
        f"documents {whose}published before {format_kst(cut.before)} were removed by minsim "
        f"prune on {format_kst(cut.pruned_at)}"
    )


def one_line(text: str) -> str:
    """`text` shown safely on one line: `terminal_safe`, and its line breaks as `\\n`."""
    return terminal_safe(text).replace("\n", "\\n")


def scorer_for(settings: Settings) -> Any:
    """The sentiment scorer (imported late: loading Kiwi costs seconds and ~0.5 GB)."""
    from minsim.cli_scorer import scorer_from_settings

    return scorer_from_settings(settings)


def terminal_safe(text: str) -> str:
    """`text` with every character a terminal would act on shown as an escape (`\\x1b`,
    `\\u202e`); tabs and newlines stay."""
    return TERMINAL_UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= MAX_BYTE_ESCAPE else f"\\u{code:04x}"


def plural(count: int, one: str, many: str) -> str:
    """`1 entry`, `2 entries`: a count with the noun that fits it."""
    return f"{count:,} {one if count == 1 else many}"
