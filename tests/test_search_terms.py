"""Search words: every word, "a phrase", -not this; quotes and dashes that mean nothing."""

from __future__ import annotations

import pytest

from minsim.search import SearchTerms, parse_search


@pytest.mark.parametrize(
    ("text", "required", "excluded"),
    [
        ("보상", ("보상",), ()),
        ("카카오 보상", ("카카오", "보상"), ()),
        ('"보상 기준" 카카오', ("보상 기준", "카카오"), ()),
        ("카카오 -주가", ("카카오",), ("주가",)),
        ('-"주가 급락" 카카오', ("카카오",), ("주가 급락",)),
        ("100% a_b", ("100%", "a_b"), ()),
        # A lone dash is a dash to find; a double one excludes a dash-led word.
        ("- --x", ("-",), ("-x",)),
        # A quote left open, or inside a word, means nothing.
        ('"보상 기준', ("보상", "기준"), ()),
        ('a"b', ("ab",), ()),
        # Empty phrases and repeats add nothing.
        ('"" 보상 보상 -"  "', ("보상",), ()),
        ('"  보상   기준 "', ("보상 기준",), ()),
        ("", (), ()),
        # Curly and full-width quotes, as phones and word processors type them.
        ("\u201c보상 기준\u201d -\uff02주가 급락\uff02", ("보상 기준",), ("주가 급락",)),
    ],
)
def test_terms(text: str, required: tuple[str, ...], excluded: tuple[str, ...]) -> None:
    assert parse_search(text) == SearchTerms(required, excluded)


def test_terms_are_true_only_when_they_ask_for_something() -> None:
    assert not parse_search('""')
    assert parse_search("-주가")
