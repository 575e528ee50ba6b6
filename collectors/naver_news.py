"""The `naver_news` kind: the official Naver news search API, newest first, only what is new."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from collectors import http
from collectors.base import CollectContext
from collectors.http import HttpClient
from collectors.payload import load_json, plain_text, require
from minsim.errors import CollectError, SchemaChanged
from minsim.models import RawItem
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

ITEM_FIELDS = ("title", "link", "pubDate")
NAVER_ARTICLE_HOST = "news.naver.com"  # links on Naver's own viewer carry oid/aid for comments


@dataclass(frozen=True)
class NewsPage:
    total: int
    items: list[RawItem]


def published(item: RawItem) -> datetime | None:
    try:
        return parsedate_to_datetime(str(item.published_at))
    except (TypeError, ValueError, IndexError):
        return None


def parse_news(body: bytes, *, source: str, where: str) -> NewsPage:
    """One page of search results as articles. Pure."""
    data = load_json(body, where)
    if isinstance(data, dict) and "errorCode" in data:
        raise CollectError(
            f"{where}: API error {data.get('errorCode')}: {data.get('errorMessage', '')}"
        )
    page = require(data, ("items",), where)
    raw_items = page["items"]
    if not isinstance(raw_items, list):
        raise SchemaChanged(f"{where}: items is {type(raw_items).__name__}, not a list")
    items = []
    for index, raw in enumerate(raw_items):
        entry = require(raw, ITEM_FIELDS, f"{where} items[{index}]")
        link = str(entry["link"]).strip()
        original = str(entry.get("originallink") or "").strip()
        url = link if NAVER_ARTICLE_HOST in link or not original else original
        title = plain_text(entry["title"])
        items.append(
            RawItem(
                source=source,
                kind="article",
                external_id=url,
                url=url,
                title=title,
                text=plain_text(entry.get("description")) or title,
                published_at=str(entry["pubDate"]),
                extra={"originallink": original} if original and original != url else {},
            )
        )
    total = page.get("total")
    total = total if isinstance(total, int) else len(items)
    if total > 0 and not items and page.get("start", 1) == 1:
        raise SchemaChanged(f"{where}: total says {total} results but items is empty")
    return NewsPage(total, items)


def collect(source: SourceSettings, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
    options = source.options
    # settings loading has checked display and max_start against the API's limits (registry)
    display = int(options["display"])
    max_start = int(options["max_start"])
    client_id = ctx.secret(str(options["client_id_env"]))
    client_secret = ctx.secret(str(options["client_secret_env"]))
    http.add_secret(client_id)
    http.add_secret(client_secret)
    headers = {"X-Naver-Client-Id": client_id, "X-Naver-Client-Secret": client_secret}
    cursor = ctx.cursor_json()
    seen_at = _parse_iso(cursor.get("newest"))
    seen_links = set(cursor.get("links") or [])
    newest: datetime | None = None
    newest_links: set[str] = set()
    run_links: set[str] = set()
    start = 1
    while start <= max_start:
        where = f"{source.name} (start={start})"
        params = {"query": options["query"], "display": display, "start": start, "sort": "date"}
        response = client.get(
            options["endpoint"], params=params, headers=headers, counters=ctx.counters
        )
        page = parse_news(response.content, source=source.name, where=where)
        ctx.counters.add("pages")
        fresh = [i for i in page.items if i.url not in run_links]
        if page.items and not fresh:
            ctx.counters.add("pages/repeated")
            log.warning("%s: page repeats earlier results; stopping", where)
            break
        reached_old = False
        for item in fresh:
            run_links.add(item.url or "")
            when = published(item)
            if _already_seen(when, item.url, seen_at, seen_links):
                reached_old = True
                break
            if when is not None and (newest is None or when > newest):
                newest, newest_links = when, {item.url or ""}
            elif when is not None and when == newest:
                newest_links.add(item.url or "")
            yield item
        if reached_old or len(page.items) < display or start + display > page.total:
            break
        start += display
    else:
        ctx.counters.add("paging/limit_reached")
        log.warning("%s: more new results than the API pages through; poll more often", source.name)
    if newest is not None and (seen_at is None or newest >= seen_at):
        links = newest_links | (seen_links if newest == seen_at else set())
        ctx.set_cursor_json({"newest": newest.isoformat(), "links": sorted(links)})


def _already_seen(
    when: datetime | None, url: str | None, seen_at: datetime | None, seen_links: set[str]
) -> bool:
    """True for an item at or before the newest one a previous run stored (results come newest
    first, so everything after it was stored too)."""
    if when is None or seen_at is None:
        return False
    return when < seen_at or (when == seen_at and url in seen_links)


def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
