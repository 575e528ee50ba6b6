"""The timeline's events as minsim keeps them: where each came from, what a title may hold, and
the events written back out as `events.toml` tables."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from minsim.errors import MinsimError
from minsim.timefmt import KST

# events.origin of an event added with `minsim events add`.
ADDED = "added"
# events.origin of a scenario's events is this prefix and the scenario's name.
SCENARIO_PREFIX = "scenario:"
# A title is a chart annotation and a line of a brief, not an article.
MAX_TITLE_CHARS = 200
# A title is one line of plain text: control and format characters (direction overrides,
# zero-width spaces, soft hyphens), line or paragraph separators, lone surrogates (bytes of an
# argument that were not UTF-8) and unassigned code points are refused, since they make a title
# read differently from what it is or look like another one. The zero-width joiner that holds
# an emoji together is kept.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})
EMOJI_JOINER = "\u200d"
# Letters and marks that show as blank space (the Hangul fillers among them): a title of these
# looks empty, and one holding them looks like a title without them.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u034f\u2800")
# TOML basic strings take every character but the C0 controls (tab aside) and DEL; JSON, which
# writes the rest as TOML does, leaves DEL as it is.
TOML_DEL = ("\x7f", "\\u007f")


class TimelineError(MinsimError):
    """An event that cannot be added or removed; the message says why."""


@dataclass(frozen=True)
class StoredEvent:
    """One event of the timeline, numbered in time order as `minsim impact` numbers it."""

    number: int
    id: int
    at: datetime  # aware UTC
    company: str
    title: str
    origin: str | None  # None: stored before minsim recorded where events come from

    @property
    def from_scenario(self) -> bool:
        return self.origin is not None and self.origin.startswith(SCENARIO_PREFIX)


class DatedEvent(Protocol):
    at: datetime
    company: str
    title: str


def event_key(event: DatedEvent) -> tuple[datetime, str, str]:
    """What makes an event the same event (the events table's unique key): time, company and
    title; for a file's Event, a StoredEvent or a row alike."""
    return (event.at, event.company, event.title)


def scenario_origin(name: str) -> str:
    """events.origin of the events of the scenario called `name`."""
    return SCENARIO_PREFIX + name


def origin_label(origin: str | None) -> str:
    """Where an event came from, in a word or three."""
    if origin is None:
        return "stored earlier"
    if origin == ADDED:
        return "added"
    return f"events.toml of {origin.removeprefix(SCENARIO_PREFIX)}"


def check_title(title: str) -> str:
    """The title as stored (spaces at either end dropped); TimelineError when it is empty, too
    long, or holds an invisible character (see REFUSED_CATEGORIES)."""
    title = title.strip()
    if not title:
        raise TimelineError("the event's title is empty")
    if len(title) > MAX_TITLE_CHARS:
        raise TimelineError(
            f"the event's title is {len(title)} characters long; at most {MAX_TITLE_CHARS}"
        )
    for position, char in enumerate(title, 1):
        refused = unicodedata.category(char) in REFUSED_CATEGORIES and char != EMOJI_JOINER
        if refused or char in BLANK_LOOKING:
            raise TimelineError(
                f"the event's title holds the invisible character U+{ord(char):04X} at "
                f"position {position}; write it without one"
            )
    return title


def toml_string(text: str) -> str:
    """`text` as a TOML basic string."""
    return json.dumps(text, ensure_ascii=False).replace(*TOML_DEL)


def as_toml(events: Iterable[StoredEvent]) -> str:
    """`[[event]]` tables for a scenario's events.toml, times in KST as the shipped file has
    them."""
    tables = []
    for event in events:
        at = event.at.astimezone(KST).isoformat()  # seconds, and fractions when there are
        tables.append(
            f"[[event]]\nat = {toml_string(at)}\ncompany = {toml_string(event.company)}\n"
            f"title = {toml_string(event.title)}\n"
        )
    return "\n".join(tables)
