"""The naver_comments kind: recorded cbox JSONP pages, replies, paging, repeated pages."""

from __future__ import annotations

import pytest
from collector_support import payload, source_of
from httpserver import Reply

from collectors.base import CollectContext
from collectors.naver_comments import article_ids, collect, parse_comments
from collectors.payload import PayloadError
from minsim.errors import CollectError, SchemaChanged
from minsim.settings import SourceSettings

ARTICLE = "https://n.news.naver.com/mnews/article/001/0013515001?sid=105"
JS = {"Content-Type": "application/javascript; charset=utf-8"}


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
