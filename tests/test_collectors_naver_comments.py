"""The naver_comments kind: recorded cbox JSONP pages, replies, paging, repeated pages, and the
per-article cursor (against a real SQLite store where what gets stored matters)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from collector_support import payload, source_of
from httpserver import LocalServer, Reply

from collectors.base import CollectContext
from collectors.http import HttpClient
from collectors.naver_comments import article_ids, collect, parse_comments
from collectors.payload import PayloadError
from minsim import store
from minsim.db import migrate, open_engine
from minsim.errors import CollectError, SchemaChanged
from minsim.pipeline import Pipeline
from minsim.scenario import load_scenario
from minsim.settings import SourceSettings

ARTICLE = "https://n.news.naver.com/mnews/article/001/0013515001?sid=105"
ARTICLE_KEY = "001,0013515001"
JS = {"Content-Type": "application/javascript; charset=utf-8"}
REPO = Path(__file__).resolve().parent.parent
# what the first run over page1 + page2 leaves: 3001 is the newest top-level comment
FIRST_RUN_CURSOR = {
    "articles": {ARTICLE_KEY: {"newest": "2022-10-19T07:58:12+00:00", "no": "3001"}}
}


def fixture(name: str) -> bytes:
    return payload("naver_comments", name)


def comments_source(endpoint: str, **options: object) -> SourceSettings:
    values = dict(options)
    values.update(endpoint=endpoint, page_size=3)
    return source_of("naver_comments", "naver-comments", enabled=False, **values)


def cbox(request):
    if request.arg("parentCommentNo") == "3001":
        return Reply(200, fixture("replies_3001.jsonp"), JS)
    if request.arg("parentCommentNo"):
        return Reply(500, "no such thread")
    return Reply(200, fixture("page1.jsonp" if request.arg("page") == "1" else "page2.jsonp"), JS)


@pytest.mark.parametrize(
    ("url", "ids"),
    [
        (ARTICLE, ("001", "0013515001")),
        ("https://m.news.naver.com/article/015/0004765002", ("015", "0004765002")),
        ("https://n.news.naver.com/article/comment/421/0006411003", ("421", "0006411003")),
        ("https://news.naver.com/main/read.naver?oid=030&aid=0003055005", ("030", "0003055005")),
        ("https://it.example.test/view/55501", None),
        ("https://blog.naver.com/someone/22291", None),
    ],
)
def test_article_ids_from_both_url_forms(url, ids):
    assert article_ids(url) == ids


def test_parse_page_maps_counts_and_skips_deleted_comments():
    page = parse_comments(fixture("page1.jsonp"), source="nc", article_url=ARTICLE, where="t")
    assert [i.external_id for i in page.items] == ["3001", "3002"]
    first = page.items[0]
    assert first.kind == "comment" and first.article_url == ARTICLE
    assert (first.likes, first.dislikes) == (412, 35)
    assert first.text.startswith("사과는 했는데 보상 얘기는")
    assert first.published_at == "2022-10-19T16:58:12+0900"
    assert first.author == "u1000001"  # hashed by normalize, never stored raw
    assert page.with_replies == ["3001"]
    assert page.next_page == 2 and page.listed == 3


def test_collect_follows_pages_and_replies_with_the_article_as_referer(server, client):
    server.route("/cbox", cbox)
    ctx = CollectContext("naver-comments")
    source = comments_source(server.url("/cbox"), article_urls=[ARTICLE], from_stored=False)
    items = list(collect(source, client, ctx))
    assert [i.external_id for i in items] == ["3001", "3002", "3004", "3005", "3101", "3102"]
    assert items[-1].extra["reply_to"] == "3001"
    assert {i.article_url for i in items} == {ARTICLE}
    first = server.requests[0]
    assert first.headers["referer"] == ARTICLE
    assert first.arg("objectId") == "news001,0013515001"
    assert ctx.counters.get("skipped/deleted_or_hidden") == 1
    assert ctx.counters.get("pages") == 3


def test_stored_articles_are_followed_newest_first_and_capped(server, client):
    server.route("/cbox", cbox)
    stored = [
        "https://n.news.naver.com/mnews/article/015/0004764004?sid=101",
        "https://it.example.test/view/55501",
        ARTICLE,
    ]
    ctx = CollectContext("nc", stored_article_urls=lambda: stored)
    source = comments_source(server.url("/cbox"), max_articles=1, replies=False)
    items = list(collect(source, client, ctx))
    assert {r.arg("objectId") for r in server.requests} == {"news001,0013515001"}
    assert len(items) == 4


def test_a_page_repeating_earlier_comments_stops_paging_without_duplicates(server, client):
    page1_forever = fixture("page1.jsonp")  # nextPage is 2, but every page is page 1
    server.route("/cbox", Reply(200, page1_forever, JS))
    ctx = CollectContext("nc")
    source = comments_source(
        server.url("/cbox"), article_urls=[ARTICLE], from_stored=False, replies=False
    )
    items = list(collect(source, client, ctx))
    assert [i.external_id for i in items] == ["3001", "3002"]
    assert ctx.counters.get("pages/repeated") == 1
    assert server.hits("/cbox") == 2


def test_cbox_refusal_is_reported_with_its_code(server, client):
    server.route("/cbox", Reply(200, fixture("error.jsonp"), JS))
    source = comments_source(server.url("/cbox"), article_urls=[ARTICLE], from_stored=False)
    with pytest.raises(CollectError, match="code 3999"):
        list(collect(source, client, CollectContext("nc")))


def test_renamed_contents_field_raises_schema_changed():
    body = fixture("page1.jsonp").replace(b'"contents"', b'"content"')
    with pytest.raises(SchemaChanged, match=r"commentList\[0\].*contents missing"):
        parse_comments(body, source="nc", article_url=ARTICLE, where="t")


def test_empty_list_despite_a_comment_count_is_schema_changed():
    body = fixture("page2.jsonp").replace(b'"page": 2', b'"page": 1')
    start = body.index(b'"commentList": [') + len(b'"commentList": ')
    end = body.index(b'"pageModel"')
    emptied = body[:start] + b"[],\n  " + body[end:]
    with pytest.raises(SchemaChanged, match="count says 5 comments"):
        parse_comments(emptied, source="nc", article_url=ARTICLE, where="t")


def test_html_answer_is_a_payload_error():
    with pytest.raises(PayloadError, match="HTML page"):
        parse_comments(b"<html>blocked</html>", source="nc", article_url=ARTICLE, where="t")


def test_issue_4_comments_of_another_article_are_refused(server, client):
    """N2H4 #104: Naver once answered every article with the same comments."""
    server.route("/cbox", cbox)
    other = "https://n.news.naver.com/mnews/article/015/0004765002?sid=101"
    source = comments_source(server.url("/cbox"), article_urls=[other], from_stored=False)
    with pytest.raises(
        SchemaChanged, match="asked for news015,0004765002 but got comments of news001,0013515001"
    ):
        list(collect(source, client, CollectContext("nc")))


# -- the cursor ------------------------------------------------------------------------------


def listing(pages: dict[str, str]):
    """A cbox answering top-level pages from `pages` (page number -> fixture; a missing page is
    a server error) and reply threads as `cbox` does."""

    def answer(request):
        if request.arg("parentCommentNo"):
            return cbox(request)
        name = pages.get(request.arg("page"))
        return Reply(200, fixture(name), JS) if name else Reply(500, "page not scripted")

    return answer


def top_level_pages(server: LocalServer, since: int = 0) -> list[str]:
    """The page numbers of top-level requests from the `since`-th request on."""
    return [r.arg("page") for r in server.requests[since:] if not r.arg("parentCommentNo")]


def cursor_of(source: str, engine) -> dict:
    return json.loads(store.get_cursor(engine, source) or "null")


@pytest.fixture
def pipeline(sqlite_url: str, client: HttpClient) -> Iterator[Pipeline]:
    engine = open_engine(sqlite_url)
    migrate(engine)
    scenario = load_scenario(REPO / "seeds" / "kakao-2022")
    yield Pipeline(engine, scenario, None, "test-salt", client, env={})
    engine.dispose()


def run_twice(server, pipeline, source, second_pages: dict[str, str]):
    """A first run over page1 + page2, then a second over `second_pages`: both results and the
    top-level pages the second asked for."""
    server.route("/cbox", listing({"1": "page1.jsonp", "2": "page2.jsonp"}))
    first = pipeline.run_source(source)
    assert first.ok, first.error
    assert cursor_of(source.name, pipeline.engine) == FIRST_RUN_CURSOR
    server.route("/cbox", listing(second_pages))
    since = len(server.requests)
    second = pipeline.run_source(source)
    return first, second, top_level_pages(server, since)


def test_second_run_without_new_comments_asks_only_page_1(server, pipeline):
    source = comments_source(server.url("/cbox"), article_urls=[ARTICLE], from_stored=False)
    both = {"1": "page1.jsonp", "2": "page2.jsonp"}
    first, second, asked = run_twice(server, pipeline, source, both)
    assert first.counters["new"] == 6 and first.counters["pages"] == 3
    assert second.ok, second.error
    assert asked == ["1"]
    assert server.requests[-1].arg("parentCommentNo") == "3001"  # replies still fetched
    assert second.counters.get("new", 0) == 0
    assert second.counters["pages/stopped_at_cursor"] == 1
    assert cursor_of(source.name, pipeline.engine) == FIRST_RUN_CURSOR


def test_new_comments_are_stored_and_paging_stops_at_the_cursor(server, pipeline):
    source = comments_source(
        server.url("/cbox"), article_urls=[ARTICLE], from_stored=False, replies=False
    )
    _, second, asked = run_twice(server, pipeline, source, {"1": "newer_page1.jsonp"})
    assert second.ok, second.error  # page 2 would have been a server error
    assert asked == ["1"]
    assert (second.counters["new"], second.counters["duplicate"]) == (2, 1)
    assert second.counters["pages/stopped_at_cursor"] == 1
    newest = {"newest": "2022-10-19T08:10:30+00:00", "no": "3007"}
    assert cursor_of(source.name, pipeline.engine) == {"articles": {ARTICLE_KEY: newest}}


def test_a_run_failing_mid_article_leaves_the_cursor_so_the_next_gets_the_rest(server, pipeline):
    source = comments_source(
        server.url("/cbox"), article_urls=[ARTICLE], from_stored=False, replies=False
    )
    # three new comments fill page 1; page 2 (two more, then the marked 3001) fails to load
    _, failed, asked = run_twice(server, pipeline, source, {"1": "busy_page1.jsonp"})
    assert not failed.ok and failed.counters["new"] == 3
    assert asked == ["1", "2", "2"]  # page 2 tried twice (retry), then the run failed
    assert cursor_of(source.name, pipeline.engine) == FIRST_RUN_CURSOR
    server.route("/cbox", listing({"1": "busy_page1.jsonp", "2": "newer_page1.jsonp"}))
    since = len(server.requests)
    third = pipeline.run_source(source)
    assert third.ok, third.error
    assert top_level_pages(server, since) == ["1", "2"]
    assert third.counters["new"] == 2  # 3007 and 3006, skipped had the cursor moved on failure
    newest = {"newest": "2022-10-19T08:20:00+00:00", "no": "3010"}
    assert cursor_of(source.name, pipeline.engine) == {"articles": {ARTICLE_KEY: newest}}


def one_run(server, client, cursor: str | None, **options: object) -> CollectContext:
    """One collect() over page1 + page2 (and the replies) from `cursor`; its context."""
    ctx = CollectContext("nc", cursor=cursor)
    source = comments_source(
        server.url("/cbox"), article_urls=[ARTICLE], from_stored=False, **options
    )
    list(collect(source, client, ctx))
    return ctx


@pytest.mark.parametrize(
    "cursor",
    [
        {"articles": []},
        {"articles": {ARTICLE_KEY: "3001"}},
        {"articles": {ARTICLE_KEY: {"newest": 1666166292, "no": 3001}}},
        {"articles": {ARTICLE_KEY: {"newest": "yesterday", "no": "3001"}}},
    ],
)
def test_a_damaged_cursor_is_ignored_with_a_warning(server, client, caplog, cursor):
    server.route("/cbox", cbox)
    caplog.set_level(logging.WARNING)
    ctx = one_run(server, client, json.dumps(cursor))
    assert top_level_pages(server) == ["1", "2"]
    assert ctx.counters.get("cursor/ignored") == 1
    assert "ignoring" in caplog.text
    assert json.loads(ctx.new_cursor or "null") == FIRST_RUN_CURSOR


def test_the_cursor_keeps_only_the_articles_followed_this_run(server, client):
    server.route("/cbox", cbox)
    gone = {"newest": "2022-10-18T00:00:00+00:00", "no": "9"}
    cursor = {"articles": {**FIRST_RUN_CURSOR["articles"], "015,0004765002": gone}}
    ctx = one_run(server, client, json.dumps(cursor))
    assert top_level_pages(server) == ["1"]
    assert json.loads(ctx.new_cursor or "null") == FIRST_RUN_CURSOR


def test_a_capped_article_keeps_its_mark_until_paging_reaches_it(server, client):
    server.route("/cbox", listing({"1": "busy_page1.jsonp"}))
    ctx = one_run(server, client, json.dumps(FIRST_RUN_CURSOR), max_pages=1)
    assert ctx.counters.get("pages/capped") == 1
    assert json.loads(ctx.new_cursor or "null") == FIRST_RUN_CURSOR


@pytest.mark.parametrize("sort", ["OLD", "FAVORITE"])
def test_other_sort_orders_page_as_before_and_leave_the_cursor(server, client, sort):
    server.route("/cbox", cbox)
    ctx = one_run(server, client, json.dumps(FIRST_RUN_CURSOR), sort=sort)
    assert top_level_pages(server) == ["1", "2"]
    assert {r.arg("sort") for r in server.requests} == {sort}
    assert ctx.new_cursor is None
    assert ctx.counters.get("pages/stopped_at_cursor") == 0


def test_an_answer_not_newest_first_is_paged_as_before(server, client, caplog):
    """cbox says which order it listed in; a cursor only means something for newest first."""

    def favorite(request):
        reply = cbox(request)
        return Reply(200, reply.payload().replace(b'"sort": "NEW"', b'"sort": "FAVORITE"'), JS)

    server.route("/cbox", favorite)
    caplog.set_level(logging.WARNING)
    ctx = one_run(server, client, json.dumps(FIRST_RUN_CURSOR))
    assert top_level_pages(server) == ["1", "2"]
    assert "not newest first" in caplog.text
    assert json.loads(ctx.new_cursor or "null") == FIRST_RUN_CURSOR
