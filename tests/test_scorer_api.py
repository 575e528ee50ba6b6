"""The Scorer's public API and the scorer commands (explain, eval, lexicon check/induce)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minsim.cli import main
from sentiment import Scorer
from sentiment.explain import explain_text
from sentiment.result import STORED_HITS_LIMIT, STORED_SENTENCES_LIMIT, normalize
from tests.test_sentiment_support import REPO, shared_scorer

TEXTS = [
    "사과는 좋았는데 사퇴는 보여주기 같다",
    "카톡 먹통 진짜 최악이다 ㅡㅡ",
    "복구 빨리 해줘서 고마워요!",
    "",
    "2022년 10월 15일 판교 데이터센터에서 불이 났다.",
]


def test_score_many_matches_score_in_order() -> None:
    scorer = shared_scorer()
    many = scorer.score_many(TEXTS)
    assert [s.to_dict() for s in many] == [scorer.score(t).to_dict() for t in TEXTS]


def test_score_carries_hits_sentences_and_json() -> None:
    score = shared_scorer().score("카톡 먹통 진짜 최악이다. 복구는 빨랐다")
    assert len(score.sentences) == 2
    assert score.label in ("pos", "neg", "neu")
    assert abs(score.pos + score.neg + score.neu - 1) < 1e-9
    stored = json.loads(score.to_json())
    assert stored["hits"] and {"span", "key", "base", "modifiers", "weight"} <= set(
        stored["hits"][0]
    )
    hit = next(h for h in score.hits if h.key == "최악/NNG")
    assert "카톡 먹통 진짜 최악이다"[hit.start : hit.end] == hit.text == "최악"


def test_a_huge_text_stores_its_strongest_hits_and_counts_the_rest() -> None:
    score = shared_scorer().score("카톡 먹통 진짜 최악이다. 보상은 언제 하냐? " * 500)
    everything = score.to_dict()
    stored = json.loads(score.to_json())
    assert len(stored["hits"]) == STORED_HITS_LIMIT < len(everything["hits"])
    assert len(stored["sentences"]) == STORED_SENTENCES_LIMIT < len(everything["sentences"])
    omitted = stored["hits_omitted"]
    assert omitted["count"] == len(everything["hits"]) - STORED_HITS_LIMIT
    assert stored["sentences_omitted"] == len(everything["sentences"]) - STORED_SENTENCES_LIMIT
    weakest_kept = min(abs(hit["weight"]) for hit in stored["hits"])
    assert weakest_kept >= max(abs(hit.weight) for hit in score.hits) * 0.5  # the strongest stay
    starts = [hit["span"][0] for hit in stored["hits"]]
    assert starts == sorted(starts)  # still in text order
    assert stored["compound"] == everything["compound"]


def test_a_short_text_stores_everything() -> None:
    score = shared_scorer().score("카톡 먹통 진짜 최악이다. 복구는 빨랐다")
    assert json.loads(score.to_json()) == score.to_dict()


def test_score_many_rejects_mismatched_inherited_aspects() -> None:
    with pytest.raises(ValueError, match="inherited"):
        shared_scorer().score_many(["좋다", "싫다"], inherited_aspects=[["apology"]])


def test_extra_lexicon_from_settings_changes_scores_and_version(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text("key\tweight\tsource\tnote\n뀨뀨/NNG\t3\tuser\t\n", encoding="utf-8")
    scorer = Scorer([extra])
    assert scorer.version != Scorer().version
    assert any(h.key == "뀨뀨/NNG" and h.source == "user" for h in scorer.score("뀨뀨").hits)


def test_explain_command_shows_morphemes_and_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "사과는 했지만 진정성은 하나도 안 느껴진다ㅋㅋ"]) == 0
    out = capsys.readouterr().out
    assert "진정/NNG 성/XSN" in out
    assert "negation(안)" in out
    assert "aspect apology" in out


def test_explain_shows_how_the_sentences_make_the_document() -> None:
    text = "보상안은 최악이다. 그래도 복구는 빨랐다. 직원들은 고생 많았어요."
    score = shared_scorer().score(text)
    shown = explain_text(text, score)
    line = next(line for line in shown.splitlines() if line.startswith("document:"))
    mean = float(line.split("totals (by their weight in the document) ")[1].split(",")[0])
    assert "mean of its 3 scored sentences" in line
    assert normalize(mean) == pytest.approx(score.compound, abs=1e-3)  # the shown figure is used
    single = explain_text("정말 좋아요", shared_scorer().score("정말 좋아요"))
    assert "document:" not in single  # one sentence's total is the document's


def test_explain_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "정말 좋아요", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["label"] == "pos" and data["hits"]


def test_eval_document_and_aspect_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs.tsv"
    docs.write_text('text\tlabel\n정말 최고예요\tpos\n최악이다 "진짜"\tneg\n', encoding="utf-8")
    aspects = tmp_path / "aspects.tsv"
    aspects.write_text(
        "text\taspect\tlabel\n사과는 좋았는데 사퇴는 보여주기 같다\tresignation\tneg\n",
        encoding="utf-8",
    )
    assert main(["eval", str(docs), str(aspects), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["n"] for r in results] == [2, 1]
    assert results[0]["accuracy"] == 1.0 and results[0]["coverage"] == 1.0
    assert results[1]["kind"] == "aspect" and results[1]["accuracy"] == 1.0


def test_lexicon_check_reports_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("key\tweight\tsource\tnote\n좋다/VA\t7\tuser\t\n", encoding="utf-8")
    assert main(["lexicon", "check", str(bad)]) == 2
    assert f"{bad}:2" in capsys.readouterr().err
    assert main(["lexicon", "check"]) == 0
    assert "ok:" in capsys.readouterr().out


def test_lexicon_induce_writes_a_loadable_file_with_provenance(tmp_path: Path) -> None:
    train = tmp_path / "train.tsv"
    rows = ["text\tlabel"]
    for i in range(40):
        rows.append(f"영화 정말 최고 {i}\tpos")
        rows.append(f"영화 정말 지루 {i}\tneg")
        rows.append(f"배우 최고 {i}\tpos")
    train.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "induced_test.tsv"
    assert main(["lexicon", "induce", str(train), "-o", str(out), "--corpus", "tiny"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# corpus: tiny" in text and "held out" in text
    assert "\tinduced:tiny\t" in text
    assert main(["lexicon", "check", str(out)]) in (0, 2)  # may repeat shipped keys
    from sentiment.lexicon_loader import read_polarity_file

    weights = {e.key: e.weight for e in read_polarity_file(out)}
    assert weights["최고/NNG"] > 0 > weights["지루/XR"]
    # pairs are learned beside their words, with the booster 정말 (no weight of its own) in
    # them, at a share of a word's weight; a pair never holds a number (최고 12)
    assert "정말/MAG" not in weights
    assert 0 > weights["정말/MAG 지루/XR"] > weights["지루/XR"]
    assert not [key for key in weights if key.endswith("/SN")]
    assert "# pairs: two adjacent morphemes" in text


def test_scorer_from_settings_uses_the_scenario_aspects(tmp_path: Path) -> None:
    from minsim.cli_scorer import scorer_from_settings
    from minsim.settings import load_settings

    config = tmp_path / "minsim.toml"
    config.write_text(f'[scenario]\npath = "{REPO / "seeds" / "kakao-2022"}"\n', encoding="utf-8")
    scorer = scorer_from_settings(load_settings(config))
    assert {a.id for a in scorer.aspects} >= {"apology", "resignation"}
