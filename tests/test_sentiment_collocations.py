"""Generated pairs (collocations) add to the words they span, and never overrule written words."""

from __future__ import annotations

import re
import shutil

import pytest

from sentiment import Scorer
from sentiment.explain import explain_text
from sentiment.lexicon_loader import LEXICON_DIR, MODIFIERS_FILE
from sentiment.result import COLLOCATION_NOTE, Hit
from tests.test_sentiment_support import shared_scorer

HEADER = "key\tweight\tsource\tnote\n"
WRITTEN = {"curated", "domain", "user", "rule"}


@pytest.fixture(scope="module")
def scorer(tmp_path_factory: pytest.TempPathFactory) -> Scorer:
    folder = tmp_path_factory.mktemp("lexicon")
    shutil.copy(LEXICON_DIR / MODIFIERS_FILE, folder / MODIFIERS_FILE)
    (folder / "core.tsv").write_text(HEADER + "좋다/VA\t2\tcurated\t\n", encoding="utf-8")
    (folder / "induced_x.tsv").write_text(
        HEADER
        + "연기/NNG\t1\tinduced:x\t\n"
        + "배우/NNG 연기/NNG\t0.5\tinduced:x\t\n"
        + "좋다/VA 어요/EF\t1.5\tinduced:x\t\n"
        + "사과/NNG 하/XSV\t-2\tinduced:x\t\n"
        + "지만/EC 연기/NNG\t0.5\tinduced:x\t\n",
        encoding="utf-8",
    )
    return Scorer(lexicon_dir=folder)


def hits_of(scorer: Scorer, text: str) -> list[Hit]:
    (sentence,) = scorer.score(text).sentences
    return sentence.hits


def test_a_pair_adds_to_its_words(scorer: Scorer) -> None:
    (sentence,) = scorer.score("배우 연기").sentences
    by_key = {h.key: h for h in sentence.hits}
    assert by_key["연기/NNG"].weight == 1.0  # the word keeps its own weight
    pair = by_key["배우/NNG 연기/NNG"]
    assert (pair.text, pair.weight, pair.modifiers) == ("배우 연기", 0.5, [COLLOCATION_NOTE])
    assert sentence.total == pytest.approx(1.5)
    assert "document" not in repr(pair)  # every hit shares the text; repr must not repeat it


def test_a_pair_that_contradicts_a_written_word_is_left_out(scorer: Scorer) -> None:
    # 안 makes the curated 좋다 negative; the reviews' 좋아요 (+1.5) would undo the negation
    negated = hits_of(scorer, "안 좋아요")
    assert [h.key for h in negated] == ["좋다/VA"]
    assert negated[0].weight < 0
    # where it agrees with the written word, the pair adds its evidence
    assert {h.key for h in hits_of(scorer, "좋아요")} == {"좋다/VA", "좋다/VA 어요/EF"}


def test_a_pair_holding_an_event_word_is_ignored(scorer: Scorer) -> None:
    assert scorer.score("사과했다").compound == 0.0


def test_explain_lists_a_pair_beside_its_words(scorer: Scorer) -> None:
    text = "배우 연기 좋아요"
    lines = explain_text(text, scorer.score(text)).splitlines()
    spans = [re.search(r"\[(\d+):(\d+)\]", line) for line in lines if line.startswith("  hit ")]
    starts = [int(match.group(1)) for match in spans if match]
    assert starts == [0, 3, 6, 6]  # 배우 연기 (pair), 연기, 좋, 좋아요 (pair)
    assert lines.count(f"      {COLLOCATION_NOTE}") == 2


def test_a_pair_holding_a_contrast_marker_belongs_to_the_clause_after_it(scorer: Scorer) -> None:
    (pair,) = [h for h in hits_of(scorer, "좋지만 연기") if h.key == "지만/EC 연기/NNG"]
    assert pair.clause == 1
    assert pair.modifiers == [COLLOCATION_NOTE, "contrast(after): +0.500 -> +0.750"]


@pytest.mark.parametrize(
    "text",
    [
        "10점 만점에 7점",
        "안 깊었어요",
        "안 좋아요",
        "슬프다 ㅠㅠ",
        "마음이 아프다",
        "재미 없는 영화",
    ],
)
def test_shipped_pairs_never_overrule_what_a_word_was_decided_to_mean(text: str) -> None:
    # a written phrase is not touched; a written word, or one a rule turned around, is not
    # contradicted (reviews would make 10점 만점에 7점 praise and undo the 안 of 안 깊었어요)
    for sentence in shared_scorer().score(text).sentences:
        pairs = [h for h in sentence.hits if h.is_collocation]
        decided = [
            h
            for h in sentence.hits
            if not h.is_collocation and (h.source in WRITTEN or h.weight * h.base < 0)
        ]
        for pair in pairs:
            for word in decided:
                if word.first <= pair.last and pair.first <= word.last:
                    assert word.first == word.last, (pair.key, word.key)
                    assert pair.base * word.weight > 0, (pair.key, word.key)
