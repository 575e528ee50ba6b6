"""The `naver_comments` kind: comments and replies of Naver news articles (undocumented cbox).

Off unless enabled: the endpoint is unofficial and Naver's terms ban automated collection
(SOURCES.md §2, §8), so volume stays low (few articles a run, the per-host delay, a page cap).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from collectors.base import CollectContext
from collectors.http import HttpClient
from collectors.payload import as_count, load_json, require, strip_jsonp
from minsim.errors import CollectError, SchemaChanged
from minsim.models import RawItem
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

# n.news.naver.com/mnews/article/001/0013515001, also m.news / news.naver.com/article/...
_PATH_RE = re.compile(r"/(?:mnews/)?article/(?:comment/)?(\d{3})/(\d{10})")
CALLBACK = "jQuery_minsim"  # any name works; the answer is `<name>(...)`
COMMENT_FIELDS = ("commentNo", "contents", "regTime")
INDEX_SIZE = 10  # cbox's page-index width, as browsers send it
REPLY_PAGE_SIZE = 20  # replies previewed per comment, as browsers send it


@dataclass(frozen=True)
class CommentPage:
    items: list[RawItem]
    next_page: int
    listed: int  # comments in the list, including deleted and hidden ones
    with_replies: list[str]  # commentNo of comments that have replies


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
    return CommentPage(items, next_page, len(listed), with_replies)


def collect(source: SourceSettings, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
    options = source.options
    articles = _articles(options, ctx)
    ctx.counters.add("articles", len(articles))
    for url, (oid, aid) in articles:
        params = _params(options, oid, aid)
        parents: list[str] = []
        for page in _pages(source, client, ctx, url, params, "comments"):
            parents.extend(page.with_replies)
            yield from page.items
        if not options["replies"]:
            continue
        for number in dict.fromkeys(parents):
            reply_params = {**params, "parentCommentNo": number, "moreType": "next"}
            for page in _pages(source, client, ctx, url, reply_params, f"replies of {number}"):
                yield from page.items


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
) -> Iterator[CommentPage]:
    """Follow pageModel.nextPage until 0, stopping on a page that repeats earlier comments
    (cbox has answered page 1 for every page before: N2H4 #137)."""
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
        yield CommentPage(fresh, page.next_page, page.listed, page.with_replies)
        if page.next_page <= page_no:
            return
        page_no = page.next_page
    ctx.counters.add("pages/capped")
