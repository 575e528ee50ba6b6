"""Each scorer rule pinned by a table of Korean sentences (real Kiwi, the shipped lexicon)."""

from __future__ import annotations

import pytest

from sentiment import Score
from sentiment.result import normalize
from sentiment.rules import EVENT_WORDS, SLANG_PREFIX_KEYS
from sentiment.tokenizer import tokenize_one
from tests.test_sentiment_support import shared_scorer

# A compound below this is at most a faint lean (VADER's mild words score about 0.3 alone).
CLEAR_COMPOUND = 0.3


def modifiers_of(score: Score) -> list[str]:
    return [m for hit in score.hits for m in hit.modifiers]


def rules_of(score: Score) -> list[str]:
    return score.rules + [rule for sentence in score.sentences for rule in sentence.rules]


@pytest.mark.parametrize(
    ("text", "label", "modifier"),
    [
        ("안 좋아요", "neg", "negation(안)"),
        ("좋지 않아요", "neg", "negation(않다)"),
        ("전혀 좋은 게 아니다", "neg", "negation(아니다)"),
        ("나쁘지 않네요", "pos", "negation(않다)"),
        ("문제 없어요", "pos", "negation(없다)"),
        ("진정성은 하나도 안 느껴진다", "neg", "negation(안)"),
        ("안 좋지 않아요", "pos", "double negation(안+않다)"),
    ],
)
def test_negation_before_and_after_the_predicate(text: str, label: str, modifier: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == label
    assert any(m.startswith(modifier) for m in modifiers_of(score)), modifiers_of(score)


@pytest.mark.parametrize(
    ("plain", "modified", "stronger"),
    [
        ("좋아요", "정말 좋아요", True),
        ("맛있어요", "너무 맛있어요", True),
        ("아쉽다", "좀 아쉽다", False),
        ("아쉽다", "약간 아쉽다", False),
    ],
)
def test_boosters_and_dampeners(plain: str, modified: str, stronger: bool) -> None:
    base = shared_scorer().score(plain).compound
    changed = shared_scorer().score(modified)
    assert changed.label == shared_scorer().score(plain).label
    assert (abs(changed.compound) > abs(base)) is stronger
    assert any(m.startswith("degree(") for m in modifiers_of(changed))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("맛은 좋지만 너무 비싸다", "neg"),
        ("비싸지만 맛은 정말 좋다", "pos"),
        ("좋았다. 하지만 끝은 최악이었다", "neg"),
    ],
)
def test_contrast_weighs_the_later_clause(text: str, label: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == label
    assert any("contrast" in m for m in modifiers_of(score)) or any(
        s.weight != 1 for s in score.sentences
    )


@pytest.mark.parametrize(
    ("text", "label", "key"),
    [
        ("실망이다 ㅋㅋㅋ", "neg", "ㅋㅋ/SW"),  # laughter after a complaint mocks
        ("감동이다 ㅠㅠ", "pos", "ㅠㅠ/SW"),  # tears after praise are moved
        ("슬프다 ㅠㅠ", "neg", "ㅠㅠ/SW"),
        ("최고 👍", "pos", "👍/W_EMOJI"),
        ("😡😡", "neg", "😡/W_EMOJI"),
    ],
)
def test_laughter_crying_and_emoji(text: str, label: str, key: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == label
    mark = next(hit for hit in score.hits if hit.key == key)
    assert (mark.weight > 0) is (label == "pos")


def test_repeated_exclamation_marks_strengthen() -> None:
    plain = shared_scorer().score("좋다")
    loud = shared_scorer().score("좋다!!!")
    assert loud.compound > plain.compound > 0
    assert "exclamation x3" in rules_of(loud)


@pytest.mark.parametrize("text", ["이게 진정성 있는 사과냐?", "이걸 누가 좋다고 하냐?"])
def test_rhetorical_question_turns_praise_negative(text: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == "neg"
    assert "rhetorical question" in rules_of(score)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("참 잘~한다", "sarcasm: 참 잘~한다"),
        ("아주 잘들 한다", "sarcasm: 참 잘~한다"),
        ("역시 카카오 ㅋㅋ", "sarcasm: 역시 ~ㅋㅋ"),
        ("대응 참 빠르시네요^^ 사흘째 먹통인데", "sarcasm: praise with ^^ in a complaint"),
        ("카톡 먹통인데 대처 정말 훌륭하네요^^", "sarcasm: praise with ^^ in a complaint"),
    ],
)
def test_sarcasm_cues(text: str, rule: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == "neg"
    assert rule in rules_of(score)


@pytest.mark.parametrize(
    "text",
    [
        "조금 지루했지만 정말 재미있고 따뜻한 영화였어요^^",
        "어제는 짜증났는데 오늘은 정말 즐겁고 행복한 하루였어요^^",
    ],
)
def test_a_smile_after_praise_that_outweighs_the_complaint_is_sincere(text: str) -> None:
    score = shared_scorer().score(text)
    assert "sarcasm: praise with ^^ in a complaint" not in rules_of(score)
    assert score.label == "pos"


@pytest.mark.parametrize(
    "text", ["카카오 데이터센터 화재로 서비스 장애가 발생했다", "대표가 사퇴했다", "사과했다"]
)
def test_event_words_are_not_opinion(text: str) -> None:
    score = shared_scorer().score(text)
    assert not EVENT_WORDS & {hit.key.split(" ")[0] for hit in score.hits}
    assert abs(score.compound) < CLEAR_COMPOUND


def test_long_texts_average_sentences_and_do_not_saturate() -> None:
    praise = "정말 최고예요. "
    long = shared_scorer().score(praise * 200)
    assert long.compound == pytest.approx(shared_scorer().score(praise).compound, abs=1e-9)
    assert len(long.sentences) >= 100
    assert long.compound < 0.99


def test_one_clear_sentence_is_not_outvoted_by_faint_ones() -> None:
    text = "진짜 최악이고 역겹고 짜증난다. " + "집에 갔어요. " * 5
    score = shared_scorer().score(text)
    totals = [s.total for s in score.sentences if s.total]
    compounds = [s.compound for s in score.sentences if s.total]
    # the faint plain sentences lean positive, and their compounds alone would outvote the
    # complaint; the document weighs what was said, not how many sentences said it
    assert sum(compounds) > 0 > sum(totals), (totals, compounds)
    assert score.label == "neg"
    assert score.compound == pytest.approx(normalize(sum(totals) / len(totals)))


@pytest.mark.parametrize(
    "text",
    [
        "화재로 서비스가 중단됐다",
        "카카오는 19일 오후 기자회견을 열었다",
        "카카오페이는 결제 서비스를 순차적으로 재개했다",
    ],
)
def test_issue_3_reported_facts_are_neutral(text: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == "neu", [(h.key, h.base) for h in score.hits]
    assert "reported fact: weak words only" in rules_of(score)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("카카오의 대응은 정말 최악이었다", "neg"),  # a strong word is opinion, past tense or not
        ("복구가 빨라서 다행이었다", "pos"),
        ("서비스가 중단됐다 ㅠㅠ", "neg"),  # marks belong to comments, not reports
    ],
)
def test_issue_3_opinion_in_the_past_tense_is_not_a_reported_fact(text: str, label: str) -> None:
    score = shared_scorer().score(text)
    assert "reported fact: weak words only" not in rules_of(score)
    assert score.label == label


@pytest.mark.parametrize(
    "text",
    ["오늘 오후 3시에 기자회견 예정", "카카오톡 서비스 복구 완료", "정부, 카카오 현장 점검 착수"],
)
def test_a_headline_closing_on_a_news_noun_is_neutral(text: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == "neu", [(h.key, h.base) for h in score.hits]
    assert "headline: weak words only" in rules_of(score)


@pytest.mark.parametrize(
    ("text", "label"),
    [("최악의 대응 결정", "neg"), ("빠른 복구 완료", "pos"), ("드디어 복구 완료 ㅋㅋ", "pos")],
)
def test_opinion_in_a_headline_is_kept(text: str, label: str) -> None:
    score = shared_scorer().score(text)
    assert "headline: weak words only" not in rules_of(score)
    assert score.label == label


@pytest.mark.parametrize(
    "text",
    [
        "나는 그 영화를 세 번이나 봤다",
        "저는 그 책을 두 번 읽었다",
        "저희는 그 식당에서 밥을 먹었다",
    ],
)
def test_the_writers_own_experience_is_not_a_reported_fact(text: str) -> None:
    assert "reported fact: weak words only" not in rules_of(shared_scorer().score(text))


def test_issue_3_sincere_praise_of_doing_well_is_not_sarcasm() -> None:
    score = shared_scorer().score("노래 진짜 잘한다")
    assert "sarcasm: 참 잘~한다" not in rules_of(score)
    assert score.label == "pos"


@pytest.mark.parametrize(
    ("text", "label"), [("GOOD", "pos"), ("Good movie", "pos"), ("so boring", "neg")]
)
def test_english_opinion_words_match_in_any_case(text: str, label: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == label
    latin = [hit.key.removesuffix("/SL") for hit in score.hits if hit.key.endswith("/SL")]
    assert latin and all(word == word.lower() for word in latin)


@pytest.mark.parametrize(
    ("text", "word", "sentences"),
    [("The service is good.", "good", 1), ("iPhone. 최고", "iphone", 2), ("bad. 진짜", "bad", 2)],
)
def test_an_english_word_before_a_full_stop_is_the_word(
    text: str, word: str, sentences: int
) -> None:
    # Kiwi keeps the stop inside the word ("good.") or cuts the word in two ("i" + "Phone.")
    split = tokenize_one(text)
    keys = [key for sentence in split for key in sentence.keys]
    assert f"{word}/SL" in keys and "./SF" in keys, keys
    assert len(split) == sentences
    at = keys.index(f"{word}/SL")
    morpheme = [m for sentence in split for m in sentence.morphemes][at]
    assert text[morpheme.start : morpheme.end].lower() == word  # offsets still fit the text


def test_an_english_opinion_word_at_a_sentence_end_counts() -> None:
    assert shared_scorer().score("The update is bad.").label == "neg"


def test_abbreviations_keep_their_stops() -> None:
    keys = [key for sentence in tokenize_one("U.S.A. 최고") for key in sentence.keys]
    assert "u.s.a./SL" in keys, keys


def test_not_negates_an_english_word() -> None:
    assert shared_scorer().score("not good").label == "neg"


@pytest.mark.parametrize("text", ["ㅈㄴ 웃김", "겁나 좋다", "레알 재밌다"])
def test_slang_intensifiers_boost_rather_than_judge(text: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == "pos"
    assert any(m.startswith("degree(") for m in modifiers_of(score)), modifiers_of(score)


@pytest.mark.parametrize("text", ["개맛있어요", "카톡 복구 개빠르네", "핵친절한 상담"])
def test_a_glued_slang_prefix_boosts_the_word_it_is_written_on(text: str) -> None:
    score = shared_scorer().score(text)
    assert score.label == "pos"
    assert not any(hit.key in SLANG_PREFIX_KEYS for hit in score.hits)  # 개 is not a dog here
    assert any(m.startswith("degree(") for m in modifiers_of(score)), modifiers_of(score)


def test_a_prefix_word_standing_apart_boosts_nothing() -> None:
    score = shared_scorer().score("개 짖는 소리에 좋은 아침")
    assert not any(m.startswith("degree(개") for m in modifiers_of(score)), modifiers_of(score)


@pytest.mark.parametrize(
    ("text", "label"),
    [("마음이 아프다", "neg"), ("가슴 아픈 사고였습니다", "neg"), ("이제 마음이 놓인다", "pos")],
)
def test_the_seat_of_a_feeling_takes_the_feeling_of_its_predicate(text: str, label: str) -> None:
    # reviews praise films that hurt; a comment on a disaster that hurts is grief
    assert shared_scorer().score(text).label == label


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ㅋㄱㅋㄱㅋㄱ", "ㅋㅋ/SW"),
        ("ㅋㅋㅌㅋㅋ", "ㅋㅋ/SW"),
        ("ㅎㅎㅋ", "ㅎㅎ/SW"),
        ("ㅠㅜㅠㅜ", "ㅠㅠ/SW"),
    ],
)
def test_laughter_and_crying_typed_in_a_hurry_are_the_plain_marks(text: str, key: str) -> None:
    keys = [k for sentence in tokenize_one(f"복구 소식 {text}") for k in sentence.keys]
    assert key in keys, keys


@pytest.mark.parametrize("text", ["ㅎㄷㄷ", "ㅊㅋㅊㅋ", "ㄱㄱㅋ", "ㅜㅠ"])
def test_other_jamo_runs_keep_their_own_keys(text: str) -> None:
    keys = [k for sentence in tokenize_one(text) for k in sentence.keys]
    assert keys == [f"{text}/SW"], keys


@pytest.mark.parametrize("text", ["2점 차이로 이겼다", "1점 차로 졌다", "10점 차이가 났다"])
def test_a_margin_between_scores_is_not_a_rating(text: str) -> None:
    # 2점 alone is a poor rating (-2); a margin of two points says nothing about quality
    score = shared_scorer().score(text)
    ratings = [h for h in score.hits if h.key.split(" ")[1:2] == ["점/NNB"]]
    assert ratings and all(abs(h.base) < 0.5 for h in ratings), [(h.key, h.base) for h in ratings]
