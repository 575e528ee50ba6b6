"""The one registry of collector kinds and their options (read by settings, the CLI and tests)."""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from minsim.normalize import parse_datetime

if TYPE_CHECKING:
    from collectors.base import CollectContext
    from collectors.http import HttpClient
    from minsim.models import RawItem

CollectFn = Callable[[Any, "HttpClient", "CollectContext"], Iterator["RawItem"]]

NAVER_NEWS_ENDPOINT = "https://openapi.naver.com/v1/search/news.json"  # SOURCES.md §1
NAVER_CBOX_ENDPOINT = "https://apis.naver.com/commentBox/cbox/web_neo_list_jsonp.json"  # §2
YOUTUBE_ENDPOINT = "https://www.googleapis.com/youtube/v3"  # SOURCES.md §4
NAVER_MAX_DISPLAY = 100  # the news search API's largest page (SOURCES.md §1)
NAVER_MAX_START = 1000  # the news search API's deepest `start` (SOURCES.md §1)
# cbox pages: browsers ask for 20, scrapers for up to 100 (SOURCES.md §2); more is untested
CBOX_MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Rule:
    """What a string must look like beyond being a string: a test and the words that say so."""

    test: Callable[[str], bool]
    description: str


HTTP_SCHEMES = ("http", "https")
_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host: anything else could only fail (after retries) at
    collect time, and other schemes (file://) must never be fetched."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname) and value == value.strip()


def _is_not_blank(value: str) -> bool:
    return bool(value.strip())


def _is_env_name(value: str) -> bool:
    return _ENV_NAME_RE.fullmatch(value) is not None


def _is_time_or_empty(value: str) -> bool:
    """Empty, or a time the replay collector can read (it uses the same parser)."""
    return not value.strip() or parse_datetime(value) is not None


HTTP_URL = Rule(_is_http_url, "an absolute http:// or https:// URL")
NOT_BLANK = Rule(_is_not_blank, "a non-empty string")
ENV_NAME = Rule(_is_env_name, "an environment variable name (letters, digits and _)")
TIME_OR_EMPTY = Rule(
    _is_time_or_empty, 'empty or an ISO 8601 time such as "2022-10-15T15:00:00+09:00"'
)


@dataclass(frozen=True)
class Option:
    """One kind-specific key of a `[[sources]]` table: its type, whether required, its default,
    and what values it allows. Settings loading checks every value against this declaration, so
    a wrong value stops the program at start instead of failing (or doing nothing) each run.

    `minimum`/`maximum` bound numbers (inclusive), `above` is an exclusive lower bound (for
    fractional amounts such as hours), `choices` lists the allowed strings, `rule` checks a
    string, or each string of a list, and `min_items` is the shortest list allowed.
    """

    type: type | tuple[type, ...]
    required: bool = False
    default: object = None
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    choices: tuple[str, ...] = ()
    rule: Rule | None = None
    min_items: int = 0

    def expected(self) -> str:
        """What this option allows, in words: "a whole number from 1 to 100"."""
        types = self._types()
        if list in types:
            each = f", each {self.rule.description}" if self.rule else ""
            size = "a non-empty list" if self.min_items else "a list"
            return f"{size} of strings{each}"
        if bool in types:
            return "true or false"
        if int in types or float in types:
            return ("a whole number" if float not in types else "a number") + self._bounds_words()
        if self.choices:
            return "one of " + ", ".join(f'"{choice}"' for choice in self.choices)
        return self.rule.description if self.rule else "a string"

    def problems(self, key: str, value: object) -> list[str]:
        """What is wrong with `value` for `key`, one message per problem ([] when it is fine)."""
        if not self._fits(value):
            return [f"{key} must be {self.expected()} (got {value!r})"]
        if isinstance(value, list):
            return [
                f"{key}[{index}] must be {self.rule.description if self.rule else 'a string'} "
                f"(got {item!r})"
                for index, item in enumerate(value)
                if not isinstance(item, str) or (self.rule and not self.rule.test(item))
            ]
        return []

    def _types(self) -> tuple[type, ...]:
        return self.type if isinstance(self.type, tuple) else (self.type,)

    def _fits(self, value: object) -> bool:
        """The value has the right type and, as a whole, the allowed size, range or form."""
        types = self._types()
        if isinstance(value, bool) and bool not in types:
            return False  # TOML true is not a number
        if not isinstance(value, types):
            return False
        if isinstance(value, list):
            return len(value) >= self.min_items
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._in_range(value)
        if isinstance(value, str):
            if self.choices:
                return value in self.choices
            return self.rule.test(value) if self.rule else True
        return True

    def _in_range(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        if self.maximum is not None and value > self.maximum:
            return False
        return self.above is None or value > self.above

    def _bounds_words(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f" from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f" >= {self.minimum:g}"
        if self.maximum is not None:
            return f" <= {self.maximum:g}"
        if self.above is not None:
            return f" above {self.above:g}"
        return ""


@dataclass(frozen=True)
class CollectorKind:
    """A kind of source: its collect function, its options and a one-line description."""

    name: str
    collect: CollectFn
    options: Mapping[str, Option]
    doc: str
    # naver_comments scrapes an undocumented endpoint, so it stays off unless the user enables it
    default_enabled: bool = True


def _lazy(module: str) -> CollectFn:
    """A collect function imported on first call: settings validation must not pull in feedparser,
    trafilatura and friends just to read option names."""

    def collect(source: Any, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
        return importlib.import_module(module).collect(source, client, ctx)

    collect.__qualname__ = f"{module}.collect"
    return collect


RSS_OPTIONS: dict[str, Option] = {
    "url": Option(str, required=True, rule=HTTP_URL, doc="feed URL (RSS 2.0 or Atom)"),
    "keywords": Option(
        list, default=[], rule=NOT_BLANK, doc="keep entries whose title/summary has one"
    ),
    "companies": Option(
        list, default=[], rule=NOT_BLANK, doc="keep only entries naming one of these company ids"
    ),
    "full_text": Option(bool, default=False, doc="fetch each article page and extract its text"),
    "max_items": Option(int, default=200, minimum=1, doc="at most this many entries a run"),
}

NAVER_NEWS_OPTIONS: dict[str, Option] = {
    "query": Option(str, required=True, rule=NOT_BLANK, doc="search words (UTF-8)"),
    "client_id_env": Option(
        str, default="NAVER_CLIENT_ID", rule=ENV_NAME, doc="env var holding the client id"
    ),
    "client_secret_env": Option(
        str, default="NAVER_CLIENT_SECRET", rule=ENV_NAME, doc="env var holding the client secret"
    ),
    "endpoint": Option(
        str, default=NAVER_NEWS_ENDPOINT, rule=HTTP_URL, doc="API URL (tests use loopback)"
    ),
    "display": Option(
        int,
        default=NAVER_MAX_DISPLAY,
        minimum=1,
        maximum=NAVER_MAX_DISPLAY,
        doc="results a page, 1-100",
    ),
    "max_start": Option(
        int,
        default=NAVER_MAX_START,
        minimum=1,
        maximum=NAVER_MAX_START,
        doc="deepest `start` the API accepts, 1-1000",
    ),
}

NAVER_COMMENTS_OPTIONS: dict[str, Option] = {
    "article_urls": Option(
        list, default=[], rule=HTTP_URL, doc="extra Naver article URLs to follow"
    ),
    "from_stored": Option(bool, default=True, doc="also follow Naver articles already stored"),
    "endpoint": Option(str, default=NAVER_CBOX_ENDPOINT, rule=HTTP_URL, doc="cbox URL"),
    "template_id": Option(
        str, default="default_society", rule=NOT_BLANK, doc="cbox templateId (news section)"
    ),
    "sort": Option(
        str, default="NEW", choices=("NEW", "OLD", "FAVORITE"), doc="cbox sort: NEW, OLD, FAVORITE"
    ),
    "page_size": Option(
        int,
        default=CBOX_MAX_PAGE_SIZE,
        minimum=1,
        maximum=CBOX_MAX_PAGE_SIZE,
        doc="comments a page, 1-100",
    ),
    "max_pages": Option(
        int, default=20, minimum=1, doc="pages at most per article and per reply thread"
    ),
    "max_articles": Option(
        int, default=30, minimum=1, doc="articles at most per run (newest stored first)"
    ),
    "replies": Option(bool, default=True, doc="also fetch the replies of each comment"),
}

YOUTUBE_OPTIONS: dict[str, Option] = {
    "video_ids": Option(
        list, default=[], rule=NOT_BLANK, doc="video ids whose comment threads to fetch"
    ),
    "channel_id": Option(str, default="", doc="or a channel: threads of all its videos"),
    "api_key_env": Option(
        str, default="YOUTUBE_API_KEY", rule=ENV_NAME, doc="env var holding the API key"
    ),
    "endpoint": Option(str, default=YOUTUBE_ENDPOINT, rule=HTTP_URL, doc="API base URL"),
    "order": Option(str, default="time", choices=("time", "relevance"), doc="time or relevance"),
    "max_pages": Option(
        int, default=10, minimum=1, doc="pages of 100 threads at most per video or channel"
    ),
    "max_reply_pages": Option(
        int,
        default=5,
        minimum=0,
        doc="pages of 100 replies at most per thread whose answer left replies out (0: none)",
    ),
    "max_reply_calls": Option(
        int,
        default=50,
        minimum=0,
        doc="comments.list calls at most per run, over all threads (each costs a quota unit)",
    ),
}

# The file kind reads a local folder, never a URL: `folder` is its only place option.
FILE_OPTIONS: dict[str, Option] = {
    "folder": Option(
        str, required=True, rule=NOT_BLANK, doc="folder where CSV/JSONL files are dropped"
    ),
    "patterns": Option(
        list,
        default=["*.csv", "*.jsonl"],
        rule=NOT_BLANK,
        min_items=1,
        doc="file name patterns to import",
    ),
}

REPLAY_OPTIONS: dict[str, Option] = {
    "demo_dir": Option(str, default="", doc="folder of *.jsonl; empty = the scenario's demo/"),
    "hours_per_run": Option(
        (int, float), default=6.0, above=0, doc="simulated hours released by each run"
    ),
    "start": Option(
        str,
        default="",
        rule=TIME_OR_EMPTY,
        doc="simulated start (ISO 8601); empty = the oldest item",
    ),
}

_KIND_TABLE: tuple[tuple[str, Mapping[str, Option], str, bool], ...] = (
    ("rss", RSS_OPTIONS, "RSS or Atom feed", True),
    ("naver_news", NAVER_NEWS_OPTIONS, "Naver news search API", True),
    ("naver_comments", NAVER_COMMENTS_OPTIONS, "Naver news comments (undocumented cbox)", False),
    ("youtube", YOUTUBE_OPTIONS, "YouTube comment threads and replies", True),
    ("file", FILE_OPTIONS, "CSV/JSONL files dropped in a folder", True),
    ("replay", REPLAY_OPTIONS, "replays the demo corpus over simulated time", True),
)

KINDS: dict[str, CollectorKind] = {
    name: CollectorKind(name, _lazy(f"collectors.{name}"), options, doc, default_enabled=on)
    for name, options, doc, on in _KIND_TABLE
}


def get_kind(name: str) -> CollectorKind:
    """The kind called `name`; raises SettingsError listing the known kinds."""
    from minsim.errors import SettingsError

    try:
        return KINDS[name]
    except KeyError:
        raise SettingsError(
            f"unknown collector kind {name!r}; known kinds: {', '.join(sorted(KINDS))}"
        ) from None
