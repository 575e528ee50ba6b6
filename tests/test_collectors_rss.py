"""The rss kind: parsing recorded feeds, EUC-KR, conditional requests, filters, full text."""

from __future__ import annotations

import json

import pytest
from collector_support import payload, source_of
from httpserver import Reply

from collectors.base import CollectContext
from collectors.http import HttpError
from collectors.payload import PayloadError
from collectors.rss import collect, decode_for_feedparser, parse_feed
from minsim.errors import SchemaChanged
from minsim.models import Company
from minsim.normalize import parse_datetime
from minsim.settings import SourceSettings

XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def fixture(name: str) -> bytes:
    return payload("rss", name)


def rss_source(url: str, **options: object) -> SourceSettings:
    values = dict(options)
    values["url"] = url
    return source_of("rss", "feed", enabled=True, **values)


def test_parse_outlet_feed_strips_markup_and_keeps_dates():
    result = parse_feed(fixture("outlet.xml"), XML, source="feed", where="t")
    assert [i.title for i in result.items][:2] == [
        "카카오톡 이틀째 먹통…판교 데이터센터 화재 여파",
        '네이버 "일부 서비스 지연, 대부분 복구"',
    ]
    first = result.items[0]
    assert first.kind == "article"
    assert first.url == "https://news.example.test/article/2022101600011"
    assert "<b>" not in first.text and "데이터센터에서 불이 나" in first.text
    assert parse_datetime(first.published_at).isoformat() == "2022-10-15T23:40:00+00:00"
    assert result.items[3].title == 'SK C&C "배터리실 화재 원인 조사 중"'
    assert result.items[3].published_at is None  # no pubDate: normalize drops it as no_date
    assert not result.malformed and result.unusable == 0


def test_parse_google_news_feed_keeps_the_outlet():
    result = parse_feed(fixture("google_news.xml"), XML, source="gn", where="t")
    assert len(result.items) == 2
    assert result.items[0].extra["outlet"] == "테스트일보"
    assert result.items[0].url.startswith("https://news.google.com/rss/articles/")
    assert "남궁훈" in result.items[0].title


def test_parse_atom_feed_uses_updated_when_no_published():
    result = parse_feed(fixture("atom.xml"), {}, source="blog", where="t")
    assert result.items[0].published_at == "2022-10-20T09:30:00+09:00"
    assert result.items[0].url == "https://blog.example.test/posts/kakao-compensation"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("euckr_declared.xml", "text/xml"),  # prolog euc-kr, header implies us-ascii: benign bozo
        ("euckr_declared.xml", "application/xml"),
        ("euckr_undeclared.xml", "text/xml; charset=euc-kr"),
        ("euckr_undeclared.xml", "text/xml"),  # no charset anywhere: we decode CP949 ourselves
        ("euckr_undeclared.xml", ""),
    ],
)
def test_euc_kr_feeds_decode_with_and_without_a_declared_charset(name, content_type):
    headers = {"content-type": content_type} if content_type else {}
    result = parse_feed(fixture(name), headers, source="local", where="t")
    titles = [i.title for i in result.items]
    assert titles == ["현대차·카카오 주가 동반 하락", "판교 화재 현장 감식 진행"]
    assert not result.malformed


def test_undeclared_utf8_is_left_as_bytes():
    body = fixture("outlet.xml").replace(b' encoding="UTF-8"', b"")
    assert decode_for_feedparser(body, {}) is body


def test_html_error_page_is_not_a_feed():
    page = b"<!DOCTYPE html><html><head><title>502</title></head><body>Bad gateway</body></html>"
    with pytest.raises(PayloadError, match="not an RSS or Atom feed"):
        parse_feed(page, {"content-type": "text/html"}, source="feed", where="feed")


def test_malformed_xml_keeps_only_complete_entries():
    body = fixture("outlet.xml")
    cut = body[: body.index(b"<title>\xec\xbd\x94\xec\x8a\xa4\xed\x94\xbc") + 20]  # inside item 3
    result = parse_feed(cut, XML, source="feed", where="feed")
    assert result.malformed
    assert [i.url[-2:] for i in result.items] == ["11", "12"]


def test_garbage_is_a_payload_error():
    with pytest.raises(PayloadError):
        parse_feed(b"<rss><channel><item><title>x</ti", XML, source="f", where="f")


def test_renamed_fields_raise_schema_changed():
    body = fixture("outlet.xml").replace(b"<link>", b"<href>").replace(b"</link>", b"</href>")
    body = body.replace(b"<guid", b"<uid").replace(b"</guid>", b"</uid>")
    with pytest.raises(SchemaChanged, match="none has both a link and a title"):
        parse_feed(body, XML, source="feed", where="feed")


def test_collect_uses_etag_and_last_modified_on_the_next_run(server, client):
    validators = {"ETag": '"v1"', "Last-Modified": "Sun, 16 Oct 2022 00:10:00 GMT", **XML}

    def answer(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, fixture("outlet.xml"), validators)

    server.route("/feed.xml", answer)
    ctx = CollectContext("feed")
    items = list(collect(rss_source(server.url("/feed.xml")), client, ctx))
    assert len(items) == 4
    assert json.loads(ctx.new_cursor)["etag"] == '"v1"'
    again = CollectContext("feed", cursor=ctx.new_cursor)
    assert list(collect(rss_source(server.url("/feed.xml")), client, again)) == []
    assert again.counters.get("not_modified") == 1
    assert server.requests[1].headers["if-modified-since"] == "Sun, 16 Oct 2022 00:10:00 GMT"


def test_collect_filters_by_keyword_or_company(server, client):
    server.route("/feed.xml", Reply(200, fixture("outlet.xml"), XML))
    companies = (Company("skcc", "SK C&C", ("SK C&C", "SK씨앤씨")),)
    ctx = CollectContext("feed", companies=companies)
    source = rss_source(server.url("/feed.xml"), keywords=["카카오"], companies=["skcc"])
    items = list(collect(source, client, ctx))
    assert [i.url[-2:] for i in items] == ["11", "14"]
    assert ctx.counters.get("filtered") == 2


def test_collect_full_text_through_trafilatura(server, client):
    article = "".join(
        f"<p>카카오 서비스 장애는 {n}번째 문단에서도 이어졌다. 이용자들은 불편을 호소했다.</p>"
        for n in range(1, 8)
    )
    page = f"<html><head><title>기사</title></head><body><article>{article}</article></body></html>"
    feed = fixture("atom.xml").replace(
        b"https://blog.example.test/posts/kakao-compensation", server.url("/post").encode()
    )
    server.route("/atom", Reply(200, feed, {"Content-Type": "application/atom+xml"}))
    server.route("/post", Reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    ctx = CollectContext("blog")
    [item] = list(collect(rss_source(server.url("/atom"), full_text=True), client, ctx))
    assert "7번째 문단" in item.text
    assert ctx.counters.get("full_text/ok") == 1


@pytest.mark.parametrize("url", ["not a url", "file:///etc/passwd"])
def test_a_feed_url_that_is_not_http_fails_at_once_without_retries(client, url):
    # settings refuse such a url at load time; the HTTP layer refuses it too, never retrying
    ctx = CollectContext("feed")
    with pytest.raises(HttpError, match="not an absolute http:// or https:// URL; not requested"):
        list(collect(rss_source(url), client, ctx))
    assert ctx.counters.get("retry/count") == 0


def test_full_text_never_fetches_a_feed_link_that_is_not_http(server, client):
    feed = fixture("atom.xml").replace(
        b"https://blog.example.test/posts/kakao-compensation", b"file:///etc/passwd"
    )
    server.route("/atom", Reply(200, feed, {"Content-Type": "application/atom+xml"}))
    ctx = CollectContext("blog")
    [item] = list(collect(rss_source(server.url("/atom"), full_text=True), client, ctx))
    assert "root:" not in item.text  # the summary from the feed, not the local file
    assert ctx.counters.get("full_text/failed") == 1
    assert ctx.counters.get("retry/count") == 0
    assert [r.path for r in server.requests] == ["/atom"]
