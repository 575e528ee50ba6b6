"""The `youtube` kind: comment threads and replies of videos or a channel (YouTube Data API v3).

A thread's answer holds only some replies of a long thread; the rest come from comments.list with
the thread's id as `parentId` (SOURCES.md §4), up to `max_reply_pages` pages a thread and
`max_reply_calls` calls a run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from collectors import http
from collectors.base import CollectContext
from collectors.http import HttpClient, HttpStatusError
from collectors.payload import as_count, load_json, plain_text, require
from minsim.errors import CollectError, SchemaChanged
from minsim.models import RawItem
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

MAX_RESULTS = 100  # the API's largest page (SOURCES.md §4)
VIDEOS_PER_CALL = 50  # videos.list accepts at most 50 ids
WATCH_URL = "https://www.youtube.com/watch?v={}"
# comments.list answers 404 for a thread deleted since its commentThreads page was read.
HTTP_NOT_FOUND = 404


@dataclass(frozen=True)
class ThreadPage:
    comments: list[RawItem]
    video_ids: list[str]
    next_token: str | None
    # (thread id, video id, totalReplyCount) of threads whose answer left replies out
    partial_threads: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ReplyPage:
    replies: list[RawItem]
    next_token: str | None


def _api_error(data: object, where: str) -> None:
    if isinstance(data, Mapping) and isinstance(data.get("error"), Mapping):
        error = data["error"]
        raise CollectError(f"{where}: API error {error.get('code')}: {error.get('message', '')}")


def _comment(
    raw: object, source: str, where: str, parent: str | None = None, video_id: str | None = None
) -> RawItem:
    """One comment resource; a reply from comments.list may leave out its videoId, so the
    caller that knows the thread's video passes it."""
    comment = require(raw, ("id", "snippet"), where)
    needed = ("publishedAt",) if video_id else ("videoId", "publishedAt")
    snippet = require(comment["snippet"], needed, f"{where}.snippet")
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
        article_url=WATCH_URL.format(snippet.get("videoId") or video_id),
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
    partial: list[tuple[str, str, int]] = []
    for index, raw in enumerate(page["items"]):
        at = f"{where} items[{index}]"
        thread = require(raw, ("id", "snippet"), at)
        snippet = require(thread["snippet"], ("topLevelComment", "videoId"), f"{at}.snippet")
        top = _comment(snippet["topLevelComment"], source, f"{at}.topLevelComment")
        comments.append(top)
        video_ids.append(str(snippet["videoId"]))
        included = (thread.get("replies") or {}).get("comments") or []
        for n, reply in enumerate(included):
            comments.append(_comment(reply, source, f"{at}.replies[{n}]", top.external_id))
        reply_count = as_count(snippet.get("totalReplyCount")) or 0
        if reply_count > len(included):
            partial.append((str(thread["id"]), str(snippet["videoId"]), reply_count))
    total = (page.get("pageInfo") or {}).get("totalResults")
    if not page["items"] and isinstance(total, int) and total > 0:
        raise SchemaChanged(f"{where}: totalResults is {total} but items is empty")
    token = page.get("nextPageToken")
    return ThreadPage(comments, list(dict.fromkeys(video_ids)), token or None, partial)


def parse_replies(body: bytes, *, source: str, where: str, parent: str, video_id: str) -> ReplyPage:
    """One comments.list page of the replies to `parent`, a thread of `video_id`. Pure."""
    data = load_json(body, where)
    _api_error(data, where)
    page = require(data, ("items",), where)
    replies = [
        _comment(raw, source, f"{where} items[{n}]", parent, video_id)
        for n, raw in enumerate(page["items"])
    ]
    token = page.get("nextPageToken")
    return ReplyPage(replies, token or None)


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


class _Page(Protocol):
    @property
    def next_token(self) -> str | None: ...


P = TypeVar("P", bound=_Page)


def _paged(
    client: HttpClient,
    ctx: CollectContext,
    url: str,
    params: dict[str, Any],
    limit: int,
    capped: str,
    label: str,
    parse: Callable[[bytes, str], P],
) -> Iterator[P]:
    """Each page of a list paged by nextPageToken, up to `limit` pages (then counts `capped`);
    stops when the token ends or comes again (a server stuck on one page)."""
    token: str | None = None
    tokens: set[str] = set()
    for number in range(1, limit + 1):
        where = f"{label} page {number}"
        asked = {**params, "pageToken": token} if token else params
        response = client.get(url, params=asked, counters=ctx.counters)
        page = parse(response.content, where)
        yield page
        if page.next_token is None:
            return
        if page.next_token in tokens:
            ctx.counters.add("pages/repeated")
            log.warning("%s: nextPageToken repeats; stopping", where)
            return
        tokens.add(page.next_token)
        token = page.next_token
    ctx.counters.add(capped)


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
    seen: set[str] = set()
    params: dict[str, Any] = {
        **target,
        "part": "snippet,replies",
        "maxResults": MAX_RESULTS,
        "order": source.options["order"],
        "textFormat": "plainText",
        "key": key,
    }
    label = f"{source.name} {next(iter(target.values()))}"
    for page in _paged(
        client, ctx, f"{base}/commentThreads", params, source.options["max_pages"],
        "pages/capped", label,
        lambda body, where: parse_threads(body, source=source.name, where=where),
    ):  # fmt: skip
        ctx.counters.add("pages")
        found = list(page.comments)
        held = {c.external_id for c in found}
        for thread_id, video_id, reply_count in page.partial_threads:
            more = _replies(source, client, ctx, base, key, thread_id, video_id)
            if more is None:
                continue  # the thread is gone, and its replies with it
            got = {c.external_id for c in found if c.extra.get("reply_to") == thread_id}
            got.update(r.external_id for r in more)
            if reply_count > len(got):  # the budget, a cap or a repeating token stopped it
                ctx.counters.add("replies/left_out", reply_count - len(got))
            # the replies the thread's answer held come again: not a repeat of the server's
            found += [r for r in more if r.external_id not in held]
        for comment in found:
            if comment.external_id in seen:
                ctx.counters.add("skipped/repeated")
            else:
                seen.add(comment.external_id)
                comments.append(comment)
        video_ids.extend(v for v in page.video_ids if v not in video_ids)
    return comments, video_ids


def _replies(
    source: SourceSettings,
    client: HttpClient,
    ctx: CollectContext,
    base: str,
    key: str,
    thread_id: str,
    video_id: str,
) -> list[RawItem] | None:
    """The replies of a thread (those its answer held among them) through comments.list: at
    most max_reply_pages pages a thread and max_reply_calls calls a run, so a busy channel
    cannot spend the day's quota. None for a thread gone since (404, counted `replies/gone`)."""
    budget = int(source.options["max_reply_calls"]) - ctx.counters.get("pages/replies")
    limit = min(int(source.options["max_reply_pages"]), budget)
    if limit <= 0:
        return []
    params: dict[str, Any] = {
        "part": "snippet",
        "parentId": thread_id,
        "maxResults": MAX_RESULTS,
        "textFormat": "plainText",
        "key": key,
    }
    replies: list[RawItem] = []
    try:
        for page in _paged(
            client, ctx, f"{base}/comments", params, limit, "pages/replies_capped",
            f"{source.name} replies of {thread_id}",
            lambda body, where: parse_replies(
                body, source=source.name, where=where, parent=thread_id, video_id=video_id
            ),
        ):  # fmt: skip
            ctx.counters.add("pages/replies")
            replies.extend(page.replies)
    except HttpStatusError as exc:
        if exc.status != HTTP_NOT_FOUND:
            raise  # quota, key or server trouble: the run fails and says so
        ctx.counters.add("replies/gone")
        log.info("%s: replies of %s: %s", source.name, thread_id, exc)
        return None
    return replies


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
