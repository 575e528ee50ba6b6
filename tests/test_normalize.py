"""normalize: identity, cleaning, dates and the reasons items are dropped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from minsim.models import Document, Drop, RawItem
from minsim.normalize import canonical_url, clean_text, doc_id_for_url, normalize, parse_datetime

NOW = datetime(2022, 10, 20, tzinfo=UTC)


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
