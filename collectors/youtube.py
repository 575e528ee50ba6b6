"""The `youtube` kind: comment threads and replies of videos or a channel (YouTube Data API v3)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors import http
from collectors.base import CollectContext
from collectors.http import HttpClient
from collectors.payload import as_count, load_json, plain_text, require
from minsim.errors import CollectError, SchemaChanged
from minsim.models import RawItem
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

MAX_RESULTS = 100  # the API's largest page (SOURCES.md §4)
VIDEOS_PER_CALL = 50  # videos.list accepts at most 50 ids
WATCH_URL = "https://www.youtube.com/watch?v={}"


@dataclass(frozen=True)
class ThreadPage:
    comments: list[RawItem]
    video_ids: list[str]
    next_token: str | None


def _api_error(data: object, where: str) -> None:
    if isinstance(data, Mapping) and isinstance(data.get("error"), Mapping):
        error = data["error"]
        raise CollectError(f"{where}: API error {error.get('code')}: {error.get('message', '')}")


def _comment(raw: object, source: str, where: str, parent: str | None = None) -> RawItem:
    comment = require(raw, ("id", "snippet"), where)
    snippet = require(comment["snippet"], ("videoId", "publishedAt"), f"{where}.snippet")
    text = snippet.get("textOriginal") or plain_text(snippet.get("textDisplay"))
    if "textOriginal" not in snippet and "textDisplay" not in snippet:
        raise SchemaChanged(f"{where}.snippet: neither textOriginal nor textDisplay is present")
    channel = snippet.get("authorChannelId")
    author = channel.get("value") if isinstance(channel, Mapping) else None
    return RawItem(
        source=source,
        kind="comment",
        external_id=str(comment["id"]),
        text=str(text or ""),
        author=author or snippet.get("authorDisplayName"),
        published_at=str(snippet["publishedAt"]),
        article_url=WATCH_URL.format(snippet["videoId"]),
        likes=as_count(snippet.get("likeCount")),
        extra={"reply_to": parent} if parent else {},
    )


def parse_threads(body: bytes, *, source: str, where: str) -> ThreadPage:
    """One commentThreads.list page: top-level comments and the replies it includes. Pure."""
    data = load_json(body, where)
    _api_error(data, where)
    page = require(data, ("items",), where)
    comments: list[RawItem] = []
    video_ids: list[str] = []
    for index, raw in enumerate(page["items"]):
        at = f"{where} items[{index}]"
        thread = require(raw, ("id", "snippet"), at)
        snippet = require(thread["snippet"], ("topLevelComment", "videoId"), f"{at}.snippet")
        top = _comment(snippet["topLevelComment"], source, f"{at}.topLevelComment")
        comments.append(top)
        video_ids.append(str(snippet["videoId"]))
        replies = thread.get("replies") or {}
        for n, reply in enumerate(replies.get("comments") or []):
            comments.append(_comment(reply, source, f"{at}.replies[{n}]", top.external_id))
    total = (page.get("pageInfo") or {}).get("totalResults")
    if not page["items"] and isinstance(total, int) and total > 0:
        raise SchemaChanged(f"{where}: totalResults is {total} but items is empty")
    token = page.get("nextPageToken")
    return ThreadPage(comments, list(dict.fromkeys(video_ids)), token if token else None)


def parse_videos(body: bytes, *, source: str, where: str) -> list[RawItem]:
    """videos.list: each video as the article its comments belong to. Pure."""
    data = load_json(body, where)
    _api_error(data, where)
    items = []
    for index, raw in enumerate(require(data, ("items",), where)["items"]):
        video = require(raw, ("id", "snippet"), f"{where} items[{index}]")
        snippet = require(video["snippet"], ("title", "publishedAt"), f"{where} items[{index}]")
        url = WATCH_URL.format(video["id"])
        items.append(
            RawItem(
                source=source,
                kind="article",
                external_id=url,
                url=url,
                title=str(snippet["title"]),
                text=str(snippet.get("description") or snippet["title"]),
                published_at=str(snippet["publishedAt"]),
                extra={"channel": snippet.get("channelTitle")},
            )
        )
    return items


def collect(source: SourceSettings, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
    """Per video (or the channel): the threads first, then the videos as articles, then the
    comments, so that comments find their article stored and inherit its companies."""
    options = source.options
    key = ctx.secret(str(options["api_key_env"]))
    http.add_secret(key)
    targets: list[tuple[str, str]] = [("videoId", str(v)) for v in options["video_ids"]]
    if options["channel_id"]:
        targets.append(("allThreadsRelatedToChannelId", str(options["channel_id"])))
    if not targets:
        raise CollectError(f"{source.name}: set video_ids or channel_id")
    base = str(options["endpoint"]).rstrip("/")
    for name, value in targets:
        comments, video_ids = _threads(source, client, ctx, base, key, {name: value})
        yield from _videos(source, client, ctx, base, key, video_ids)
        yield from comments


def _threads(
    source: SourceSettings,
    client: HttpClient,
    ctx: CollectContext,
    base: str,
    key: str,
    target: dict[str, str],
) -> tuple[list[RawItem], list[str]]:
    comments: list[RawItem] = []
    video_ids: list[str] = []
    token: str | None = None
    tokens: set[str] = set()
    seen: set[str] = set()
    for _ in range(source.options["max_pages"]):
        params: dict[str, Any] = {
            **target,
            "part": "snippet,replies",
            "maxResults": MAX_RESULTS,
            "order": source.options["order"],
            "textFormat": "plainText",
            "key": key,
        }
        if token:
            params["pageToken"] = token
        where = f"{source.name} {next(iter(target.values()))} page {len(tokens) + 1}"
        response = client.get(f"{base}/commentThreads", params=params, counters=ctx.counters)
        page = parse_threads(response.content, source=source.name, where=where)
        ctx.counters.add("pages")
        fresh = [c for c in page.comments if c.external_id not in seen]
        seen.update(c.external_id for c in fresh)
        ctx.counters.add("skipped/repeated", len(page.comments) - len(fresh))
        comments.extend(fresh)
        video_ids.extend(v for v in page.video_ids if v not in video_ids)
        if page.next_token is None:
            return comments, video_ids
        if page.next_token in tokens:
            ctx.counters.add("pages/repeated")
            log.warning("%s: nextPageToken repeats; stopping", where)
            return comments, video_ids
        tokens.add(page.next_token)
        token = page.next_token
    ctx.counters.add("pages/capped")
    return comments, video_ids


def _videos(
    source: SourceSettings,
    client: HttpClient,
    ctx: CollectContext,
    base: str,
    key: str,
    video_ids: list[str],
) -> Iterator[RawItem]:
    for start in range(0, len(video_ids), VIDEOS_PER_CALL):
        chunk = video_ids[start : start + VIDEOS_PER_CALL]
        params = {"part": "snippet", "id": ",".join(chunk), "key": key}
        response = client.get(f"{base}/videos", params=params, counters=ctx.counters)
        yield from parse_videos(response.content, source=source.name, where=f"{source.name} videos")
