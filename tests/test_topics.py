"""Topic terms: the nouns the scorer finds in each document, stored beside its score, counted per
period and compared with the period before, on the Topics page (real Kiwi, real databases)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import pytest
import streamlit as st
from cli_support import brief_sections, run_minsim, write_sqlite_config
from sqlalchemy import Engine, func, insert, select, text
from streamlit.testing.v1 import AppTest

from dashboard import chartdata
from dashboard.search import MAX_QUERY_CHARS
from dashboard.surges import surge_table
from minsim import aggregate, db, schema, store
from minsim.aggregate import Filters, term_table
from minsim.aggregate.surges import as_records
from minsim.aggregate.terms import ACRONYM_LENGTH, MIN_TERM_DOCS, TERM_LENGTHS, as_term
from minsim.aggregate.watched import watched_surges
from minsim.brief import Period, write_brief
from minsim.ingest import ingest
from minsim.models import RawItem, RunCounters
from minsim.scenario import load_scenario
from minsim.surge_watch import SurgeWatch, describe
from sentiment import Scorer, tokenizer
from sentiment.tokenizer import TERMS_LIMIT, noun_terms, tokenize_one

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "seeds" / "kakao-2022"
APP = str(REPO / "dashboard" / "app.py")
RUN_TIMEOUT_SECONDS = 60
ARTICLE_URL = "https://demo.minsim.invalid/news/terms"
DAY_ONE = datetime.fromisoformat("2022-10-16T00:00:00+09:00")
DAY_TWO = DAY_ONE + timedelta(days=1)
# Day one: everyone asks about the recovery. Day two: half ask about compensation (new), half
# still thank the workers for the recovery.
DAY_ONE_TEXTS = [f"카카오톡 복구 언제 되나요 {n}번째 질문" for n in range(20)]
DAY_TWO_TEXTS = [f"카카오톡 보상 기준 발표는 언제인가요 {n}" for n in range(10)] + [
    f"카톡 복구 다행이네요 사람들 고생하셨습니다 {n}" for n in range(10)
]


def _terms(value: str) -> list[str]:
    return noun_terms(tokenize_one(value))


def test_terms_are_the_distinct_nouns_with_compounds_joined() -> None:
    assert _terms("카카오 판교 데이터센터 화재로 카카오톡 먹통, 보상금은 언제? 보상금!") == [
        "카카오", "판교", "데이터센터", "화재", "카카오톡", "먹통", "보상금",
    ]  # fmt: skip
    # a prefix and a suffix written onto a noun belong to it, the plural 들 does not
    assert _terms("소상공인 사람들 진정성") == ["소상공인", "사람", "진정성"]
    # one-syllable nouns (돈, 말) are too vague; verbs and endings are no topic
    assert _terms("돈 말 다 필요 없고 빨리 고쳐라") == ["필요"]
    assert _terms("IT업계 충격, SK 해명") == ["IT업계", "충격", "SK", "해명"]
    assert _terms("") == [] and _terms("ㅋㅋㅋㅋ 😡😡") == []
    # a long run of nouns typed without spaces is a phrase: its nouns count one by one
    assert _terms("카카오먹통사태보상 판교데이터센터") == [
        "카카오",
        "먹통",
        "사태",
        "보상",
        "판교데이터센터",
    ]
    # Latin words in lower case, acronyms as written
    assert _terms("Kakao kakao iPhone CEO") == ["kakao", "iphone", "CEO"]
    # letters and digits only: no address to link, no invisible character to carry
    assert _terms("evil.com www.evil.com 보상 \u200bhere") == ["보상"]


def test_a_long_text_keeps_its_first_terms_only() -> None:
    many = " ".join(f"단어{chr(0xAC00 + n)}" for n in range(TERMS_LIMIT + 50))
    found = _terms(many)
    assert len(found) == TERMS_LIMIT and len(set(found)) == TERMS_LIMIT


def test_scores_carry_their_terms_and_the_store_keeps_them() -> None:
    scorer = Scorer()
    score = scorer.score_many(["카톡 보상 기준 발표는 언제인가요"])[0]
    assert score.terms == ["카톡", "보상", "기준", "발표"]
    assert scorer.score("카톡 보상 기준 발표는 언제인가요").terms == score.terms


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(aspects_path=SCENARIO / "aspects.toml")


def _comment(n: int, body: str, at: datetime) -> RawItem:
    return RawItem(
        source="demo-portal",
        kind="comment",
        external_id=f"t{n}",
        text=body,
        author=f"닉{n}",
        published_at=at.isoformat(),
        article_url=ARTICLE_URL,
    )


def _ingest(engine: Engine, scorer: Scorer, items: list[RawItem]) -> None:
    ingest(engine, items, scenario=load_scenario(SCENARIO), scorer=scorer, counters=RunCounters(),
           salt="terms", run_id=None)  # fmt: skip


def fill_two_days(engine: Engine, scorer: Scorer) -> None:
    """The scenario's companies and 40 real comments about Kakao over two days, scored."""
    scenario = load_scenario(SCENARIO)
    store.save_scenario(engine, scenario)
    items = [_comment(n, body, DAY_ONE + timedelta(hours=9, minutes=n))
             for n, body in enumerate(DAY_ONE_TEXTS)]  # fmt: skip
    items += [_comment(100 + n, body, DAY_TWO + timedelta(hours=9, minutes=n))
              for n, body in enumerate(DAY_TWO_TEXTS)]  # fmt: skip
    ingest(engine, items, scenario=scenario, scorer=scorer, counters=RunCounters(),
           salt="terms", run_id=None)  # fmt: skip


def test_a_day_s_terms_against_the_day_before(engine: Engine, scorer: Scorer) -> None:
    fill_two_days(engine, scorer)
    version = scorer.version
    day_two = Filters(start=DAY_TWO, end=DAY_TWO + timedelta(days=1), companies=("kakao",))
    table = term_table(engine, day_two, version=version)
    assert (table.documents, table.before_documents) == (20, 20)
    found = table.terms.set_index("term")
    # 카카오톡 holds the chosen company's name and 사람 says nothing: left out; 카톡 does not
    assert table.left_out == ("카카오톡",) and "사람" not in found.index
    assert found.loc["카톡", ["docs", "before_docs"]].tolist() == [10, 0]
    assert found.loc["보상", ["docs", "before_docs"]].tolist() == [10, 0]
    assert found.loc["복구", ["docs", "before_docs"]].tolist() == [10, 20]
    # new on day two, in half the documents: 보상 and the words beside it; 복구 fell
    rising = table.rising()
    assert list(rising["term"]) == ["고생", "기준", "다행", "발표", "보상", "카톡"]  # equal z
    assert found.loc["보상", "share"] == pytest.approx(0.5)
    assert found.loc["복구", "ratio"] == pytest.approx(0.5)
    # the mean score is the mean of the stored scores of the documents naming the term
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.avg(schema.scores.c.compound))
            .join(schema.document_terms, schema.document_terms.c.doc_id == schema.scores.c.doc_id)
            .where(schema.document_terms.c.term == "보상")
        ).scalar_one()
    assert found.loc["보상", "mean_compound"] == pytest.approx(stored)
    assert (table.terms["docs"] >= MIN_TERM_DOCS).all()
    # without a company chosen, the company's own names are topics like any other
    everyone = term_table(engine, Filters(start=DAY_TWO, end=DAY_TWO + timedelta(days=1)),
                          version=version)  # fmt: skip
    assert everyone.terms.set_index("term").loc["카카오톡", "docs"] == 10
    assert everyone.left_out == ()
    # no window: nothing to compare with, the terms are still counted
    whole = term_table(engine, Filters(companies=("kakao",)), version=version)
    assert whole.before_documents is None and whole.rising().empty
    assert whole.terms.set_index("term").loc["복구", "docs"] == 30


def test_a_term_s_trend_counts_the_documents_naming_it_per_bucket(
    engine: Engine, scorer: Scorer
) -> None:
    fill_two_days(engine, scorer)
    kakao = Filters(companies=("kakao",))
    asked = ["보상", "복구", "없는말"]
    trend = aggregate.term_trend(engine, kakao, asked, bucket="day", version=scorer.version)
    # every day with scored documents has a row for every term asked, in the order asked
    assert list(trend["term"]) == asked * 2
    assert [d.date().isoformat() for d in trend["bucket"]] == ["2022-10-16"] * 3 + [
        "2022-10-17"
    ] * 3
    assert str(trend["bucket"].dt.tz) == "Asia/Seoul"
    assert trend["docs"].tolist() == [0, 20, 0, 10, 10, 0]
    assert trend["scored"].tolist() == [20] * 6
    assert trend["share"].tolist() == pytest.approx([0, 1, 0, 0.5, 0.5, 0])
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.avg(schema.scores.c.compound))
            .join(schema.document_terms, schema.document_terms.c.doc_id == schema.scores.c.doc_id)
            .join(schema.documents, schema.documents.c.doc_id == schema.scores.c.doc_id)
            .where(
                schema.document_terms.c.term == "복구", schema.documents.c.published_at >= DAY_TWO
            )  # fmt: skip
        ).scalar_one()
    second_day = trend.set_index(["term"]).loc["복구"].iloc[1]
    assert second_day["mean_compound"] == pytest.approx(stored)
    assert trend.set_index("term").loc["없는말", "mean_compound"].isna().all()
    # hours: the first day's comments all came between 09:00 and 09:20 KST
    hourly = aggregate.term_trend(engine, Filters(companies=("kakao",), end=DAY_TWO), ["복구"],
                                  bucket="hour", version=scorer.version)  # fmt: skip
    assert hourly[["docs", "scored"]].values.tolist() == [[20, 20]]
    assert hourly["bucket"][0].hour == 9
    # the filters apply: no documents of another company, none for nothing asked
    toss = aggregate.term_trend(engine, Filters(companies=("toss",)), ["복구"], bucket="day",
                                version=scorer.version)  # fmt: skip
    assert toss.empty
    assert aggregate.term_trend(engine, kakao, [], bucket="day", version=scorer.version).empty


def test_a_watched_word_surges_when_its_documents_jump(engine: Engine, scorer: Scorer) -> None:
    """Six comments name 불매 in one afternoon hour of the second day, never named before; 소송
    is named in four, under the floor of five."""
    fill_two_days(engine, scorer)
    burst = DAY_TWO + timedelta(hours=15)
    items = [_comment(200 + n, f"카카오 불매 운동 시작합니다 {n}", burst + timedelta(minutes=n))
             for n in range(6)]  # fmt: skip
    items += [_comment(300 + n, f"카카오 소송 갑니다 {n}", burst + timedelta(minutes=10 + n))
              for n in range(4)]  # fmt: skip
    _ingest(engine, scorer, items)
    watched = ("불매", "소송", "탈퇴")
    found = watched_surges(engine, Filters(), watched, version=scorer.version)
    assert found[["term", "kind", "hours", "docs", "baseline", "ongoing"]].values.tolist() == [
        ["불매", "watched", 1, 6, 0.0, True]
    ]
    assert found["start"][0] == pd.Timestamp(burst) and found["peak_value"][0] == 6
    # searching for the word (as a link from its surge does) keeps its baseline where the
    # documents begin, not where the word first appears
    searched = watched_surges(engine, Filters(text="불매"), watched, version=scorer.version)
    assert searched[["term", "docs", "baseline"]].values.tolist() == [["불매", 6, 0.0]]
    # a window opening that day still judges its hours against the day before
    window = Filters(start=DAY_TWO + timedelta(hours=12), companies=("kakao",))
    assert list(watched_surges(engine, window, watched, version=scorer.version)["term"]) == ["불매"]
    assert watched_surges(engine, Filters(companies=("naver",)), watched,
                          version=scorer.version).empty  # fmt: skip
    # the first day has no day before it: its twenty 복구 comments are not judged; the second
    # day's ten, against under one an hour before, are
    recovery = watched_surges(engine, Filters(), ("복구",), version=scorer.version)
    assert recovery["start"].tolist() == [pd.Timestamp(DAY_TWO + timedelta(hours=9))]
    assert recovery["ongoing"].tolist() == [False]  # the burst hour is newer


def test_a_typed_term_is_written_as_terms_are_stored() -> None:
    assert as_term(" 데이터 센터 ") == "데이터센터"
    assert as_term("Kakao") == "kakao" and as_term("SK") == "SK" and as_term("CEO") == "CEO"
    # each Latin run as its own word, as Kiwi splits them; cleaned as stored text is
    assert as_term("Pc카톡") == "pc카톡" and as_term("SK텔레콤") == "SK텔레콤"
    assert as_term("Café") == "café" and as_term("카\u200b톡") == "카톡"
    assert as_term(unicodedata.normalize("NFD", "카톡")) == "카톡"
    # what no stored term holds: digits (Kiwi tags them apart), other scripts, marks, one
    # syllable (even decomposed into two jamo), more than 30 characters
    refused = ["5G망", "S22", "evil.com", "가", unicodedata.normalize("NFD", "깍"), "", "  ",
               "보상!", "ＫＡＫＡＯ", "漢字", "ㅋㅋ", "가" * 31, "가" * 100_000]  # fmt: skip
    for word in refused:
        assert as_term(word) is None, word
    # each refused form is one the tokenizer does not store as written
    for word in ("5G망", "ＫＡＫＡＯ", "S22"):
        assert word not in _terms(f"{word} 장애")
    # the same rules as the tokenizer that writes them
    assert TERM_LENGTHS == (tokenizer.MIN_TERM_LENGTH, tokenizer.MAX_TERM_LENGTH)
    assert ACRONYM_LENGTH == tokenizer.ACRONYM_LENGTH
    assert _terms("Kakao SK CEO 데이터센터") == ["kakao", "SK", "CEO", "데이터센터"]


def _kakao_day_terms(engine: Engine, scorer: Scorer, day: datetime) -> list[str]:
    """The 화제어 section of Kakao's brief of `day` of the two days."""
    fill_two_days(engine, scorer)
    period = Period(day, day + timedelta(days=1))
    brief = write_brief(engine, Filters(companies=("kakao",)), period, version=scorer.version)
    return brief_sections(brief)["화제어"]


def test_the_brief_lists_the_terms_named_most_and_those_that_rose(
    engine: Engine, scorer: Scorer
) -> None:
    most, rose, note = _kakao_day_terms(engine, scorer, DAY_TWO)
    # ten documents each, by term; 카카오톡 (the company) and 사람 (no topic) left out
    assert most.startswith("- 많이 나온 말: 고생 (10건, 직전 0건, 평균 +")
    assert most.count("(10건") == 5 and "카카오톡" not in most and "사람" not in most
    assert rose.startswith("- 떠오른 말: 고생 (10건, 직전 0건, 평균 +") and "보상 (10건" in rose
    assert "복구" not in rose
    assert note.startswith("(채점된 문서 20건에 나온 명사") and "(문서 20건)" in note
    assert "고른 회사를 가리키는 이름은 뺐습니다." in note


def test_a_first_day_has_no_rising_terms_and_the_brief_says_why(
    engine: Engine, scorer: Scorer
) -> None:
    most, note = _kakao_day_terms(engine, scorer, DAY_ONE)
    assert most.startswith("- 많이 나온 말: 복구 (20건, 평균 ") and "직전" not in most
    assert note.endswith("직전 같은 길이 기간에 문서가 없어 떠오른 말은 찾지 않았습니다.)")


def test_a_company_s_name_parts_and_the_aliases_holding_them_are_left_out(
    engine: Engine, scorer: Scorer
) -> None:
    """토스 (비바리퍼블리카): 토스 and 토스뱅크 name the company; its CEO 이승건 is a topic."""
    scenario = load_scenario(SCENARIO)
    store.save_scenario(engine, scenario)
    at = DAY_ONE + timedelta(hours=12)
    items = [_comment(n, f"토스뱅크 토스 이승건 송금 오류 {n}", at) for n in range(3)]
    ingest(engine, items, scenario=scenario, scorer=scorer, counters=RunCounters(),
           salt="terms", run_id=None)  # fmt: skip
    table = term_table(engine, Filters(companies=("toss",)), version=scorer.version)
    assert table.left_out == ("토스", "토스뱅크")
    assert set(table.terms["term"]) == {"이승건", "송금", "오류"}


def test_each_surge_names_the_terms_most_named_in_its_hours(engine: Engine, scorer: Scorer) -> None:
    """Day two's 20 comments in one hour against a day of 20 (a volume surge, and a negative
    one: its questions about compensation read negative): about 고생, 기준 and 다행, ten
    documents each, the first by term (카카오톡 is the company)."""
    fill_two_days(engine, scorer)
    # the hour after the surge: 환불, in more documents than any term of the surge, is not it
    after = DAY_TWO + timedelta(hours=10)
    refunds = [_comment(300 + n, f"카카오톡 환불 문의 {n}", after) for n in range(12)]
    _ingest(engine, scorer, refunds)
    flt = Filters(companies=("kakao",))
    found = aggregate.find_surges(engine, flt, version=scorer.version)
    assert sorted(found["kind"]) == ["negative", "volume"]
    assert set(found["start"].dt.strftime("%m-%d %H:%M")) == {"10-17 09:00"}
    named = aggregate.with_surge_terms(engine, found, flt, version=scorer.version)
    assert named["terms"].tolist() == [["고생", "기준", "다행"]] * 2
    row = named.to_dict("records")[0]
    assert describe(row, {"kakao": "카카오"}).endswith("; most named: 고생, 기준, 다행")
    # the searched word is in every document found, so it says nothing: the rest do
    searched = aggregate.with_surge_terms(
        engine, found, Filters(companies=("kakao",), text="고생"), version=scorer.version
    )
    assert searched["terms"].tolist()[0] == ["다행", "복구", "카톡"]
    assert surge_table(named, {})["많이 나온 말"].tolist() == ["고생, 기준, 다행"] * 2
    assert as_records(named)[0]["terms"] == ["고생", "기준", "다행"]


def test_a_surge_is_told_even_when_its_terms_cannot_be_read(
    engine: Engine, scorer: Scorer, caplog: pytest.LogCaptureFixture
) -> None:
    fill_two_days(engine, scorer)
    with engine.begin() as conn:  # the table gone under a database that says it has it
        conn.execute(text("DROP TABLE document_terms"))
    with caplog.at_level("WARNING", logger="minsim.surge_watch"):
        told = SurgeWatch(engine, webhook=None).check()
    assert len(told) == 2 and not any("most named" in line for line in told)
    assert "cannot read the terms of a surge" in caplog.text


@pytest.fixture
def topics_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scorer: Scorer) -> Iterator[Path]:
    path = tmp_path / "topics.db"
    engine = db.open_engine(f"sqlite:///{path}")
    db.migrate(engine)
    fill_two_days(engine, scorer)
    engine.dispose()
    config = tmp_path / "minsim.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{path}"\n', encoding="utf-8")
    monkeypatch.setenv("MINSIM_CONFIG", str(config))
    monkeypatch.delenv("MINSIM_DATABASE_URL", raising=False)
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def _topics_page(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_SECONDS)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/topics.py").run()
    assert not at.exception
    return at


def _tables(at: AppTest) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The table of the most named terms (it has their share) and the rising ones, if any."""
    frames = [d.value for d in at.dataframe]
    top = next(f for f in frames if "share" in f.columns)
    rising = next((f for f in frames if "share" not in f.columns and "term" in f.columns), None)
    return top, rising


def test_the_topics_page_lists_the_day_s_terms_and_what_rose(topics_db: Path) -> None:
    day = {"company": "kakao", "window": "custom", "from": "2022-10-17", "to": "2022-10-17"}
    at = _topics_page(day)
    assert at.title[0].value == "화제어 · Topics"
    top, rising = _tables(at)
    assert rising is not None
    assert set(top["term"]) >= {"보상", "복구"} and "카카오톡" not in set(top["term"])
    assert "before_docs" in top.columns and "change" in top.columns
    assert any("고른 회사를 가리키는 이름(카카오톡)" in c.value for c in at.caption)
    assert "보상" in set(rising["term"]) and set(rising["change"]) == {"새로"}
    link = parse_qs(rising.set_index("term").loc["보상", "link"].split("?", 1)[1])
    assert link["q"] == ["보상"] and link["company"] == ["kakao"] and link["from"] == ["2022-10-17"]
    # a search already made is kept, the term added to it
    at = _topics_page({**day, "q": "언제"})
    linked = _tables(at)[0].set_index("term").loc["보상", "link"]
    assert parse_qs(linked.split("?", 1)[1])["q"] == ["언제 보상"]
    # a search so long that the term added after it would be cut: the term goes first
    long_query = "언제 " + " ".join(f"-{mark * 8}" for mark in "가나다라") + " -마마마마마"
    assert len(long_query) == MAX_QUERY_CHARS - 1
    at = _topics_page({**day, "q": long_query})
    linked = _tables(at)[0].set_index("term").loc["보상", "link"]
    assert parse_qs(linked.split("?", 1)[1])["q"] == [f"보상 {long_query}"]
    # the whole span: counted, with no earlier period to compare with
    at = _topics_page({"company": "kakao"})
    whole, rising = _tables(at)
    assert rising is None
    assert whole.set_index("term").loc["복구", "docs"] == 30
    # the trend's numbered event markers are listed under it
    assert any(e.label.startswith("사건 목록") for e in at.expander)
    assert any("기간을 정하면" in info.value for info in at.info)
    # nothing to compare with: no counts of a period before, no term called new
    assert "before_docs" not in whole.columns and "change" not in whole.columns


def test_the_topics_page_draws_the_trend_of_the_terms_picked(topics_db: Path) -> None:
    day = {"company": "kakao", "window": "custom", "from": "2022-10-16", "to": "2022-10-17"}
    at = _topics_page({**day, "bucket": "day"})
    picker = at.main.multiselect[0]
    assert picker.label == "비교할 말"
    # two days against the two before (empty): nothing rose, so the most named come first
    assert picker.value == ["복구", "질문", "고생", "기준", "다행"]
    charts = at.main.get("vega_lite_chart")
    assert len(charts) == 2  # the bars of the most named, and the trend
    offered = [b.proto.label for b in at.get("download_button")]
    assert offered.count(chartdata.BUTTON_LABEL) == 1  # the trend's figures
    # a term typed in is counted as terms are stored; one that cannot be a term is refused
    picker.set_value(["보상", "evil.com"]).run()
    assert not at.exception
    refused = [w.value for w in at.warning if "화제어로 셀 수 없는 말" in w.value]
    assert all("한글과 로마자로만 된 2~30자" in w for w in refused)
    assert len(refused) == 1 and refused[0].startswith("'evil\\.com'")  # escaped: plain text
    assert len(at.main.get("vega_lite_chart")) == 2
    # new data that reorder the terms keep the picks (the live counter redraws the page)
    picker = at.main.multiselect[0]
    picker.set_value(["보상", "복구"]).run()
    engine = db.open_engine(f"sqlite:///{topics_db}")
    with engine.begin() as conn:
        day_two = conn.execute(
            select(schema.documents.c.doc_id).where(schema.documents.c.published_at >= DAY_TWO)
        ).scalars()
        conn.execute(
            insert(schema.document_terms), [{"doc_id": d, "term": "원인"} for d in day_two]
        )
    engine.dispose()
    st.cache_data.clear()
    at.run()
    picker = at.main.multiselect[0]
    assert "원인" in picker.options and picker.value == ["보상", "복구"]
    # hours or days show the same terms: the picks stay
    at.radio(key="f_bucket").set_value("hour").run()
    assert at.main.multiselect[0].value == ["보상", "복구"]
    picker = at.main.multiselect[0]
    picker.set_value([]).run()
    assert any("추이를 볼 말을 고르세요" in info.value for info in at.info)
    assert len(at.main.get("vega_lite_chart")) == 1


def test_watched_words_show_on_the_topics_and_overview_pages(topics_db: Path) -> None:
    config = topics_db.parent / "minsim.toml"
    config.write_text(config.read_text(encoding="utf-8") + '[surges]\nwatch = ["보상", "소송"]\n',
                      encoding="utf-8")  # fmt: skip
    at = _topics_page({"company": "kakao"})
    assert any(s.value == "지켜보는 말" for s in at.subheader)
    assert any("`[surges] watch`: 보상, 소송" in c.value for c in at.caption)
    [table] = [
        d.value for d in at.dataframe if "말" in d.value.columns and "상태" in d.value.columns
    ]
    # 보상, never named on the first day, in ten comments of the second day's 09:00
    columns = ["말", "시작 (KST)", "정점 값", "변화", "문서 (건)", "상태"]
    assert table[columns].values.tolist() == [
        ["보상", "10-17 09:00", "10건/시간", "새로 (직전 0건)", 10, "진행 중"]
    ]
    link = parse_qs(table["문서"][0].split("?", 1)[1])
    assert link["q"] == ["보상"] and link["from"] == link["to"] == ["2022-10-17"]
    # the watched words are offered to the trend
    assert "소송" in at.main.multiselect[0].options
    # the Overview warns of it while it goes on
    overview = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_SECONDS)
    overview.query_params["company"] = "kakao"
    overview.run()
    assert not overview.exception
    warned = [w.value for w in overview.warning if "진행 중인 급증" in w.value]
    assert warned and r"'보상' 지켜보는 말 급증\: 10\-17 09\:00부터, 정점 10건/시간" in warned[0]


@pytest.fixture
def topics_folder(tmp_path: Path, scorer: Scorer) -> Path:
    """The two days in `minsim.db` of a folder with a settings file, for the command line."""
    engine = db.open_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    db.migrate(engine)
    fill_two_days(engine, scorer)
    engine.dispose()
    write_sqlite_config(tmp_path)
    return tmp_path


def test_minsim_topics_prints_a_day_s_terms_and_what_rose(topics_folder: Path) -> None:
    result = run_minsim("topics", "--day", "2022-10-17", "--company", "kakao", cwd=topics_folder)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("2022-10-17 00:00 KST ~ 2022-10-18 00:00 KST; companies: kakao")
    assert lines[1] == "20 scored document(s); 20 in the period before"
    assert lines[2] == "left out (the companies' names): 카카오톡"
    at = next(n for n, line in enumerate(lines) if line.startswith("most named ("))
    most = lines[at + 2 :]
    rows = {
        line.split()[0]: line.split() for line in most if line.startswith("  ") and line.split()
    }
    assert rows["보상"][1:3] == ["10", "50.0%"] and rows["보상"][-2:] == ["0", "new"]
    assert rows["복구"][-2:] == ["20", "x0.5"]
    rising_at = next(n for n, line in enumerate(lines) if line.startswith("rising (6;"))
    rising = [line.split()[0] for line in lines[rising_at + 2 :]]
    assert rising == ["고생", "기준", "다행", "발표", "보상", "카톡"]
    # as JSON: every listed term, the rising ones named apart
    result = run_minsim("topics", "--day", "2022-10-17", "--company", "kakao", "--json",
                        cwd=topics_folder)  # fmt: skip
    found = json.loads(result.stdout)
    assert (found["documents"], found["before_documents"]) == (20, 20)
    assert (found["companies"], found["sources"], found["kind"]) == (["kakao"], [], None)
    assert found["rising"] == rising and found["left_out"] == ["카카오톡"]
    # every rising term, whatever the terminal's --limit, as the terms' own flags say
    assert set(found["rising"]) == {row["term"] for row in found["terms"] if row["rising"]}
    short = run_minsim("topics", "--day", "2022-10-17", "--company", "kakao", "--limit", "2",
                       cwd=topics_folder).stdout  # fmt: skip
    assert "rising (6, the surest 2; share" in short
    terms = {row["term"]: row for row in found["terms"]}
    assert terms["보상"]["docs"] == 10 and terms["보상"]["before_docs"] == 0
    assert terms["보상"]["ratio"] is None and terms["보상"]["rising"] is True
    assert terms["복구"]["ratio"] == pytest.approx(0.5)


def test_the_brief_lists_the_watched_words_surges_beside_the_companies(
    topics_folder: Path,
) -> None:
    config = topics_folder / "minsim.toml"
    config.write_text(config.read_text(encoding="utf-8") + '[surges]\nwatch = ["보상", "소송"]\n',
                      encoding="utf-8")  # fmt: skip
    result = run_minsim("brief", "--day", "2022-10-17", cwd=topics_folder)
    assert result.returncode == 0, result.stderr
    section = brief_sections(result.stdout)["급증"]
    assert section[0] == "(지켜보는 말: 보상·소송)"
    assert (
        "- '보상' 지켜보는 말 급증: 10-17 09:00 ~ 10-17 10:00 (1시간, 진행 중), 정점 10-17 09:00 "
        "10건/시간, 직전 24시간 0건/시간 (새로 (직전 0건))"
    ) in section
    # a database without terms: the words were not judged, and the brief says so
    engine = db.open_engine(f"sqlite:///{topics_folder / 'minsim.db'}")
    with engine.begin() as conn:  # as a version-3 database
        conn.execute(text("DROP TABLE document_terms"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version > 3"))
    engine.dispose()
    older = run_minsim("brief", "--day", "2022-10-17", cwd=topics_folder).stdout
    section = brief_sections(older)["급증"]
    assert section[0].startswith("(지켜보는 말: 보상·소송 — 화제어가 없는 데이터베이스라 판단하지")
    assert not any("지켜보는 말 급증" in line for line in section)


def test_minsim_topics_without_a_period_before_or_terms_says_so(topics_folder: Path) -> None:
    first = run_minsim("topics", "--day", "2022-10-16", "--json", cwd=topics_folder)
    found = json.loads(first.stdout)
    assert found["before_documents"] == 0 and found["rising"] == []
    assert {row["before_docs"] for row in found["terms"]} == {None}
    printed = run_minsim("topics", "--day", "2022-10-16", cwd=topics_folder).stdout
    assert "no documents in the period before to compare with" in printed
    assert "rising" not in printed
    # only articles: the two days hold comments alone
    articles = run_minsim("topics", "--day", "2022-10-17", "--kind", "article", cwd=topics_folder)
    assert articles.returncode == 0
    assert (
        articles.stdout.splitlines()[-1] == f"no term is named in {MIN_TERM_DOCS} documents or more"
    )
    unknown = run_minsim("topics", "--company", "kakoa", cwd=topics_folder)
    assert unknown.returncode == 2 and "unknown company kakoa; known:" in unknown.stderr
    bad = run_minsim("topics", "--limit", "0", cwd=topics_folder)
    assert bad.returncode == 2 and "expected whole rows from 1 to 500, not '0'" in bad.stderr
    engine = db.open_engine(f"sqlite:///{topics_folder / 'minsim.db'}")
    with engine.begin() as conn:  # as a version-3 database
        conn.execute(text("DROP TABLE document_terms"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version > 3"))
    engine.dispose()
    old = run_minsim("topics", cwd=topics_folder)
    assert old.returncode == 2 and "`minsim score` upgrades it" in old.stderr


def test_a_database_from_before_the_terms_table_says_how_to_get_them(topics_db: Path) -> None:
    engine = db.open_engine(f"sqlite:///{topics_db}")
    with engine.begin() as conn:  # as a version-3 database
        conn.execute(text("DROP TABLE document_terms"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version > 3"))
    engine.dispose()
    at = _topics_page({})
    assert any("`minsim score`가 데이터베이스를" in info.value for info in at.info)
    assert not at.dataframe
