"""The `naver_comments` kind: comments and replies of Naver news articles (undocumented cbox).

Off unless enabled: the endpoint is unofficial and Naver's terms ban automated collection
(SOURCES.md §2, §8), so volume stays low (few articles a run, the per-host delay, a page cap).

Cursor: with `sort = "NEW"` (newest first) the cursor keeps, per article followed in the last run,
the newest top-level comment seen, and paging stops after the first page that reaches a comment at
or before it (`pages/stopped_at_cursor`). An article's mark moves only once all its pages (and
reply threads) were read, so a failed run repeats rather than skips. With `OLD` or `FAVORITE`, or
when cbox answers in another order, every run pages from page 1 up to `max_pages` as it always did.
Replies are not cut by the cursor (they arrive on old comments too), but only the threads of the
comments on the pages read are fetched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from collectors.base import CollectContext
from collectors.http import HttpClient
from collectors.payload import as_count, load_json, require, strip_jsonp
from minsim.errors import CollectError, SchemaChanged
from minsim.models import RawItem
from minsim.normalize import parse_datetime
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

# n.news.naver.com/mnews/article/001/0013515001, also m.news / news.naver.com/article/...
_PATH_RE = re.compile(r"/(?:mnews/)?article/(?:comment/)?(\d{3})/(\d{10})")
CALLBACK = "jQuery_minsim"  # any name works; the answer is `<name>(...)`
COMMENT_FIELDS = ("commentNo", "contents", "regTime")
INDEX_SIZE = 10  # cbox's page-index width, as browsers send it
REPLY_PAGE_SIZE = 20  # replies previewed per comment, as browsers send it
NEWEST_FIRST = "NEW"  # the only cbox sort order a newest-comment cursor can stop paging on


@dataclass(frozen=True)
class CommentPage:
    items: list[RawItem]
    next_page: int
    listed: int  # comments in the list, including deleted and hidden ones
    with_replies: list[str]  # commentNo of comments that have replies
    sort: str | None = None  # the order cbox says it listed in (result.sort), if it says


@dataclass(frozen=True)
class Mark:
    """The newest top-level comment of an article seen by a run that read all comments down to
    it: every comment written before it was stored then."""

    newest: datetime
    number: str  # its commentNo: comments of the same second are told apart by it

    def reached_by(self, item: RawItem) -> bool:
        """True for the marked comment or one written before it. An unreadable time never
        reaches the mark, so paging goes on (the page cap still bounds it)."""
        when = parse_datetime(item.published_at)
        if when is None:
            return False
        return when < self.newest or (when == self.newest and item.external_id == self.number)

    def as_json(self) -> dict[str, str]:
        return {"newest": self.newest.isoformat(), "no": self.number}


@dataclass
class Listing:
    """How the paging of one article's top-level comments went, against its old mark."""

    mark: Mark | None
    newest: Mark | None = None
    complete: bool = False  # read to the last page or to the mark
    capped: bool = False  # stopped by max_pages (a page repeating earlier ones sets neither)
    newest_first: bool = True  # every page came in cbox's newest-first order

    def note(self, page: CommentPage, where: str) -> bool:
        """Record a page; True when it reached the mark (paging may stop after it)."""
        if page.sort not in (None, NEWEST_FIRST):
            if self.newest_first:
                log.warning(
                    "%s: cbox listed by %s, not newest first; cursor unused", where, page.sort
                )
            self.newest_first = False
        for item in page.items:
            when = parse_datetime(item.published_at)
            if when is not None and (self.newest is None or when > self.newest.newest):
                self.newest = Mark(when, item.external_id)
        return (
            self.newest_first
            and self.mark is not None
            and any(self.mark.reached_by(i) for i in page.items)
        )

    def next_mark(self) -> Mark | None:
        """The mark to keep for the next run.

        The newest comment seen replaces the old mark only when paging went newest first down to
        the old mark or the end (a capped article keeps its mark, so a later, quieter run can
        still close the gap); with no old mark, a capped run marks what it saw, since the pages
        beyond the cap were out of reach anyway."""
        if self.newest is None or not self.newest_first:
            return self.mark
        if self.mark is None:
            return self.newest if self.complete or self.capped else None
        if not self.complete or self.newest.newest < self.mark.newest:
            return self.mark
        return self.newest


def article_ids(url: str) -> tuple[str, str] | None:
    """(oid, aid) of a Naver news article URL, in either form Naver uses; None otherwise."""
    parts = urlsplit(url)
    if not parts.netloc.endswith("naver.com"):
        return None
    match = _PATH_RE.search(parts.path)
    if match:
        return match.group(1), match.group(2)
    query = parse_qs(parts.query)
    if "oid" in query and "aid" in query:  # news.naver.com/main/read.naver?oid=..&aid=..
        return query["oid"][0], query["aid"][0]
    return None


def parse_comments(
    body: bytes, *, source: str, article_url: str, where: str, object_id: str | None = None
) -> CommentPage:
    """One cbox page (JSONP) as comment items. Pure.

    With `object_id`, a page whose comments all belong to another article is refused: Naver
    once answered every article with the same comments (N2H4 #104)."""
    data = require(load_json(strip_jsonp(body, where), where), ("success", "result"), where)
    if data["success"] is not True:
        raise CollectError(
            f"{where}: cbox refused: code {data.get('code')}: {data.get('message', '')}"
        )
    result = require(data["result"], ("commentList", "pageModel"), f"{where} result")
    model = require(result["pageModel"], ("nextPage",), f"{where} pageModel")
    listed = result["commentList"]
    if not isinstance(listed, list):
        raise SchemaChanged(f"{where}: commentList is {type(listed).__name__}, not a list")
    items: list[RawItem] = []
    with_replies: list[str] = []
    for index, raw in enumerate(listed):
        comment = require(raw, COMMENT_FIELDS, f"{where} commentList[{index}]")
        number = str(comment["commentNo"])
        if (comment.get("replyCount") or 0) > 0 and comment.get("replyLevel", 1) == 1:
            with_replies.append(number)
        if comment.get("deleted") or comment.get("blind") or not str(comment["contents"]).strip():
            continue
        parent = str(comment.get("parentCommentNo") or number)
        items.append(
            RawItem(
                source=source,
                kind="comment",
                external_id=number,
                text=str(comment["contents"]),
                author=str(comment.get("userIdNo") or comment.get("userName") or "") or None,
                published_at=str(comment["regTime"]),
                article_url=article_url,
                likes=as_count(comment.get("sympathyCount")),
                dislikes=as_count(comment.get("antipathyCount")),
                extra={"reply_to": parent} if parent != number else {},
            )
        )
    owners = [c.get("objectId") for c in listed if isinstance(c, dict)]
    if object_id and owners and all(owner and owner != object_id for owner in owners):
        raise SchemaChanged(
            f"{where}: asked for {object_id} but got comments of "
            f"{', '.join(sorted(set(map(str, owners))))} (the endpoint ignores the article?)"
        )
    count = result.get("count") if isinstance(result.get("count"), dict) else {}
    if not listed and model.get("page", 1) == 1 and (count.get("comment") or 0) > 0:
        raise SchemaChanged(
            f"{where}: count says {count['comment']} comments but commentList is empty"
        )
    next_page = model["nextPage"] if isinstance(model["nextPage"], int) else 0
    sort = result.get("sort") if isinstance(result.get("sort"), str) else None
    return CommentPage(items, next_page, len(listed), with_replies, sort)


def collect(source: SourceSettings, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
    options = source.options
    articles = _articles(options, ctx)
    ctx.counters.add("articles", len(articles))
    newest_first = options["sort"] == NEWEST_FIRST
    marks = _load_marks(ctx) if newest_first else {}
    # only the articles followed this run are kept, so the cursor stays within max_articles
    kept = {key: marks[key] for _, ids in articles if (key := ",".join(ids)) in marks}
    for url, (oid, aid) in articles:
        key = f"{oid},{aid}"
        params = _params(options, oid, aid)
        listing = Listing(kept.get(key)) if newest_first else None
        parents: list[str] = []
        for page in _pages(source, client, ctx, url, params, "comments", listing):
            parents.extend(page.with_replies)
            yield from page.items
        if options["replies"]:
            yield from _replies(source, client, ctx, url, params, parents)
        if listing is None:
            continue
        # reached only when every page of this article was read: a failure above leaves the
        # mark where it was, and the pipeline stores the cursor even when the run fails later
        mark = listing.next_mark()
        if mark is not None:
            kept[key] = mark
        ctx.set_cursor_json({"articles": {k: m.as_json() for k, m in kept.items()}})


def _replies(
    source: SourceSettings,
    client: HttpClient,
    ctx: CollectContext,
    article_url: str,
    params: dict[str, str | int],
    parents: list[str],
) -> Iterator[RawItem]:
    """The replies to each comment in `parents`, every thread read in full (no cursor)."""
    for number in dict.fromkeys(parents):
        reply_params = {**params, "parentCommentNo": number, "moreType": "next"}
        for page in _pages(source, client, ctx, article_url, reply_params, f"replies of {number}"):
            yield from page.items


def _load_marks(ctx: CollectContext) -> dict[str, Mark]:
    """The per-article marks of the cursor; damaged parts are ignored (the article is then paged
    as if new), with a warning."""
    articles = ctx.cursor_json().get("articles", {})
    if not isinstance(articles, dict):
        log.warning("%s: ignoring a cursor whose articles are not an object", ctx.source_name)
        ctx.counters.add("cursor/ignored")
        return {}
    marks: dict[str, Mark] = {}
    for key, entry in articles.items():
        mark = _mark_from_json(entry)
        if mark is None:
            log.warning("%s: ignoring the damaged cursor of article %s", ctx.source_name, key)
            ctx.counters.add("cursor/ignored")
            continue
        marks[str(key)] = mark
    return marks


def _mark_from_json(entry: object) -> Mark | None:
    if not isinstance(entry, dict):
        return None
    newest, number = entry.get("newest"), entry.get("no")
    if not isinstance(newest, str) or not isinstance(number, str):
        return None
    when = parse_datetime(newest)
    return Mark(when, number) if when is not None else None


def _articles(options: dict, ctx: CollectContext) -> list[tuple[str, tuple[str, str]]]:
    """Naver articles to follow: those in settings, then the newest stored ones, no repeats."""
    stored: Iterable[str] = ctx.stored_article_urls() if options["from_stored"] else ()
    newest_stored = list(stored)[::-1]  # stored URLs come oldest first
    chosen: list[tuple[str, tuple[str, str]]] = []
    seen: set[tuple[str, str]] = set()
    for url in [*options["article_urls"], *newest_stored]:
        ids = article_ids(str(url))
        if ids is None or ids in seen:
            continue
        seen.add(ids)
        chosen.append((str(url), ids))
        if len(chosen) >= options["max_articles"]:
            break
    return chosen


def _params(options: dict, oid: str, aid: str) -> dict[str, str | int]:
    # the parameters browsers send (SOURCES.md §2); unknown ones are ignored by cbox
    return {
        "ticket": "news",
        "templateId": options["template_id"],
        "pool": "cbox5",
        "_callback": CALLBACK,
        "lang": "ko",
        "country": "KR",
        "objectId": f"news{oid},{aid}",
        "categoryId": "",
        "pageSize": options["page_size"],
        "indexSize": INDEX_SIZE,
        "groupId": "",
        "listType": "OBJECT",
        "pageType": "more",
        "sort": options["sort"],
        "replyPageSize": REPLY_PAGE_SIZE,
    }


def _pages(
    source: SourceSettings,
    client: HttpClient,
    ctx: CollectContext,
    article_url: str,
    params: dict[str, str | int],
    what: str,
    listing: Listing | None = None,
) -> Iterator[CommentPage]:
    """Follow pageModel.nextPage until 0, stopping on a page that repeats earlier comments
    (cbox has answered page 1 for every page before: N2H4 #137) and, with a `listing`, after the
    first page that reaches its mark. How paging ended is recorded in `listing`."""
    seen: set[str] = set()
    page_no = 1
    for _ in range(source.options["max_pages"]):
        where = f"{source.name} {what} of {article_url} page {page_no}"
        response = client.get(
            source.options["endpoint"],
            params={**params, "page": page_no},
            headers={"Referer": article_url},
            counters=ctx.counters,
        )
        page = parse_comments(
            response.content,
            source=source.name,
            article_url=article_url,
            where=where,
            object_id=str(params["objectId"]),
        )
        ctx.counters.add("pages")
        fresh = [i for i in page.items if i.external_id not in seen]
        if page.items and not fresh:
            ctx.counters.add("pages/repeated")
            log.warning("%s repeats earlier comments; stopping", where)
            return
        ctx.counters.add("skipped/deleted_or_hidden", page.listed - len(page.items))
        seen.update(i.external_id for i in fresh)
        reached = listing is not None and listing.note(page, where)
        yield CommentPage(fresh, page.next_page, page.listed, page.with_replies, page.sort)
        if reached:
            ctx.counters.add("pages/stopped_at_cursor")
        if reached or page.next_page <= page_no:
            if listing is not None:
                listing.complete = True
            return
        page_no = page.next_page
    ctx.counters.add("pages/capped")
    if listing is not None:
        listing.capped = True
