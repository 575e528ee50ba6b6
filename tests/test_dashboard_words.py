"""The Words page and its pure counting: which lexicon entries moved many scores, either way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from test_aggregate_fixtures import N_ARTICLES, N_COMMENTS, VERSION, build_database, fill

from dashboard import words
from minsim import aggregate
from minsim.aggregate import Filters

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
RUN_TIMEOUT_SECONDS = 60


def _hit(key: str, weight: object, source: str = "curated") -> dict:
    return {"span": [0, 1], "text": key.split("/")[0], "key": key, "source": source,
            "base": weight, "modifiers": [], "weight": weight}  # fmt: skip


def _explanation(*hits: dict) -> str:
    return json.dumps({"compound": 0.0, "rules": [], "hits": list(hits)}, ensure_ascii=False)


def test_words_count_documents_once_and_weights_in_full() -> None:
    found = words.opinion_words([
        _explanation(_hit("실망/NNG", -2.0), _hit("실망/NNG", -1.0), _hit("좋다/VA", 1.5)),
        _explanation(_hit("실망/NNG", -2.5), _hit("좋다/VA", -1.2)),  # 안 좋다: negated
        _explanation(_hit("책임/NNG 회피/NNG", -2.0, "domain:crisis")),
    ]).set_index("key")  # fmt: skip
    assert found.loc["실망/NNG", "docs"] == 2
    assert found.loc["실망/NNG", "total"] == pytest.approx(-5.5)
    assert found.loc["실망/NNG", "mean"] == pytest.approx(-2.75)
    assert found.loc["좋다/VA", "total"] == pytest.approx(0.3)  # the negated use counts against
    assert found.loc["책임/NNG 회피/NNG", "word"] == "책임 회피"
    assert found.loc["책임/NNG 회피/NNG", "source"] == "domain:crisis"


def test_grammar_small_hits_learned_pairs_and_damage_are_left_out() -> None:
    found = words.opinion_words([
        _explanation(
            _hit("네요/EF", 0.9, "induced:nsmc"),  # an ending: grammar, not a word
            _hit("은/JX 는/JX", -1.0),  # only grammar, even written as a phrase
            _hit("인증/NNG", -0.49, "induced:nsmc"),  # under explain.SMALL_HIT_WEIGHT
            _hit("않다/VV 되다/VV", -0.9, "induced:nsmc"),  # a learned pair adds to its words
            _hit("먹통/NNG", "much"),  # not a number
            {"key": 3, "weight": -2.0},
            _hit("rule:sarcasm_well_done", -2.5, "rule"),
            _hit("rule:new_rule", 1.0, "rule"),
        ),
        "{not json", None, json.dumps([_hit("최악/NNG", -3.0)]), json.dumps({"hits": "x"}),
    ])  # fmt: skip
    assert sorted(found["word"]) == ["규칙: new_rule", "비꼼: 참 잘~한다", "최악"]


def test_strongest_words_of_each_side_in_order() -> None:
    found = words.opinion_words([
        _explanation(_hit("최악/NNG", -3.0), _hit("실망/NNG", -2.0), _hit("좋다/VA", 1.0)),
        _explanation(_hit("실망/NNG", -2.0), _hit("감사/NNG", 2.0)),
    ])  # fmt: skip
    assert list(words.strongest(found, -1)["word"]) == ["실망", "최악"]
    assert list(words.strongest(found, +1)["word"]) == ["감사", "좋다"]
    assert list(words.strongest(found, -1, top=1)["word"]) == ["실망"]
    spec = words.words_chart(words.strongest(found, -1), words.strongest(found, +1)).to_dict()
    shown = {r["word"] for d in spec["datasets"].values() for r in d}
    assert shown == {"실망", "최악", "감사", "좋다"}
    assert words.opinion_words([]).empty


def test_stored_explanations_are_the_newest_scored_ones(engine: Engine) -> None:
    db = fill(engine)
    texts, total = aggregate.stored_explanations(db, Filters(), version=VERSION, limit=5)
    assert total == N_ARTICLES + N_COMMENTS and len(texts) == 5
    assert all(json.loads(t)["hits"] for t in texts)
    comments, n = aggregate.stored_explanations(
        db, Filters(kinds=("comment",)), version=VERSION, limit=1000
    )
    assert n == len(comments) == N_COMMENTS
    assert aggregate.stored_explanations(db, Filters(), version="v-none", limit=5) == ([], 0)
    # The stale older version's row is not read.
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
    assert negative["docs"].iloc[0] == N_COMMENTS  # comments only by default
    assert negative["total"].iloc[0] == pytest.approx(-2.6 * N_COMMENTS)
    assert at.dataframe[1].value.empty
    assert any(f"채점된 문서 {N_COMMENTS}건에서" in c.value for c in at.caption)
    at.segmented_control(key="words_kind").set_value("all").run()
    assert at.dataframe[0].value["docs"].iloc[0] == N_ARTICLES + N_COMMENTS
