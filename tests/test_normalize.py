"""normalize: identity, cleaning, dates and the reasons items are dropped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import String, select

from minsim import schema
from minsim.db import migrate, open_engine
from minsim.ingest import ingest
from minsim.models import Document, Drop, RawItem, RunCounters
from minsim.normalize import (
    MAX_EXTERNAL_ID_CHARS,
    MAX_SOURCE_CHARS,
    author_hash,
    canonical_url,
    clean_text,
    clean_url,
    doc_id_for_url,
    is_web_url,
    normalize,
    parse_datetime,
)
from minsim.scenario import load_scenario

NOW = datetime(2022, 10, 20, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent
# Emoji whose zero-width joiners or tag characters are part of the picture and must stay.
KEPT_EMOJI = (
    "가족 \U0001f468\u200d\U0001f469\u200d\U0001f467",  # man ZWJ woman ZWJ girl
    "\u2764\ufe0f\u200d\U0001f525 불타는 마음",  # heart on fire (after a variation selector)
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
)


def _norm(**fields: object) -> Document | Drop:
    base: dict[str, object] = {
        "source": "s",
        "kind": "comment",
        "external_id": "1",
        "text": "카톡 언제 돼요",
        "published_at": "2022-10-15T16:00:00+09:00",
    }
    return normalize(RawItem(**(base | fields)), salt="salt", collected_at=NOW)  # type: ignore[arg-type]


def test_tracking_parameters_and_fragments_do_not_make_a_new_article() -> None:
    a = "https://News.example.com/a/1/?utm_source=x&id=3#comments"
    assert canonical_url(a) == "https://news.example.com/a/1?id=3"
    assert doc_id_for_url(a) == doc_id_for_url("https://news.example.com/a/1?id=3")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://n.example.com/a/1?id=3&utm_source=fb&q=%ED%95%9C+x&fbclid=z&gclid=1&page=2",
            "https://n.example.com/a/1?id=3&q=%ED%95%9C+x&page=2",  # others kept as given, in order
        ),
        ("https://n.example.com/a/1/?UTM_Campaign=x&utm_id_2=y#c", "https://n.example.com/a/1/#c"),
        ("https://n.example.com/a/1?msclkid=a&igshid=b&_gl=c", "https://n.example.com/a/1"),
        ("https://n.example.com/a/1?b=2&a=1", "https://n.example.com/a/1?b=2&a=1"),
    ],
)
def test_clean_url_drops_only_tracking_parameters(url: str, expected: str) -> None:
    assert clean_url(url) == expected
    assert canonical_url(url) == canonical_url(expected)


def test_a_stored_article_url_has_no_tracking_parameters() -> None:
    doc = _norm(kind="article", url="https://n.example.com/a/1?id=3&utm_source=kakao&gclid=x")
    assert isinstance(doc, Document)
    assert doc.url == "https://n.example.com/a/1?id=3"
    assert doc.doc_id == doc_id_for_url("https://n.example.com/a/1?id=3")
    assert doc.external_id == "1"


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("https://n.example.com/a", True),
        ("HTTP://N.example.com", True),
        ("javascript:alert(1)", False),
        (" \x01javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("file:///etc/passwd", False),
        ("ftp://n.example.com/a", False),
        ("https:no-host", False),
        ("http://[::1", False),  # urlsplit raises on it
    ],
)
def test_only_http_urls_with_a_host_are_web_urls(url: str, web: bool) -> None:
    assert is_web_url(url) is web


def test_an_article_whose_url_is_not_http_is_dropped() -> None:
    result = _norm(kind="article", url="javascript:alert(1)")
    assert isinstance(result, Drop)
    assert result.reason == "bad_url"


def test_a_comment_keeps_its_text_but_not_a_link_that_is_not_http() -> None:
    doc = _norm(url="data:text/html,x", article_url="javascript:alert(1)")
    assert isinstance(doc, Document)
    assert (doc.url, doc.parent_id, doc.text) == (None, None, "카톡 언제 돼요")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u202e뒤집기", "뒤집기"),  # RIGHT-TO-LEFT OVERRIDE would show it as 기집뒤
        ("\u202a가\u202b나\u202c다\u202d라", "가나다라"),  # embeddings and overrides
        ("\u2066가\u2067나\u2068다\u2069", "가나다"),  # isolates
        ("\u200e카카오\u200f\u061c", "카카오"),  # bidi marks
        ("카\u00ad카\u2060오\u200c톡\u200d", "카카오톡"),  # hidden inside a word
        ("태그\U000e0041\U000e0042", "태그"),  # tag characters outside a flag
        *[(emoji, emoji) for emoji in KEPT_EMOJI],
        ("첫 줄\n\t둘째  줄", "첫 줄\n둘째 줄"),  # newlines kept, spaces folded
    ],
)
def test_invisible_format_characters_are_removed(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_stored_text_and_links_are_clean_in_the_database(tmp_path: Path) -> None:
    """Two tracked links to one article make one row; a bidi override never reaches the table."""
    engine = open_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    migrate(engine)
    article = {
        "source": "s",
        "kind": "article",
        "external_id": "",
        "title": "카카오 먹통",
        "published_at": "2022-10-15T16:00:00+09:00",
    }
    items = [
        RawItem(**article, text="\u202e뒤집기", url="https://n.example.com/a/7?utm_source=fb&id=1"),
        RawItem(**article, text="\u202e뒤집기", url="https://n.example.com/a/7?id=1&fbclid=x"),
    ]
    counters = RunCounters()
    scenario = load_scenario(REPO / "seeds" / "kakao-2022")
    ingest(
        engine, items, scenario=scenario, scorer=None, counters=counters, salt="s", run_id=None,
        collected_at=NOW,
    )  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(select(schema.documents.c.url, schema.documents.c.text)).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("https://n.example.com/a/7?id=1", "뒤집기")]
    assert (counters.get("new"), counters.get("duplicate")) == (1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-10-15T16:00:00+09:00", datetime(2022, 10, 15, 7, tzinfo=UTC)),
        ("2022-10-15 16:00:00", datetime(2022, 10, 15, 7, tzinfo=UTC)),  # naive = KST
        ("Sat, 15 Oct 2022 07:00:00 GMT", datetime(2022, 10, 15, 7, tzinfo=UTC)),
        ("2022-10-15T07:00:00Z", datetime(2022, 10, 15, 7, tzinfo=UTC)),
        ("어제", None),
        ("", None),
    ],
)
def test_dates(value: str, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"kind": "tweet"}, "bad_kind"),
        ({"text": " \x00\u200b "}, "empty_text"),
        ({"published_at": None}, "no_date"),
        ({"published_at": "2030-01-01T00:00:00+09:00"}, "future_date"),
        ({"external_id": ""}, "no_external_id"),
        ({"kind": "article", "url": None}, "no_url"),
        ({"source": "s" * (MAX_SOURCE_CHARS + 1)}, "source_too_long"),
        ({"external_id": "c" * (MAX_EXTERNAL_ID_CHARS + 1)}, "external_id_too_long"),
        ({"source": "s\x00"}, "bad_source"),  # PostgreSQL refuses NUL in text
        ({"external_id": "c\ud800"}, "bad_external_id"),  # a lone surrogate is not UTF-8
        ({"kind": "article", "url": "https://x.invalid/a\x00"}, "bad_url"),
    ],
)
def test_drops_carry_a_reason(fields: dict[str, object], reason: str) -> None:
    result = _norm(**fields)
    assert isinstance(result, Drop)
    assert result.reason == reason


def test_control_characters_are_removed_and_spaces_folded() -> None:
    assert clean_text("사과\x07는   했지만\r\n\r\n진정성\u200b은?") == "사과는 했지만\n진정성은?"


def test_comment_links_to_its_article_and_hashes_its_author() -> None:
    doc = _norm(author="분노한시민", article_url="https://x.invalid/a?utm_medium=y")
    assert isinstance(doc, Document)
    assert doc.parent_id == doc_id_for_url("https://x.invalid/a")
    assert doc.author_hash and "분노한시민" not in doc.author_hash
    assert doc.author_hash != _norm(author="다른사람").author_hash  # type: ignore[union-attr]


def test_negative_or_junk_counts_become_unknown() -> None:
    doc = _norm(likes=-3, dislikes="many")
    assert isinstance(doc, Document)
    assert (doc.likes, doc.dislikes) == (None, None)


def test_the_column_limits_come_from_the_schema() -> None:
    assert MAX_SOURCE_CHARS == schema.documents.c.source.type.length == 100
    assert MAX_EXTERNAL_ID_CHARS == schema.documents.c.external_id.type.length == 500


def test_a_source_and_external_id_as_long_as_their_columns_are_kept() -> None:
    doc = _norm(source="s" * MAX_SOURCE_CHARS, external_id="c" * MAX_EXTERNAL_ID_CHARS)
    assert isinstance(doc, Document)
    assert (len(doc.source), len(doc.external_id)) == (MAX_SOURCE_CHARS, MAX_EXTERNAL_ID_CHARS)


LONG_URL = "https://news.example.com/a/1?" + "&".join(f"k{n}=v{n}" for n in range(200))


@pytest.mark.parametrize(
    ("external_id", "url", "expected"),
    [
        ("", "https://n.example.com/a/1?utm_source=x", "https://n.example.com/a/1"),  # default
        ("g" * 501, "https://n.example.com/a/1", "https://n.example.com/a/1"),  # canonical URL
        ("", LONG_URL, doc_id_for_url(LONG_URL)),  # neither fits: the doc_id
        ("id\x00", LONG_URL, doc_id_for_url(LONG_URL)),  # not storable: replaced too
        ("guid-7", LONG_URL, "guid-7"),  # a short id of its own is kept
    ],
)
def test_an_article_whose_external_id_does_not_fit_is_kept_with_a_shorter_one(
    external_id: str, url: str, expected: str
) -> None:
    """An article is identified by its URL (stored whole); its external_id is only a record."""
    doc = _norm(kind="article", external_id=external_id, url=url)
    assert isinstance(doc, Document)
    assert doc.external_id == expected
    assert (doc.url, doc.doc_id) == (clean_url(url), doc_id_for_url(url))


def test_every_bounded_column_holds_what_normalize_makes_of_extreme_items() -> None:
    """Values past a column's bound fail a whole batch on PostgreSQL: none may leave normalize."""
    longest = {
        "source": "s" * MAX_SOURCE_CHARS,
        "author": "닉" * 10_000,
        "title": "제목" * 10_000,
        "published_at": "2022-10-15T16:00:00+09:00",
    }
    items = [
        RawItem(kind="article", external_id="", url=LONG_URL, text="본문", **longest),
        RawItem(kind="article", external_id="g" * 5_000, url=LONG_URL, text="본문", **longest),
        RawItem(
            kind="comment",
            external_id="c" * MAX_EXTERNAL_ID_CHARS,
            text="댓글",
            article_url=LONG_URL,
            **longest,
        ),
    ]
    bounded = [
        (column.name, column.type.length)
        for column in schema.documents.c
        if isinstance(column.type, String) and column.type.length
    ]
    assert {name for name, _ in bounded} >= {"source", "external_id", "author_hash", "doc_id"}
    for item in items:
        doc = normalize(item, salt="salt", collected_at=NOW)
        assert isinstance(doc, Document), doc
        for name, length in bounded:
            value = getattr(doc, name)
            assert value is None or len(value) <= length, (item.kind, name, len(value))


def test_lone_surrogates_are_removed_from_texts_and_links_that_hold_one_left_out() -> None:
    """Half of an emoji (a JSON escape cut in two) cannot be encoded for any database."""
    doc = _norm(
        text="사과\ud83d는 했지만",
        title="제목\udca9",
        author="닉\ud800",
        url="https://x.invalid/c\ud800",
        article_url="https://x.invalid/a\ud800",
    )
    assert isinstance(doc, Document)
    assert (doc.text, doc.title, doc.url, doc.parent_id) == ("사과는 했지만", "제목", None, None)
    assert doc.author_hash == author_hash("닉\ud800", "salt") != author_hash("닉", "salt")
