"""The one registry of collector kinds and their options (read by settings, the CLI and tests)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collectors.base import CollectContext
    from collectors.http import HttpClient
    from minsim.models import RawItem

CollectFn = Callable[[Any, "HttpClient", "CollectContext"], Iterator["RawItem"]]

NAVER_NEWS_ENDPOINT = "https://openapi.naver.com/v1/search/news.json"  # SOURCES.md §1
NAVER_CBOX_ENDPOINT = "https://apis.naver.com/commentBox/cbox/web_neo_list_jsonp.json"  # §2
YOUTUBE_ENDPOINT = "https://www.googleapis.com/youtube/v3"  # SOURCES.md §4


@dataclass(frozen=True)
class Option:
    """One kind-specific key of a `[[sources]]` table: its type, whether required, its default."""

    type: type | tuple[type, ...]
    required: bool = False
    default: object = None
    doc: str = ""


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
    "url": Option(str, required=True, doc="feed URL (RSS 2.0 or Atom)"),
    "keywords": Option(list, default=[], doc="keep entries whose title/summary has one"),
    "companies": Option(list, default=[], doc="keep only entries naming one of these company ids"),
    "full_text": Option(bool, default=False, doc="fetch each article page and extract its text"),
    "max_items": Option(int, default=200, doc="at most this many entries a run"),
}

NAVER_NEWS_OPTIONS: dict[str, Option] = {
    "query": Option(str, required=True, doc="search words (UTF-8)"),
    "client_id_env": Option(str, default="NAVER_CLIENT_ID", doc="env var holding the client id"),
    "client_secret_env": Option(
        str, default="NAVER_CLIENT_SECRET", doc="env var holding the client secret"
    ),
    "endpoint": Option(str, default=NAVER_NEWS_ENDPOINT, doc="API URL (tests use loopback)"),
    "display": Option(int, default=100, doc="results a page, 1-100"),
    "max_start": Option(int, default=1000, doc="deepest `start` the API accepts, 1-1000"),
}

NAVER_COMMENTS_OPTIONS: dict[str, Option] = {
    "article_urls": Option(list, default=[], doc="extra Naver article URLs to follow"),
    "from_stored": Option(bool, default=True, doc="also follow Naver articles already stored"),
    "endpoint": Option(str, default=NAVER_CBOX_ENDPOINT, doc="cbox URL"),
    "template_id": Option(str, default="default_society", doc="cbox templateId (news section)"),
    "sort": Option(str, default="NEW", doc="cbox sort: NEW, OLD, FAVORITE"),
    "page_size": Option(int, default=100, doc="comments a page"),
    "max_pages": Option(int, default=20, doc="pages at most per article and per reply thread"),
    "max_articles": Option(int, default=30, doc="articles at most per run (newest stored first)"),
    "replies": Option(bool, default=True, doc="also fetch the replies of each comment"),
}

YOUTUBE_OPTIONS: dict[str, Option] = {
    "video_ids": Option(list, default=[], doc="video ids whose comment threads to fetch"),
    "channel_id": Option(str, default="", doc="or a channel: threads of all its videos"),
    "api_key_env": Option(str, default="YOUTUBE_API_KEY", doc="env var holding the API key"),
    "endpoint": Option(str, default=YOUTUBE_ENDPOINT, doc="API base URL"),
    "order": Option(str, default="time", doc="time or relevance"),
    "max_pages": Option(int, default=10, doc="pages of 100 threads at most per video or channel"),
}

FILE_OPTIONS: dict[str, Option] = {
    "folder": Option(str, required=True, doc="folder where CSV/JSONL files are dropped"),
    "patterns": Option(list, default=["*.csv", "*.jsonl"], doc="file name patterns to import"),
}

REPLAY_OPTIONS: dict[str, Option] = {
    "demo_dir": Option(str, default="", doc="folder of *.jsonl; empty = the scenario's demo/"),
    "hours_per_run": Option((int, float), default=6.0, doc="simulated hours released by each run"),
    "start": Option(str, default="", doc="simulated start (ISO 8601); empty = the oldest item"),
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
