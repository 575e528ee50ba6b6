"""Aspects: cues per clause, apple versus apology, mixed opinions, inheritance, the loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment import Score, Scorer, load_aspects
from sentiment.aspects import AspectsError, topic_cues
from sentiment.result import normalize
from tests.test_sentiment_support import ASPECTS, shared_scorer


def aspects_of(score: Score) -> dict[str, tuple[str, bool]]:
    return {a.aspect: (a.label, a.inherited) for a in score.aspects}


def test_scenario_aspects_cover_the_required_ids() -> None:
    ids = {aspect.id for aspect in load_aspects(ASPECTS)}
    assert {"apology", "resignation", "outage", "compensation", "infrastructure", "stock"} <= ids


def test_mixed_sentence_splits_apology_and_resignation() -> None:
    score = shared_scorer().score("사과는 좋았는데 사퇴는 보여주기 같다")
    found = aspects_of(score)
    assert found["apology"] == ("pos", False)
    assert found["resignation"] == ("neg", False)


def test_opinion_after_a_cue_clause_counts_for_that_aspect() -> None:
    score = shared_scorer().score("사과는 했지만 진정성은 하나도 안 느껴진다ㅋㅋ")
    assert aspects_of(score)["apology"] == ("neg", False)


@pytest.mark.parametrize(
    "text",
    [
        "사과 한 박스 샀는데 정말 맛있다",
        "사과즙이 최고다",
        "사과를 깎아 먹었다",
        "사과 농장에 다녀왔다",
        "사과 맛 사탕 좋아요",
    ],
)
def test_apple_is_not_an_apology(text: str) -> None:
    assert "apology" not in aspects_of(shared_scorer().score(text))


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("진심 어린 사과문이 좋았다", "apology"),
        ("카톡 먹통 사흘째 너무 짜증난다", "outage"),
        ("보상은 쥐꼬리만 하다", "compensation"),
        ("데이터센터 이중화도 안 해놓은 게 말이 되냐", "infrastructure"),
        ("주가 폭락해서 개미들만 울상이다", "stock"),
        ("대표가 책임지고 물러난 건 잘한 결정이다", "resignation"),
    ],
)
def test_cues_name_their_aspect(text: str, aspect: str) -> None:
    assert aspect in aspects_of(shared_scorer().score(text))


def test_comment_without_cue_inherits_the_article_aspects() -> None:
    score = shared_scorer().score("정말 실망스럽네요", inherited_aspects=["apology", "resignation"])
    assert aspects_of(score) == {"apology": ("neg", True), "resignation": ("neg", True)}


def test_comment_with_a_cue_does_not_inherit() -> None:
    score = shared_scorer().score("보상은 정말 실망스럽네요", inherited_aspects=["apology"])
    assert aspects_of(score) == {"compensation": ("neg", False)}


def test_score_many_passes_inherited_aspects_per_text() -> None:
    scores = shared_scorer().score_many(["최고예요", "최악"], inherited_aspects=[["stock"], []])
    assert aspects_of(scores[0]) == {"stock": ("pos", True)}
    assert scores[1].aspects == []


def test_bad_aspects_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "aspects.toml"
    path.write_text('[[aspect]]\nid = "x"\ncues = ["사과"]\n', encoding="utf-8")
    with pytest.raises(AspectsError, match="aspects.toml"):
        load_aspects(path)
    path.write_text('[[aspect]]\nid = "x"\nclues = []\n', encoding="utf-8")
    with pytest.raises(AspectsError, match="unknown keys"):
        load_aspects(path)


def test_an_aspect_id_must_fit_the_column_that_stores_it(tmp_path: Path) -> None:
    from minsim import schema
    from sentiment.aspects import MAX_ASPECT_ID_CHARS

    assert schema.aspect_scores.c.aspect.type.length == MAX_ASPECT_ID_CHARS
    path = tmp_path / "aspects.toml"
    path.write_text(f'[[aspect]]\nid = "{"a" * MAX_ASPECT_ID_CHARS}"\n', encoding="utf-8")
    assert load_aspects(path)[0].id == "a" * MAX_ASPECT_ID_CHARS
    path.write_text(f'[[aspect]]\nid = "{"a" * (MAX_ASPECT_ID_CHARS + 1)}"\n', encoding="utf-8")
    with pytest.raises(AspectsError, match=f"longer than {MAX_ASPECT_ID_CHARS}"):
        load_aspects(path)


def test_an_aspect_weighs_what_its_sentences_said_not_how_many_said_it() -> None:
    text = (
        "사과 최악이다. 사과 보고 공원을 걸었어요. 사과문 책처럼 읽었습니다. 사과 음악처럼 들었다."
    )
    score = shared_scorer().score(text)
    assert all(s.aspects == ["apology"] for s in score.sentences)
    totals = [s.total for s in score.sentences if s.total]
    # the faint sentences' compounds alone would outvote the one clear complaint
    assert sum(normalize(t) for t in totals) > 0 > sum(totals), totals
    (apology,) = score.aspects
    assert apology.label == "neg" and not apology.inherited
    assert apology.compound == pytest.approx(normalize(sum(totals) / len(totals)))


def test_cues_that_name_a_thing_are_topics_and_cues_with_a_predicate_are_not() -> None:
    topics = topic_cues(load_aspects(ASPECTS))
    assert {"투자/NNG", "주가/NNG", "대통령/NNG"} <= topics.words
    assert ("국정/NNG", "감사/NNG") in topics.phrases
    assert ("데이터/NNG", "센터/NNG") in topics.phrases
    assert "멈추다/VV" not in topics.words  # says what happened
    assert ("고개/NNG", "숙이다/VV") not in topics.phrases
    assert not any("안/MAG" in cue for cue in topics.phrases)  # 카톡 안 되다 keeps its negation


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        # 감사 inside 국정감사 is an audit, not thanks
        ("오늘 국정감사에 카카오 대표가 증인으로 출석했다", "regulation"),
        # 투자 and 센터 learned a lean from film reviews (투자 받아 만든 영화)
        ("카카오는 데이터센터 투자를 늘리기로 했다", "infrastructure"),
    ],
)
def test_a_topic_named_in_a_report_is_not_an_opinion(text: str, aspect: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == "neu", score.compound
    assert aspect in aspects_of(score)
    assert any(rule.startswith("topic words") for s in score.sentences for rule in s.rules)
    assert not any(h.key in {"감사/NNG", "투자/NNG", "센터/NNG"} for h in score.hits)


def test_without_aspects_the_same_words_are_scored_as_before() -> None:
    plain = Scorer()  # no scenario: no topics (the same Kiwi, a second lexicon in memory)
    hits = {h.key for h in plain.score("국정감사에 나온 투자 이야기").hits}
    assert {"감사/NNG", "투자/NNG"} <= hits


def test_a_topic_keeps_what_the_team_wrote_about_it() -> None:
    # 폭락 (a cue of the stock aspect) is a curated complaint word; 하한가 a written phrase
    for text in ("주가가 폭락했다", "오늘도 하한가 찍었네"):
        score = shared_scorer().score(text)
        assert score.label == "neg", (text, score.compound)
        assert "stock" in aspects_of(score)


def test_explain_names_the_topic_words_that_did_not_count() -> None:
    score = shared_scorer().score("카카오가 투자를 늘린다는데 주가는 언제 오르냐")
    (sentence,) = score.sentences
    assert "topic words: 투자/NNG, 주가/NNG" in sentence.rules
    assert {"infrastructure", "stock"} <= set(sentence.aspects)
