"""The naver_news kind: recorded search pages, paging, the newest-seen cursor, broken answers."""

from __future__ import annotations

import json

import pytest
from collector_support import payload, source_of
from httpserver import Reply

from collectors.base import CollectContext
from collectors.http import HttpStatusError
from collectors.naver_news import collect, parse_news
from collectors.payload import PayloadError
from minsim.errors import CollectError, SchemaChanged
from minsim.settings import SourceSettings

ENV = {"NAVER_CLIENT_ID": "test-client-id-123", "NAVER_CLIENT_SECRET": "test-secret-456"}
JSON = {"Content-Type": "application/json; charset=utf-8"}


def fixture(name: str) -> bytes:
    return payload("naver_news", name)


def news_source(endpoint: str, **options: object) -> SourceSettings:
    values = dict(options)
    values.update(query="카카오", endpoint=endpoint, display=options.get("display", 3))
    return source_of("naver_news", "naver", enabled=True, **values)


def paged(first: str = "page1.json"):
    def answer(request):
        name = first if request.arg("start") == "1" else "page2.json"
        return Reply(200, fixture(name), JSON)

    return answer


def test_parse_strips_bold_tags_unescapes_and_prefers_the_naver_link():
    page = parse_news(fixture("page1.json"), source="naver", where="t")
    assert page.total == 5
    first, second, third = page.items
    assert first.title == '카카오 남궁훈 대표 사임…"재난대책위원장 맡아 수습"'
    assert "<b>" not in first.text
    assert first.url == "https://n.news.naver.com/mnews/article/001/0013515001?sid=105"
    assert first.extra["originallink"].startswith("https://daily.example.test/")
    assert third.url == "https://it.example.test/view/55501"  # not on Naver: the outlet's URL
    assert first.published_at == "Wed, 19 Oct 2022 15:40:00 +0900"


def test_collect_pages_with_date_sort_and_sends_the_credentials(server, client):
    server.route("/news.json", paged())
    ctx = CollectContext("naver", env=ENV)
    items = list(collect(news_source(server.url("/news.json")), client, ctx))
    assert len(items) == 5
    assert [r.arg("start") for r in server.requests] == ["1", "4"]
    assert {r.arg("sort") for r in server.requests} == {"date"}
    assert server.requests[0].headers["x-naver-client-id"] == "test-client-id-123"
    assert server.requests[0].headers["x-naver-client-secret"] == "test-secret-456"
    cursor = json.loads(ctx.new_cursor)
    assert cursor["newest"] == "2022-10-19T15:40:00+09:00"


def test_second_run_fetches_only_what_is_new(server, client):
    server.route("/news.json", paged())
    first = CollectContext("naver", env=ENV)
    list(collect(news_source(server.url("/news.json")), client, first))
    server.route("/news.json", paged("newer.json"))
    again = CollectContext("naver", env=ENV, cursor=first.new_cursor)
    items = list(collect(news_source(server.url("/news.json")), client, again))
    assert [i.title for i in items] == ['홍은택 카카오 대표 "전 계열사 재난 대응 점검"']
    assert server.hits("/news.json") == 3  # two pages, then one page that reached old items
    assert json.loads(again.new_cursor)["newest"] == "2022-10-19T16:45:00+09:00"


def test_a_server_that_ignores_start_is_detected(server, client):
    server.route(
        "/news.json", Reply(200, fixture("page1.json").replace(b'"total": 5', b'"total": 50'), JSON)
    )
    ctx = CollectContext("naver", env=ENV)
    items = list(collect(news_source(server.url("/news.json")), client, ctx))
    assert len(items) == 3
    assert ctx.counters.get("pages/repeated") == 1


def test_missing_credentials_name_the_variable_not_a_value(server, client):
    ctx = CollectContext("naver", env={})
    with pytest.raises(CollectError, match="NAVER_CLIENT_ID is not set"):
        list(collect(news_source(server.url("/news.json")), client, ctx))
    assert server.requests == []


def test_renamed_items_field_raises_schema_changed():
    body = fixture("page1.json").replace(b'"items"', b'"articles"')
    with pytest.raises(SchemaChanged, match="items missing"):
        parse_news(body, source="naver", where="t")


def test_renamed_item_field_raises_schema_changed():
    body = fixture("page1.json").replace(b'"pubDate"', b'"publishedAt"')
    with pytest.raises(SchemaChanged, match=r"items\[0\].*pubDate missing"):
        parse_news(body, source="naver", where="t")


def test_html_error_page_where_json_was_expected(server, client):
    page = "<html><body><h1>서비스 점검 중입니다</h1></body></html>"
    server.route("/news.json", Reply(200, page, {"Content-Type": "text/html"}))
    with pytest.raises(PayloadError, match="HTML page where JSON was expected"):
        list(collect(news_source(server.url("/news.json")), client, CollectContext("n", env=ENV)))


def test_truncated_json_is_malformed():
    with pytest.raises(PayloadError, match="malformed JSON"):
        parse_news(fixture("page1.json")[:300], source="naver", where="t")


def test_api_error_code_is_reported(server, client):
    body = {"errorMessage": "Incorrect query request (잘못된 쿼리요청입니다.)", "errorCode": "SE01"}
    server.route("/news.json", Reply(400, json.dumps(body, ensure_ascii=False), JSON))
    with pytest.raises(HttpStatusError, match="SE01"):
        list(collect(news_source(server.url("/news.json")), client, CollectContext("n", env=ENV)))
    assert server.hits("/news.json") == 1
