"""The dashboard as Streamlit runs it (AppTest), against real SQLite files built by the tests."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import streamlit as st
from sqlalchemy import create_engine, delete, insert, select, text, update
from streamlit.testing.v1 import AppTest
from test_aggregate_fixtures import (
    HOSTILE_COMMENT,
    LIVE_SURGE_AT,
    SURGE_AT,
    VERSION,
    add_burst,
    add_comments,
    build_database,
    empty_database,
    fill,
    prune,
)

from dashboard import chartdata, doctable, ui
from minsim import schema, store
from minsim.aggregate import DEFAULT_DOCUMENT_LIMIT
from minsim.timefmt import KST

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
# The first run imports pandas, altair and SQLAlchemy; later runs are fast.
RUN_TIMEOUT_SECONDS = 60
VIEWS = ("views/overview.py", "views/aspects.py", "views/compare.py", "views/impact.py",
         "views/topics.py", "views/words.py", "views/documents.py", "views/sources.py")  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _configure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, sources: str = ""
) -> None:
    config = tmp_path / "minsim.toml"
    config.write_text(f'[database]\nurl = "{url}"\n{sources}', encoding="utf-8")
    monkeypatch.setenv("MINSIM_CONFIG", str(config))
    monkeypatch.delenv("MINSIM_DATABASE_URL", raising=False)


@pytest.fixture
def demo_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    db = tmp_path / "minsim.db"
    build_database(db).dispose()
    url = f"sqlite:///{db}"
    _configure(tmp_path, monkeypatch, url)
    return url


# Inside the fixture's days: 2022-10-18 10:00 KST.
IMPORTED_AT = datetime(2022, 10, 18, 1, 0, tzinfo=UTC)


@pytest.fixture
def mixed_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo fixture plus a real source `my-export` with 3 comments the shown scorer version
    has not scored: 2 scored by another version (as after a lexicon change), 1 not at all."""
    db = tmp_path / "mixed.db"
    engine = build_database(db)
    add_comments(engine, source="my-export", count=2, start=IMPORTED_AT, version="v-other",
                 prefix="o")  # fmt: skip
    add_comments(engine, source="my-export", count=1, start=IMPORTED_AT, prefix="u")
    engine.dispose()
    url = f"sqlite:///{db}"
    _configure(tmp_path, monkeypatch, url)
    return url


def _app(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_SECONDS)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _markdown_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [w.value for w in at.warning] + [e.value for e in at.error] + [i.value for i in at.info]
    )
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("view", "buttons"),
    [("views/overview.py", 1), ("views/aspects.py", 1), ("views/compare.py", 2)],
)  # fmt: skip
def test_charts_offer_the_figures_they_draw_as_csv(demo_url: str, view: str, buttons: int) -> None:
    at = _app({"company": "kakao"})
    at.switch_page(view).run()
    assert not at.exception
    offered = [b for b in at.get("download_button") if b.proto.label == chartdata.BUTTON_LABEL]
    assert len(offered) == buttons  # the company and the source tabs of Compare (the topic
    # trend's: tests/test_topics.py)
    assert all(b.proto.ignore_rerun for b in offered)  # a click does not redraw the page


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_without_exceptions(demo_url: str, view: str) -> None:
    at = _app()
    at.switch_page(view).run()
    assert not at.exception
    assert not at.error or view.endswith("sources.py")  # sources shows the failed run
    assert at.title[0].value.endswith(
        {"overview": "Overview", "aspects": "Aspects", "compare": "Compare",
         "impact": "Before/after", "topics": "Topics", "words": "Words", "documents": "Documents",
         "sources": "Sources"}[Path(view).stem]
    )  # fmt: skip
    # a missing value (a side without documents, a comment's title) shows as a dash
    assert all(table.proto.placeholder == ui.MISSING_CELL for table in at.dataframe)


def test_overview_headline_numbers_and_demo_banner(demo_url: str) -> None:
    at = _app()
    assert not at.exception
    assert _metric(at, "문서 (건)") == "48"
    assert _metric(at, "기사 / 댓글") == "12 / 36"
    assert any("DEMO DATA" in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) >= 2


def _add_burst(url: str, start: datetime, prefix: str) -> None:
    engine = create_engine(url)
    add_burst(engine, start, prefix)
    engine.dispose()


def test_an_event_added_by_hand_is_drawn_and_listed(demo_url: str) -> None:
    engine = create_engine(demo_url)
    store.add_event(engine, datetime(2022, 10, 18, 5, 0, tzinfo=UTC), "kakao", "보상안 발표")
    engine.dispose()
    at = _app()
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "사건" in d.value.columns)
    assert list(listed["사건"]) == [
        "판교 데이터센터 화재",
        "보상안 발표",
        "사과 기자회견·대표 사퇴",
    ]
    assert list(listed["시각 (KST)"])[1] == "2022-10-18 14:00"
    impact = _app()
    impact.switch_page("views/impact.py").run()
    options = impact.selectbox[-1].options
    assert any(o.endswith("· 카카오 · 보상안 발표") and o.startswith("2 · ") for o in options)


def test_overview_says_what_a_prune_took_from_its_comparisons(demo_url: str) -> None:
    assert not any("minsim prune" in i.value for i in _app().info)
    engine = create_engine(demo_url)
    cut = datetime(2022, 10, 17, tzinfo=KST)
    prune(engine, cut)
    with engine.begin() as conn:  # a topic term on every document left, for the Topics page
        conn.execute(text("INSERT INTO document_terms SELECT doc_id, '보상' FROM documents"))
    engine.dispose()
    st.cache_data.clear()
    at = _app()
    assert not at.exception
    (said,) = [i.value for i in at.info if "minsim prune" in i.value]
    # escaped as markdown (a source's name could hold markup): 2022\-10\-17 00\:00
    assert said.startswith("2022\\-10\\-17 00\\:00 KST 이전에 발행된 문서는 ")
    assert said.endswith(
        "minsim prune으로 지웠습니다\\. 2022\\-10\\-17 00\\:00 KST 전과는 비교하지 않습니다\\."
    )
    # a window whose day before lies after the cutoff compares nothing pruned: no note
    later = _app({"window": "custom", "from": "2022-10-19", "to": "2022-10-20"})
    assert not any("minsim prune" in i.value for i in later.info)
    # Topics compares a window with the period before it: from the cutoff on, and says so
    topics = _app({"window": "custom", "from": "2022-10-17", "to": "2022-10-20"})
    topics.switch_page("views/topics.py").run()
    assert not topics.exception
    assert any("minsim prune" in i.value for i in topics.info)
    assert any("바로 앞의 같은 길이 기간에 문서가 없어" in i.value for i in topics.info)


def test_overview_says_a_mixed_view_reads_a_pruned_source_for_less(demo_url: str) -> None:
    engine = create_engine(demo_url)
    cut = datetime(2022, 10, 17, tzinfo=KST)
    prune(engine, cut, ("demo-video",))
    engine.dispose()
    (said,) = [i.value for i in _app().info if "minsim prune" in i.value]
    assert "demo\\-video의 문서는" in said
    assert "demo\\-video의 문서가 빠진 채 비교되어" in said and "demo\\-video만 고르면" in said
    alone = _app({"source": "demo-video"})
    (said,) = [i.value for i in alone.info if "minsim prune" in i.value]
    assert said.endswith("2022\\-10\\-17 00\\:00 KST 전과는 비교하지 않습니다\\.")


def test_overview_lists_a_surge_and_announces_a_live_one(demo_url: str) -> None:
    at = _app()
    assert "이 조건에서는 급증한 시간이 없습니다." in _markdown_text(at)
    _add_burst(demo_url, SURGE_AT, "s")
    st.cache_data.clear()
    at = _app()
    assert not at.exception
    [table] = [frame.value for frame in at.dataframe if "종류" in frame.value.columns]
    assert list(table["회사"]) == ["카카오"]
    assert list(table["종류"]) == ["문서 급증"]
    assert list(table["시작 (KST)"]) == ["10-19 11:00"]
    assert list(table["상태"]) == [""]  # documents came after it
    assert not any("진행 중인 급증" in w.value for w in at.warning)
    # A burst that holds the newest document may still be going on: the page says so on top.
    _add_burst(demo_url, LIVE_SURGE_AT, "l")
    st.cache_data.clear()
    at = _app()
    [live] = [w.value for w in at.warning if "진행 중인 급증" in w.value]
    assert "카카오 문서 급증" in live
    # The company filter applies: Naver had no surge.
    at = _app({"company": ["naver"]})
    assert "이 조건에서는 급증한 시간이 없습니다." in _markdown_text(at)


def test_a_database_file_replaced_under_the_server_is_read_anew(
    demo_url: str, tmp_path: Path
) -> None:
    at = _app()
    assert _metric(at, "문서 (건)") == "48"
    # `rm minsim.db*` and a new `minsim init`, or a restored backup: another file, same path.
    other = tmp_path / "other" / "minsim.db"
    other.parent.mkdir()
    engine = build_database(other)
    add_comments(engine, source="live", count=5, start=SURGE_AT, version=VERSION)
    engine.dispose()
    path = Path(demo_url.removeprefix("sqlite:///"))
    for leftover in path.parent.glob(path.name + "-*"):  # WAL and shared-memory files
        leftover.unlink()
    os.replace(other, path)
    at.run()
    assert not at.exception
    assert _metric(at, "문서 (건)") == "53"


def test_company_filter_from_the_url_changes_the_numbers(demo_url: str) -> None:
    at = _app({"company": ["naver"]})
    assert _metric(at, "문서 (건)") == "24"
    assert at.multiselect[0].value == ["naver"]


def test_changing_a_widget_rewrites_the_url(demo_url: str) -> None:
    at = _app()
    at.multiselect(key="f_company").select("kakao").run()
    assert _metric(at, "문서 (건)") == "24"
    assert at.query_params["company"] == ["kakao"] or at.query_params["company"] == "kakao"
    at.radio(key="f_bucket").set_value("hour").run()
    assert at.query_params.get("bucket") in ("hour", ["hour"])


def test_search_words_narrow_every_page_and_live_in_the_url(demo_url: str) -> None:
    at = _app({"q": "사과"})
    # The apology comments, but the one whose text the fixture replaced with hostile markup.
    assert _metric(at, "문서 (건)") == "11"
    assert at.text_input(key="f_query").value == "사과"
    assert "'사과'이\\(가\\) 든 문서만" in at.caption[0].value  # escaped markdown
    at.text_input(key="f_query").input("네이버").run()
    assert _metric(at, "문서 (건)") == "6"  # Naver's article titles
    assert at.query_params.get("q") in ("네이버", ["네이버"])
    at.switch_page("views/documents.py").run()
    assert len(at.dataframe[0].value) == 6
    at.switch_page("views/words.py").run()
    at.segmented_control(key="words_kind").set_value("all").run()
    assert any("채점된 문서 6건" in c.value for c in at.caption)  # the six articles
    for page in ("views/impact.py", "views/sources.py", "views/compare.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def _param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_the_kind_switch_lives_in_the_url_and_links_carry_it(demo_url: str) -> None:
    at = _app()
    at.switch_page("views/words.py").run()
    # the Words page opens on comments (its default, so the URL needs no kind) ...
    assert at.segmented_control(key="words_kind").value == "comment"
    assert _param(at, "kind") is None
    links = [link for frame in at.dataframe if "link" in frame.value
             for link in frame.value["link"] if link]  # fmt: skip
    # ... and its links open the Documents page on comments too
    assert links and {parse_qs(link.split("?", 1)[1])["kind"][0] for link in links} == {"comment"}
    at.segmented_control(key="words_kind").set_value("article").run()
    assert _param(at, "kind") == "article"
    # a link opened: the Documents page starts on the kind it carries
    docs = _app({"kind": "comment"})
    docs.switch_page("views/documents.py").run()
    assert docs.segmented_control(key="doc_kind").value == "comment"
    assert set(docs.dataframe[0].value["종류"]) == {doctable.KIND_LABELS["comment"]}
    docs.segmented_control(key="doc_kind").set_value("all").run()  # the page's own default
    assert _param(docs, "kind") is None
    assert len(set(docs.dataframe[0].value["종류"])) == 2
    # unpicking the picked kind leaves the page's default, and the URL says so
    docs.segmented_control(key="doc_kind").set_value("article").run()
    assert _param(docs, "kind") == "article"
    docs.segmented_control(key="doc_kind").set_value(None).run()
    assert _param(docs, "kind") is None and len(set(docs.dataframe[0].value["종류"])) == 2
    # a kind no page knows is named on any page and dropped, its markup kept as text
    odd = _app({"kind": "<b>x</b>*"})
    assert not odd.exception and _param(odd, "kind") is None
    assert any(r"kind='\<b\>x\</b\>\*'은\(는\) 모르는 종류라 무시했습니다" in w.value
               for w in odd.warning)  # fmt: skip
    odd.switch_page("views/documents.py").run()
    assert odd.segmented_control(key="doc_kind").value == "all"
    # a repeated one: the first value, named in a warning
    twice = _app({"kind": ["article", "comment"]})
    assert _param(twice, "kind") == "article"
    assert any("kind 값이 여러 개라 첫 값 'article'만 읽었습니다" in w.value for w in twice.warning)


def test_search_words_all_count_and_the_caption_says_what_they_keep(demo_url: str) -> None:
    at = _app({"q": "카카오 실망 -늦었다"})
    assert not at.exception
    caption = at.caption[0].value
    assert "'카카오', '실망'이\\(가\\) 모두 든 문서만, '늦었다'이\\(가\\) 든 문서는 빼고" in caption
    # Every 실망 comment says 늦었다 too.
    assert "선택한 조건에 맞는 문서이(가) 없습니다" in _markdown_text(at)
    assert _metric(_app({"q": "실망 카카오"}), "문서 (건)") == "11"  # apart, in any order
    assert _metric(_app({"q": '"카카오 사과가"'}), "문서 (건)") == "11"
    assert "선택한 조건에 맞는" in _markdown_text(_app({"q": '"실망 카카오"'}))


def test_search_words_with_markup_stay_text_in_the_caption(demo_url: str) -> None:
    at = _app({"q": "**굵게**"})
    assert _metric(at, "문서 (건)") == "1"  # the hostile comment holds **굵게**
    assert "'\\*\\*굵게\\*\\*'" in at.caption[0].value
    entities = _app({"q": '"&lt;b&gt; [x](y)"'}).caption[0].value
    assert "'\\&lt;b\\&gt; \\[x\\]\\(y\\)'" in entities  # not rendered as <b> or a link


def test_a_lexicon_entry_from_a_link_narrows_and_can_be_lifted(demo_url: str) -> None:
    engine = create_engine(demo_url)
    with engine.begin() as conn:
        conn.execute(
            update(schema.scores)
            .where(schema.scores.c.doc_id == "c001")
            .values(hits='{"hits":[{"key":"최악/NNG","weight":-3.0}]}')
        )
    engine.dispose()
    at = _app({"word": "최악/NNG"})
    assert _metric(at, "문서 (건)") == "1"
    note = next(i.value for i in at.info if "사전 항목" in i.value)
    assert "최악/NNG" in note
    assert _metric(_app({"word": "실망/NNG", "company": "naver"}), "문서 (건)") == "24"
    at.button(key="f_word_clear").click().run()
    assert "word" not in at.query_params
    assert not any("사전 항목" in i.value for i in at.info)
    bad = _app({"word": "<script>"})
    assert "word='<script>'" in _url_warning(bad).replace("\\", "")


def test_custom_window_from_the_url(demo_url: str) -> None:
    # 2022-10-17 KST holds one day of the fixture: 2 articles and 6 comments.
    at = _app({"window": "custom", "from": "2022-10-17", "to": "2022-10-17"})
    assert not at.exception
    assert _metric(at, "문서 (건)") == "8"


def test_bad_params_warn_and_never_raise(demo_url: str) -> None:
    at = _app({"company": ["kakao", "**evil**"], "window": "<b>x</b>", "from": "1e9",
               "bucket": "minute" * 50})  # fmt: skip
    assert not at.exception
    warning = next(w.value for w in at.warning if "무시" in w.value)
    assert "\\*\\*evil\\*\\*" in warning  # escaped, so markdown prints the stars literally
    assert _metric(at, "문서 (건)") == "24"  # the valid company still applies


def _url_warning(at: AppTest) -> str:
    """The page's warning about the URL's filters, markdown escapes removed."""
    text = next(w.value for w in at.warning if "주소(URL)" in w.value)
    return re.sub(r"\\(.)", r"\1", text)


def test_custom_dates_after_the_data_are_moved_and_reported(demo_url: str) -> None:
    # The fixture's documents span 2022-10-15 .. 2022-10-20 KST.
    at = _app({"window": "custom", "from": "2030-01-01", "to": "2030-01-02"})
    assert not at.exception
    warning = _url_warning(at)
    assert "from 2030-01-01은(는) 가장 최근 문서의 날짜(2022-10-20)보다 늦어" in warning
    assert "to 2030-01-02은(는)" in warning
    assert "보여 주는 기간: 2022-10-20 ~ 2022-10-20 (KST)" in warning
    assert at.date_input(key="f_dates").value == (date(2022, 10, 20), date(2022, 10, 20))
    assert _metric(at, "문서 (건)") == "8"  # the last day: 2 articles and 6 comments


def test_from_and_to_without_a_window_mean_a_custom_window(demo_url: str) -> None:
    at = _app({"from": "2022-10-17", "to": "2022-10-17"})
    assert not at.exception
    assert not [w for w in at.warning if "주소(URL)" in w.value]
    assert at.radio(key="f_window").value == "custom"
    assert at.query_params.get("window") in ("custom", ["custom"])
    assert _metric(at, "문서 (건)") == "8"


def test_from_and_to_beside_another_window_are_reported_ignored(demo_url: str) -> None:
    at = _app({"window": "24h", "from": "2022-10-15", "to": "2022-10-15"})
    assert "window=24h이어서 무시했습니다" in _url_warning(at)
    assert at.radio(key="f_window").value == "24h"


def test_reversed_dates_beyond_the_data_say_what_is_shown(demo_url: str) -> None:
    at = _app({"window": "custom", "from": "9999-12-31", "to": "0001-01-01"})
    warning = _url_warning(at)
    assert "두 날짜를 바꿨습니다" in warning
    assert "보여 주는 기간: 2022-10-15 ~ 2022-10-20 (KST)" in warning
    assert at.date_input(key="f_dates").value == (date(2022, 10, 15), date(2022, 10, 20))
    assert _metric(at, "문서 (건)") == "48"


@pytest.mark.parametrize(
    "params",
    [
        {"window": ["custom", "7d"], "from": ["2022-10-17", "<script>alert(1)</script>"],
         "to": "9" * 5000},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"window": "custom", "from": "2022-02-30", "to": "**2022-10-17**", "bucket": ["hour"] * 99},
    ],
)  # fmt: skip
def test_hostile_date_params_never_raise(demo_url: str, params: dict) -> None:
    at = _app(params)
    assert not at.exception and not at.error
    assert _url_warning(at)
    assert int(_metric(at, "문서 (건)")) > 0


def test_window_preset_narrows_to_the_newest_day(demo_url: str) -> None:
    at = _app({"window": "24h"})
    assert int(_metric(at, "문서 (건)")) < 48


def test_documents_show_text_only_inertly(demo_url: str) -> None:
    at = _app({"company": ["kakao"]})
    at.switch_page("views/documents.py").run()
    assert not at.exception
    assert HOSTILE_COMMENT not in _markdown_text(at)
    shown = "\n".join(str(df.value.to_dict()) for df in at.dataframe)
    shown += "\n".join(t.value for t in at.text)
    assert HOSTILE_COMMENT in shown
    assert any("실망/NNG" in str(df.value.to_dict()) for df in at.dataframe)


def test_the_picked_document_stays_picked_when_new_documents_arrive(demo_url: str) -> None:
    at = _app()
    at.switch_page("views/documents.py").run()
    at.selectbox(key="documents_pick").set_value("c300").run()  # a Kakao comment of 10-18
    first_text = [t.value for t in at.text]
    # A collector stores newer documents, which come first in the list; the page is drawn again.
    engine = create_engine(demo_url)
    add_comments(engine, source="live", count=3, start=LIVE_SURGE_AT, version=VERSION)
    engine.dispose()
    st.cache_data.clear()
    at.run()
    assert not at.exception
    assert at.selectbox(key="documents_pick").value == "c300"
    assert [t.value for t in at.text] == first_text
    assert len(at.dataframe[0].value) == 48 + 3


def test_documents_detail_folds_small_hits_until_asked(demo_url: str) -> None:
    at = _app()
    at.switch_page("views/documents.py").run()
    detail = at.dataframe[-1].value
    assert (detail["최종 가중치"].abs() >= 0.5).all()
    folded = [c.value for c in at.caption if "작은 항목" in c.value]
    at.toggle(key="documents_all_hits").set_value(True).run()
    assert not at.exception
    everything = at.dataframe[-1].value
    assert folded, "the fixture document has endings and particles to fold"
    hidden = int(folded[0].split("작은 항목 ")[1].split("개")[0])
    assert len(everything) == len(detail) + hidden
    assert not [c for c in at.caption if "작은 항목" in c.value]


def test_sources_page_reports_the_failed_run(demo_url: str) -> None:
    at = _app()
    at.switch_page("views/sources.py").run()
    table = at.dataframe[0].value
    video = table[table["수집기"] == "demo-video"].iloc[0]
    assert "실패" in video["상태"]
    assert video["오류"] == "HTTP 503 from comments endpoint"
    portal = table[table["수집기"] == "demo-portal"].iloc[0]
    assert portal["시작 (KST)"] == "2022-12-01 10:00 KST"


# The settings of the health fixture: one configured feed that ran, one that never did.
HEALTH_SOURCES = """
[[sources]]
name = "news-feed"
kind = "rss"
interval = "15m"
url = "https://news.test/rss.xml"

[[sources]]
name = "inbox"
kind = "file"
interval = "1m"
enabled = false
folder = "inbox"
"""
# The import of my-export: after the fixture's runs, in another KST day than its rows.
IMPORT_AT = datetime(2022, 12, 3, 5, 0, tzinfo=UTC)  # 14:00 KST


def _health_runs() -> list[dict]:
    """news-feed: a good run, then a failed one; two imports, the older one failed; the demo load;
    plus the fixture's runs of demo-portal (ok) and demo-video (failed)."""

    def run(source: str, status: str, at: datetime, error: str | None = None, **counters) -> dict:
        return {"source": source, "started_at": at, "finished_at": at, "status": status,
                "counters": json.dumps(counters), "error": error}  # fmt: skip

    return [
        run("news-feed", "ok", IMPORT_AT - timedelta(days=1), fetched=20, new=20),
        run("news-feed", "failed", IMPORT_AT - timedelta(hours=1), "HTTP 500 from news.test"),
        run("import:missing.csv", "failed", IMPORT_AT - timedelta(hours=2),
            "missing.csv: cannot read: No such file or directory"),
        run("import:my.csv", "ok", IMPORT_AT, fetched=3, new=3),
        run("demo:articles.jsonl", "ok", IMPORT_AT - timedelta(days=2), fetched=12, new=12),
    ]  # fmt: skip


@pytest.fixture
def health_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo fixture, 3 comments of `my-export` imported at IMPORT_AT (run `import:my.csv`,
    so no run is named after their source), the runs above, and settings with two sources."""
    db = tmp_path / "health.db"
    engine = build_database(db)
    add_comments(engine, source="my-export", count=3, start=IMPORTED_AT, collected=IMPORT_AT)
    with engine.begin() as conn:
        conn.execute(insert(schema.runs), _health_runs())
        # the import stored the my-export comments
        imported = select(schema.runs.c.id).where(schema.runs.c.source == "import:my.csv")
        conn.execute(
            update(schema.documents)
            .where(schema.documents.c.source == "my-export")
            .values(run_id=imported.scalar_subquery())
        )
    engine.dispose()
    url = f"sqlite:///{db}"
    _configure(tmp_path, monkeypatch, url, HEALTH_SOURCES)
    return url


def _table(at: AppTest, column: str):  # noqa: ANN202 (a pandas DataFrame)
    """The page's table that has this column (tables are told apart by their first column)."""
    return next(df.value for df in at.dataframe if df.value.columns[0] == column)


def _sources_page(params: dict | None = None) -> AppTest:
    at = _app(params)
    at.switch_page("views/sources.py").run()
    assert not at.exception
    return at


def test_sources_page_lists_collectors_and_groups_imports(health_url: str) -> None:
    at = _sources_page()
    table = _table(at, "수집기")
    assert list(table["수집기"]) == [
        "demo-portal", "demo-video", "inbox", "news-feed",
        "가져오기 (minsim import)", "데모 불러오기 (minsim init --demo)",
    ]  # fmt: skip
    rows = table.set_index("수집기")
    assert rows.loc["inbox", "상태"] == "기록 없음"
    assert rows.loc["inbox", "설정"] == "file · 1m · 꺼짐"
    feed = rows.loc["news-feed"]
    assert feed["상태"] == "✗ 실패" and feed["오류"] == "HTTP 500 from news.test"
    assert feed["마지막 정상 실행 (KST)"] == "2022-12-02 14:00 KST"  # failing since then
    imports = rows.loc["가져오기 (minsim import)"]
    # The latest import went well: an older failed file is listed below, not a failed source.
    assert imports["상태"] == "✓ 정상" and imports["마지막 파일"] == "my.csv"
    assert imports["새 문서"] == "3"
    # the import's documents link the two tables; rows stored before any run knew are not linked
    assert imports["저장한 문서 출처"] == "my-export"
    assert rows.loc["demo-portal", "저장한 문서 출처"] == "—"
    assert not any(name.startswith("import:") for name in table["수집기"])
    recent = _table(at, "파일")
    assert list(recent["파일"]) == ["my.csv", "missing.csv"]
    assert recent.iloc[1]["상태"] == "✗ 실패"
    # news-feed (enabled, every 15m) has not started a run since 2022: collecting has stopped;
    # inbox is disabled, and the other rows are not configured sources
    [stopped] = [w.value for w in at.warning if "수집이 멈춘 것 같은 수집기" in w.value]
    stopped = stopped.replace("\\", "")  # the Markdown escapes of outside text
    assert "news-feed: 마지막 실행 시작 2022-12-03 13:00 KST (" in stopped
    assert "15m마다" in stopped and "inbox" not in stopped and "demo" not in stopped


def test_sources_page_names_an_enabled_source_no_running_process_collects(
    health_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # new-feed was added to the settings after the running `minsim run` started: it collects
    # news-feed alone; a second one collects news-feed too.
    new_feed = '[[sources]]\nname = "new-feed"\nkind = "rss"\ninterval = "15m"\n'
    _configure(tmp_path, monkeypatch, health_url,
               HEALTH_SOURCES + new_feed + 'url = "https://x.test/"\n')  # fmt: skip
    now = datetime.now(UTC)
    with create_engine(health_url).begin() as conn:
        conn.execute(insert(schema.schedulers), [
            {"host": "box_1", "pid": 41, "instance": "elsewhere", "seen_at": now,
             "started_at": now - timedelta(hours=1), "stopped_at": None,
             "sources": '["news-feed"]'},
            {"host": "box", "pid": 42, "instance": "elsewhere", "started_at": now,
             "seen_at": now, "stopped_at": None, "sources": '["news-feed"]'},
        ])  # fmt: skip
    at = _sources_page()
    [unknown] = [w.value for w in at.warning if "수집하지 않는 수집기" in w.value]
    assert "box\\_1" in unknown  # outside text, Markdown-escaped
    unknown = unknown.replace("\\", "")
    assert unknown.startswith("켜져 있는데 실행 중인 `minsim run`이 수집하지 않는 수집기: "
                              "new-feed (실행 중: box (pid 42), ")  # fmt: skip
    assert "inbox" not in unknown and "다시 시작하세요" in unknown  # inbox is disabled
    [twice] = [w.value.replace("\\", "") for w in at.warning if "함께 수집하는" in w.value]
    assert "news-feed: box (pid 42), box_1 (pid 41)" in twice  # newest first
    [caption] = [c.value.replace("\\", "") for c in at.caption
                 if c.value.startswith("`minsim run` ")]  # fmt: skip
    assert "box (pid 42): " in caption and "수집: news-feed" in caption
    # with one of them left, news-feed (last started in 2022) is not stopped but waiting
    with create_engine(health_url).begin() as conn:
        conn.execute(update(schema.schedulers).where(schema.schedulers.c.pid == 41)
                     .values(stopped_at=now))  # fmt: skip
    st.cache_data.clear()
    at = _sources_page()
    [late] = [w.value for w in at.warning if "새 실행이" in w.value and "수집하는데도" in w.value]
    assert "news" in late and "긴 실행 뒤에서 기다리고 있거나" in late
    assert not [w for w in at.warning if "수집이 멈춘 것 같은" in w.value]
    # both stop: none runs, and the last one is named
    with create_engine(health_url).begin() as conn:
        conn.execute(update(schema.schedulers).values(stopped_at=now))
    st.cache_data.clear()
    at = _sources_page()
    assert not [w for w in at.warning if "수집하지 않는 수집기" in w.value]
    [gone] = [i.value.replace("\\", "") for i in at.info if "`minsim run`이 없습니다" in i.value]
    assert "마지막 프로세스 box (pid 42)는" in gone and "에 멈췄습니다" in gone


def _run_param(link: object) -> str:
    """The run id of a '이 실행의 문서' link (documents?run=N)."""
    assert isinstance(link, str) and link.startswith("documents?run=")
    return link.removeprefix("documents?run=")


def test_a_run_link_opens_only_what_that_run_stored(health_url: str) -> None:
    sources = _sources_page()
    collectors = _table(sources, "수집기").set_index("수집기")
    run = _run_param(collectors.loc["가져오기 (minsim import)", "이 실행의 문서"])
    assert _run_param(_table(sources, "파일").iloc[0]["이 실행의 문서"]) == run  # my.csv
    assert collectors.loc["inbox", "이 실행의 문서"] == ""  # never ran: nothing to link
    for table in sources.dataframe[:2]:  # collectors and recent imports: shown as links
        config = json.loads(table.proto.columns)["이 실행의 문서"]
        assert config["type_config"]["type"] == "link"

    at = _app({"run": run})
    at.switch_page("views/documents.py").run()
    assert not at.exception and not at.warning
    table = at.dataframe[0].value
    assert set(table["source"]) == {"my-export"} and len(table) == 3
    note = next(i.value for i in at.sidebar.info).replace("\\", "")  # shown markdown-escaped
    assert f"수집 실행 #{run} · import:my.csv · 2022-12-03 14:00 KST 시작 · ✓ 정상" in note
    assert "저장한 문서 3건" in note
    assert any(f"수집 실행 #{run}이 저장한 문서만" in c.value.replace("\\", "") for c in at.caption)
    assert at.query_params["run"] in (run, [run])

    at.button(key="f_run_clear").click().run()
    assert not at.sidebar.info
    assert "run" not in at.query_params
    assert len(at.dataframe[0].value) > 3  # every document again


def test_a_run_filter_narrows_every_page(health_url: str) -> None:
    run = _run_param(
        _table(_sources_page(), "수집기").set_index("수집기").loc["가져오기 (minsim import)",
                                                               "이 실행의 문서"]
    )  # fmt: skip
    at = _app({"run": run})
    assert _metric(at, "문서 (건)") == "3"  # the overview, of the 51 documents
    at.switch_page("views/sources.py").run()
    assert _metric(at, "저장된 문서 (건)") == "3"
    assert len(_table(at, "수집기")) == 6  # runs are not documents: never filtered


def test_a_run_that_disappears_lifts_its_filter(health_url: str) -> None:
    at = _app({"run": "1"})  # the fixture's first demo-portal run: it stored nothing
    assert not at.exception and "저장한 문서 0건" in at.sidebar.info[0].value
    with create_engine(health_url).begin() as conn:
        conn.execute(delete(schema.runs).where(schema.runs.c.id == 1))
    st.cache_data.clear()
    at.run()
    assert not at.exception
    assert not at.sidebar.info and "run" not in at.query_params
    assert _metric(at, "문서 (건)") == "51"


def test_a_run_that_does_not_exist_is_ignored_with_a_warning(health_url: str) -> None:
    at = _app({"run": "987654"})
    assert not at.exception
    assert any("run=987654" in w.value for w in at.warning)
    assert not at.sidebar.info
    assert "run" not in at.query_params
    assert _metric(at, "문서 (건)") == "51"  # not narrowed


def test_recent_runs_list_all_collectors_newest_first(health_url: str) -> None:
    at = _sources_page()
    element = next(df for df in at.dataframe if df.value.columns[0] == "실행")
    recent = element.value
    names = [name.split(" ", 1)[1] for name in recent["실행"]]
    assert names == [
        "import:my.csv", "news-feed", "import:missing.csv", "news-feed", "demo:articles.jsonl",
        "demo-video", "demo-portal", "demo-portal",
    ]  # fmt: skip
    latest = recent.iloc[0]
    imported = _table(at, "수집기").set_index("수집기").loc["가져오기 (minsim import)"]
    assert latest["실행"] == f"#{_run_param(imported['이 실행의 문서'])} import:my.csv"
    assert latest["저장한 문서"] == "3"
    assert _run_param(latest["이 실행의 문서"]) == _run_param(imported["이 실행의 문서"])
    failed = recent.iloc[1]
    assert failed["상태"] == "✗ 실패" and failed["오류"] == "HTTP 500 from news.test"
    assert failed["저장한 문서"] == "0"
    config = json.loads(element.proto.columns)["이 실행의 문서"]
    assert config["type_config"]["type"] == "link"


def test_sources_header_counts_the_rows_of_its_tables(health_url: str) -> None:
    at = _sources_page()
    collectors, sources = _table(at, "수집기"), _table(at, "문서 출처")
    assert _metric(at, "수집기") == str(len(collectors)) == "6"
    assert _metric(at, "마지막 실행 실패") == str((collectors["상태"] == "✗ 실패").sum()) == "2"
    assert _metric(at, "문서 출처") == str(len(sources)) == "3"
    assert _metric(at, "저장된 문서 (건)") == "51"
    failed = next(e.value for e in at.error if "실패한 수집기" in e.value)
    assert "news\\-feed" in failed and "demo\\-video" in failed and "missing" not in failed


def test_sources_page_shows_document_sources_with_their_times(health_url: str) -> None:
    at = _sources_page()
    sources = _table(at, "문서 출처").set_index("문서 출처")
    assert list(sources.index) == ["demo-portal", "demo-video", "my-export"]
    export = sources.loc["my-export"]
    assert export["문서 (건)"] == "3" and export["댓글"] == "3"
    assert export["처음 발행 (KST)"] == "2022-10-18 10:00 KST"
    assert export["마지막 수집 (KST)"] == "2022-12-03 14:00 KST"
    assert sources.loc["demo-portal", "마지막 수집 (KST)"] == "2022-12-01 09:00 KST"
    # Run status stays with the collectors: a document source is not a run.
    assert "상태" not in sources and "기록 없음" not in sources.to_csv()
    assert any("수집 시각 기준" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 1


def test_sources_page_follows_the_source_filter(health_url: str) -> None:
    at = _sources_page({"source": ["my-export"]})
    sources = _table(at, "문서 출처")
    assert list(sources["문서 출처"]) == ["my-export"]
    assert _metric(at, "저장된 문서 (건)") == "3"
    assert len(_table(at, "수집기")) == 6  # runs are not documents: never filtered


def test_source_names_that_look_like_links_stay_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "links.db"
    engine = build_database(db)
    add_comments(engine, source="[click](https://evil.test)", count=1, start=IMPORTED_AT)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.runs),
            {"source": "**feed**", "started_at": IMPORT_AT, "status": "failed",
             "counters": "{}", "error": "[x](https://evil.test)"},
        )  # fmt: skip
    engine.dispose()
    _configure(tmp_path, monkeypatch, f"sqlite:///{db}")
    at = _sources_page()
    assert "[click](https://evil.test)" in list(_table(at, "문서 출처")["문서 출처"])
    failed = next(e.value for e in at.error if "실패한 수집기" in e.value)
    assert "\\*\\*feed\\*\\*" in failed
    assert "](https://" not in _markdown_text(at)


def test_no_demo_banner_for_real_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "real.db"
    build_database(db, demo=False).dispose()
    _configure(tmp_path, monkeypatch, f"sqlite:///{db}")
    at = _app()
    assert not at.exception
    assert not any("DEMO DATA" in w.value for w in at.warning)
    assert _metric(at, "문서 (건)") == "48"


def test_empty_database_gets_a_friendly_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "empty.db"
    empty_database(db).dispose()
    _configure(tmp_path, monkeypatch, f"sqlite:///{db}")
    at = _app()
    assert not at.exception and not at.error
    assert "minsim init --demo" in at.info[0].value


def test_missing_database_file_is_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "never" / "minsim.db"
    _configure(tmp_path, monkeypatch, f"sqlite:///{db}")
    at = _app()
    assert "minsim init --demo" in at.info[0].value
    assert not db.exists() and not db.parent.exists()


def test_unreachable_database_shows_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 1 of loopback, so the connection is refused at once.
    _configure(tmp_path, monkeypatch, "postgresql://minsim:secret@127.0.0.1:1/minsim")
    at = _app()
    assert not at.exception
    assert len(at.error) == 1
    assert "데이터베이스에 연결할 수 없습니다" in at.error[0].value
    assert "secret" not in at.error[0].value


def test_filters_survive_a_page_switch(demo_url: str) -> None:
    at = _app({"company": ["naver"], "bucket": "hour"})
    at.switch_page("views/compare.py").run()
    assert at.multiselect(key="f_company").value == ["naver"]
    assert at.radio(key="f_bucket").value == "hour"
    table = at.dataframe[0].value
    assert list(table["회사"]) == ["네이버"]


def test_compare_page_puts_sources_side_by_side(demo_url: str) -> None:
    at = _app({"company": ["kakao"]})
    at.switch_page("views/compare.py").run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["회사별", "출처별"]
    by_source = at.tabs[1].dataframe[0].value.set_index("출처")
    # Kakao's 6 articles (scored 0.0) and their 18 comments (-0.6, +0.5, +0.4 each).
    assert by_source.loc["demo-portal", "docs"] == 6
    assert by_source.loc["demo-video", "docs"] == 18
    assert by_source.loc["demo-video", "mean_compound"] == "+0.10"
    assert by_source.loc["demo-video", "neg_share"] == pytest.approx(1 / 3)


@pytest.mark.postgres
def test_overview_on_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    from minsim.db import migrate, open_engine

    engine = open_engine(postgres_url)
    migrate(engine)
    fill(engine).dispose()
    _configure(tmp_path, monkeypatch, postgres_url)
    at = _app({"company": ["kakao"], "bucket": "hour"})
    assert not at.exception and not at.error
    assert _metric(at, "문서 (건)") == "24"
    assert len(at.get("vega_lite_chart")) >= 2


def test_runs_without_documents_show_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from minsim import schema

    db = tmp_path / "runs-only.db"
    engine = empty_database(db)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.runs),
            {"source": "naver-news", "started_at": datetime(2022, 10, 15, 7, tzinfo=UTC),
             "status": "failed", "counters": json.dumps({"fetched": 0}),
             "error": "401 from the search API: check the client id"},
        )  # fmt: skip
    engine.dispose()
    _configure(tmp_path, monkeypatch, f"sqlite:///{db}")
    at = _app()
    assert not at.exception
    assert "minsim init --demo" in at.info[0].value
    table = at.dataframe[0].value
    assert table.iloc[0]["상태"] == "✗ 실패"
    assert table.iloc[0]["시작 (KST)"] == "2022-10-15 16:00 KST"
    assert "401" in table.iloc[0]["오류"]


def test_unscored_documents_are_not_counted_as_neutral(mixed_url: str) -> None:
    at = _app({"source": ["my-export"]})
    assert not at.exception
    assert _metric(at, "문서 (건)") == "3"
    assert _metric(at, "평균 감성 점수") == "—"
    assert _metric(at, "긍정 비율") == "—" and _metric(at, "부정 비율") == "—"
    note = next(i.value for i in at.info if "채점" in i.value)
    assert "3건 중 0건 채점" in note and "`minsim score --rescore`" in note


def test_the_mean_is_over_scored_documents_only(mixed_url: str) -> None:
    scored_only = _metric(_app({"source": ["demo-portal", "demo-video"]}), "평균 감성 점수")
    at = _app()
    assert _metric(at, "문서 (건)") == "51"
    assert _metric(at, "평균 감성 점수") == scored_only  # three unscored rows change nothing
    assert any("51건 중 48건 채점" in i.value for i in at.info)


def test_every_document_scored_needs_no_note(demo_url: str) -> None:
    at = _app()
    assert not [i for i in at.info if "채점" in i.value]


def test_documents_table_says_not_scored(mixed_url: str) -> None:
    at = _app({"source": ["my-export"]})
    at.switch_page("views/documents.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["compound"]) == [doctable.NOT_SCORED] * 3
    assert list(table["label"]) == [doctable.NOT_SCORED] * 3
    assert "None" not in table.astype(str).to_csv()


def test_demo_banner_follows_the_filtered_sources(mixed_url: str) -> None:
    real = _app({"source": ["my-export"]})
    assert not any("DEMO DATA" in w.value for w in real.warning)
    demo = _app({"source": ["demo-video"]})
    assert any(w.value == ui.DEMO_BANNER for w in demo.warning)
    mixed = _app()
    banner = next(w.value for w in mixed.warning if "DEMO DATA" in w.value)
    assert "데모 데이터 포함" in banner and "demo\\-portal" in banner  # escaped source names
    assert "export" not in banner  # the real source is not called demo


def test_documents_table_says_how_many_it_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "many.db"
    engine = build_database(db)
    add_comments(engine, source="demo-video", count=250, start=IMPORTED_AT, version=VERSION)
    engine.dispose()
    _configure(tmp_path, monkeypatch, f"sqlite:///{db}")
    at = _app()
    at.switch_page("views/documents.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == DEFAULT_DOCUMENT_LIMIT
    assert any("전체 298건 중 최신 200건" in c.value for c in at.caption)
    button = at.get("download_button")[0]
    assert button.proto.label == "CSV로 내려받기 (298건)"


def test_a_window_counted_back_from_an_old_document_says_so(demo_url: str) -> None:
    at = _app({"window": "24h"})
    note = next(i.value for i in at.info if "가장 최근 문서" in i.value)
    assert "2022-10-20" in note and "일 전" in note
    assert not [i for i in _app().info if "가장 최근 문서" in i.value]
