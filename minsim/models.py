"""Plain dataclasses that travel between collectors, normalize, the store and the scorer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Kind = Literal["article", "comment"]
KINDS: tuple[str, ...] = ("article", "comment")


@dataclass(frozen=True)
class RawItem:
    """One item as a collector or an import file produced it, before any cleaning.

    `author` is the raw nickname or user id; normalize replaces it with a salted hash and the raw
    value is never stored. `published_at` may be a datetime (aware or naive KST) or an ISO 8601 /
    RFC 822 string; normalize parses it.
    """

    source: str
    kind: str
    external_id: str
    text: str
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: datetime | str | None = None
    article_url: str | None = None  # a comment's article (its URL), used to link parent_id
    likes: int | None = None
    dislikes: int | None = None
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """A cleaned, storable article or comment (one row of `documents`)."""

    doc_id: str
    kind: str
    source: str
    external_id: str
    parent_id: str | None
    url: str | None
    title: str | None
    text: str
    author_hash: str | None
    published_at: datetime  # aware, UTC
    collected_at: datetime  # aware, UTC
    likes: int | None
    dislikes: int | None
    content_hash: str


@dataclass(frozen=True)
class Drop:
    """An item normalize refused, with the reason counted as `dropped/<reason>` in the run."""

    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Company:
    """A company of the scenario and the surface forms that name it."""

    id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """A dated milestone drawn on the trend charts."""

    at: datetime  # aware, UTC
    company: str
    title: str


@dataclass
class RunCounters:
    """Counters of one collection run, stored as JSON in `runs.counters`."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def get(self, key: str) -> int:
        return self.counts.get(key, 0)
