"""The Words page and its pure counting: which lexicon entries moved many scores, either way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import streamlit as st
from sqlalchemy import Engine, select, update
from streamlit.testing.v1 import AppTest
from test_aggregate_fixtures import N_ARTICLES, N_COMMENTS, VERSION, build_database, fill

from dashboard.filters import FilterState, documents_link
from dashboard.words import TITLES, words_chart
from minsim import aggregate, schema, words
from minsim.aggregate import Filters
from minsim.words import WORD_COLUMNS

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
RUN_TIMEOUT_SECONDS = 60


def _hit(key: str, weight: object, source: str = "curated") -> dict:
    return {"span": [0, 1], "text": key.split("/")[0], "key": key, "source": source,
            "base": weight, "modifiers": [], "weight": weight}  # fmt: skip


def _explanation(*hits: dict) -> str:
    return json.dumps({"compound": 0.0, "rules": [], "hits": list(hits)}, ensure_ascii=False)


def test_words_count_documents_once_and_weights_in_full() -> None:
    found = words.count_words([
        _explanation(_hit("실망/NNG", -2.0), _hit("실망/NNG", -1.0), _hit("좋다/VA", 1.5)),
        _explanation(_hit("실망/NNG", -2.5), _hit("좋다/VA", -1.2)),  # 안 좋다: negated
        _explanation(_hit("책임/NNG 회피/NNG", -2.0, "domain:crisis")),
    ]).words.set_index("key")  # fmt: skip
    assert found.loc["실망/NNG", "docs"] == 2
    assert found.loc["실망/NNG", "total"] == pytest.approx(-5.5)
    assert found.loc["실망/NNG", "mean"] == pytest.approx(-2.75)
    # 좋다 pushed one document up and one down: both are counted, the sum is what is left.
    assert found.loc["좋다/VA", ["neg_docs", "pos_docs"]].tolist() == [1, 1]
    assert found.loc["좋다/VA", "total"] == pytest.approx(0.3)
    assert found.loc["책임/NNG 회피/NNG", "source"] == "domain:crisis"


def test_words_show_as_people_wrote_them() -> None:
    hits = [dict(_hit("말/NNG 이/JKC 되다/VV 냐/EF", -2.5), text="말이 되냐") for _ in range(2)]
    hits.append(dict(_hit("말/NNG 이/JKC 되다/VV 냐/EF", -2.5), text="말이되냐"))
    found = words.count_words([_explanation(h) for h in hits]).words
    assert found["word"].tolist() == ["말이 되냐"]
    lemmas = words.count_words([_explanation(dict(_hit("잘/MAG 하/XSV", 2.0), text=""))]).words
    assert lemmas["word"].tolist() == ["잘 하"]


def test_learned_grammar_small_hits_and_damage_are_kept_out_of_the_words() -> None:
    counts = words.count_words([
        _explanation(
            _hit("네요/EF", 0.9, "induced:nsmc"),  # a learned ending: summed apart
            _hit("?/SF", -1.5, "induced:nsmc"),
            _hit(";;/SP", -1.0),  # written by the team: a word whatever its tag
            _hit("따위/NNB", -1.5),
            _hit("인증/NNG", -0.49, "induced:nsmc"),  # under explain.SMALL_HIT_WEIGHT
            # a learned pair with a word in it
            dict(_hit("안/MAG 되다/VV", -0.9, "induced:nsmc"), text="안 돼"),
            _hit("먹통/NNG", "much"), _hit("먹통/NNG", True), _hit("먹통/NNG", float("-inf")),
            {"key": 3, "weight": -2.0},
            _hit("rule:sarcasm_well_done", -2.5, "rule"),
            _hit("rule:new_rule", 1.0, "rule"),
        ),
        "{not json", None, "[" * 100_000, json.dumps([_hit("최악/NNG", -3.0)]),
        json.dumps({"hits": "x"}),
    ])  # fmt: skip
    assert sorted(counts.words["word"]) == sorted(
        [";;", "따위", "안 돼", "규칙: new_rule", "비꼼: 참 잘~한다", "최악"]
    )
    assert (counts.grammar_negative, counts.grammar_positive) == (-1.5, 0.9)


def test_the_names_the_page_copies_match_the_scorer() -> None:
    from sentiment import lexicon_loader

    assert words.INDUCED_SOURCE_PREFIX == lexicon_loader.INDUCED_SOURCE_PREFIX
    engine_source = (Path(__file__).resolve().parent.parent / "sentiment" / "engine.py").read_text(
        encoding="utf-8"
    )
    for key in words.RULE_NAMES:
        assert f'"{key}"' in engine_source, key


def test_a_word_links_to_its_documents_with_the_same_filters() -> None:
    state = FilterState(companies=("kakao",), window="7d", query="보상")
    link = documents_link(replace(state, word="말/NNG 이/JKC 되다/VV 냐/EF"))
    assert link.startswith("documents?")
    assert parse_qs(link.partition("?")[2]) == {
        "company": ["kakao"], "window": ["7d"], "q": ["보상"],
        "word": ["말/NNG 이/JKC 되다/VV 냐/EF"],
    }  # fmt: skip
    assert documents_link(FilterState()) == "documents"


def test_strongest_words_of_each_side_in_order() -> None:
    found = words.count_words([
        _explanation(_hit("최악/NNG", -3.0), _hit("실망/NNG", -2.0), _hit("좋다/VA", 1.0)),
        _explanation(_hit("실망/NNG", -2.0), _hit("감사/NNG", 2.0)),
        _explanation(
            dict(_hit("짜다/VV", -1.0), text="짜다"), dict(_hit("짜다/VA", 1.0), text="짜다")
        ),
    ]).words  # fmt: skip
    assert list(words.strongest(found, -1)["word"]) == ["실망", "최악", "짜다"]
    assert list(words.strongest(found, +1)["word"]) == ["감사", "좋다", "짜다"]
    assert list(words.strongest(found, -1, top=1)["word"]) == ["실망"]
    spec = words_chart(words.strongest(found, -1), words.strongest(found, +1)).to_dict()
    shown = {r["label"] for d in spec["datasets"].values() for r in d}
    # The verb and the adjective 짜다 get a row each.
    assert shown == {"실망", "최악", "감사", "좋다", "짜다 (짜다/VV)", "짜다 (짜다/VA)"}
    assert words.count_words([]).words.empty


def test_stored_explanations_are_the_newest_scored_ones(engine: Engine) -> None:
    db = fill(engine)
    marker = _explanation(_hit("최신/NNG", 1.0))
    with db.begin() as conn:
        newest = conn.execute(
            select(schema.documents.c.doc_id)
            .order_by(schema.documents.c.published_at.desc())
            .limit(1)
        ).scalar_one()
        conn.execute(
            update(schema.scores)
            .where(schema.scores.c.doc_id == newest, schema.scores.c.scorer_version == VERSION)
            .values(hits=marker)
        )
    texts, total = aggregate.stored_explanations(db, Filters(), version=VERSION, limit=5)
    assert total == N_ARTICLES + N_COMMENTS and len(texts) == 5 and texts[0] == marker
    comments, n = aggregate.stored_explanations(
        db, Filters(kinds=("comment",), companies=("naver",)), version=VERSION, limit=1000
    )
    assert n == len(comments) == N_COMMENTS // 2
    # Another version's scores (the fixture's stale one) are not read, nor is "no version".
    assert aggregate.stored_explanations(db, Filters(), version="v-test-0", limit=9)[1] == 1
    assert aggregate.stored_explanations(db, Filters(), version=None, limit=5) == ([], 0)


@pytest.fixture
def words_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    db = tmp_path / "words.db"
    build_database(db).dispose()
    config = tmp_path / "minsim.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    monkeypatch.setenv("MINSIM_CONFIG", str(config))
    monkeypatch.delenv("MINSIM_DATABASE_URL", raising=False)
    st.cache_data.clear()
    yield str(db)
    st.cache_data.clear()


def test_the_words_page_ranks_the_fixture_words(words_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_SECONDS).run()
    at.switch_page("views/words.py").run()
    assert not at.exception
    assert at.title[0].value == "감성 표현 · Words"
    # Every fixture score holds 실망 (-2.6, after a booster) and 네요 (+0.31, an ending).
    negative = at.dataframe[0].value
    assert list(negative["word"]) == ["실망"]
    assert negative["neg_docs"].iloc[0] == N_COMMENTS and negative["pos_docs"].iloc[0] == 0
    assert (
        negative["link"].iloc[0] == "documents?word=%EC%8B%A4%EB%A7%9D%2FNNG&kind=comment"
    )  # 실망/NNG, comments as here
    assert negative["docs"].iloc[0] == N_COMMENTS  # comments only by default
    assert negative["total"].iloc[0] == pytest.approx(-2.6 * N_COMMENTS)
    assert at.dataframe[1].value.empty
    assert any(f"채점된 문서 {N_COMMENTS}건에서" in c.value for c in at.caption)
    at.segmented_control(key="words_kind").set_value("all").run()
    assert at.dataframe[0].value["docs"].iloc[0] == N_ARTICLES + N_COMMENTS


def test_every_counted_column_has_a_title() -> None:
    assert list(TITLES) == WORD_COLUMNS
