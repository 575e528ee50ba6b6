"""The before/after page: AppTest on a real SQLite file, and its pure table and chart builders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import create_engine, delete, func, insert, select
from streamlit.testing.v1 import AppTest
from test_aggregate_fixtures import (
    APOLOGY_AT,
    FIRE_AT,
    add_scored_comments,
    build_database,
    prune,
)

from dashboard import impact
from dashboard.markers import number_events
from minsim import schema, wording
from minsim.aggregate import Cut, Filters
from minsim.aggregate import impact as I
from minsim.timefmt import KST

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
RUN_TIMEOUT_SECONDS = 60
PAGE = "views/impact.py"
# An event two hours after the press conference whose title holds markdown.
NEARBY_TITLE = "**피해** 접수 [시작](http://x.test)"


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def impact_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared fixture plus twelve apology comments in the six hours before the press
    conference (negative) and twelve in the six hours after it (positive), and a third event."""
    db = tmp_path / "impact.db"
    engine = build_database(db)
    minutes = [30 * (i + 1) for i in range(12)]
    add_scored_comments(engine, "pre", APOLOGY_AT, [-m for m in minutes],
                        [-0.5 - 0.02 * i for i in range(12)])  # fmt: skip
    add_scored_comments(engine, "post", APOLOGY_AT, minutes, [0.4 + 0.02 * i for i in range(12)])
    with engine.begin() as conn:
        conn.execute(
            insert(schema.events),
            [{"at": APOLOGY_AT + timedelta(hours=2), "company": "kakao", "title": NEARBY_TITLE}],
        )
    engine.dispose()
    config = tmp_path / "minsim.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    monkeypatch.setenv("MINSIM_CONFIG", str(config))
    monkeypatch.delenv("MINSIM_DATABASE_URL", raising=False)
    return str(db)


def _page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_SECONDS)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(PAGE).run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_press_conference_turns_apology_opinion(impact_url: str) -> None:
    at = _page()
    assert not at.exception
    assert at.title[0].value == "사건 전후 · Before/after"
    # The fire has nothing before it; the press conference is the first event to judge.
    assert at.selectbox(key="impact_event").value == 1
    metrics = _metrics(at)
    assert metrics["변화"].startswith("+") and metrics["판단"] == "좋아짐"
    # Every Kakao document counts: the twelve, and a fixture article with its three comments.
    assert "이전 평균 점수 (16건)" in metrics
    detail = at.dataframe[0].value.set_index("측면")
    assert detail.loc["사과", "판단"] == "좋아짐"
    # Twelve added a side, plus one of the fixture's Kakao apology comments (-0.6) on each
    # (its Naver ones are not about the event's company).
    assert detail.loc["사과", "이전 (건)"] == 13 and detail.loc["사과", "이후 (건)"] == 13
    before = sum(-0.5 - 0.02 * i for i in range(12)) - 0.6
    after = sum(0.4 + 0.02 * i for i in range(12)) - 0.6
    assert detail.loc["사과", "변화"] == pytest.approx((after - before) / 13)
    assert list(detail.index)[0] == impact.ALL_DOCUMENTS_LABEL
    events = at.dataframe[1].value
    assert list(events["번호"]) == [1, 2, 3]
    assert events.loc[0, "판단"] == "이전 문서 없음"


def test_a_nearby_event_is_named_inertly(impact_url: str) -> None:
    at = _page()
    warning = next(w.value for w in at.warning if "다른 사건" in w.value)
    assert "#3" in warning
    assert "\\*\\*피해\\*\\*" in warning and "\\[시작\\]\\(http" in warning


def test_window_and_inherited_controls_change_the_counts(impact_url: str) -> None:
    at = _page()
    at.radio(key="impact_hours").set_value(6).run()
    assert not at.exception
    six = at.dataframe[0].value.set_index("측면")
    # The last added comment, six hours before, is just in; the fixture's are further back.
    assert six.loc["사과", "이전 (건)"] == 12
    at.radio(key="impact_hours").set_value(72).run()
    at.toggle(key="impact_inherited").set_value(True).run()
    wide = at.dataframe[0].value.set_index("측면")
    assert "서비스 장애" in wide.index  # the fixture's inherited outage aspect
    at.selectbox(key="impact_event").set_value(0).run()
    assert not at.exception
    # Nothing was published before the fire: no change to draw, and the page says why.
    assert any("변화를 잴 수 없습니다" in i.value for i in at.info)
    metrics = _metrics(at)
    assert metrics["변화"] == "—" and metrics["판단"] == "이전 문서 없음"


def test_a_window_that_cuts_the_comparison_says_so(impact_url: str) -> None:
    at = _page({"window": "custom", "from": "2022-10-19", "to": "2022-10-20"})
    assert not at.exception
    assert any("기간 필터가 이전 구간의 앞부분을 잘랐습니다" in i.value for i in at.info)


def test_a_prune_inside_the_comparison_says_so_and_counts_nothing_before_it(
    impact_url: str,
) -> None:
    engine = create_engine(f"sqlite:///{impact_url}")
    cut = datetime(2022, 10, 19, tzinfo=KST)  # 11 hours before the press conference
    prune(engine, cut)
    engine.dispose()
    at = _page()
    assert not at.exception
    reason = (
        "2022-10-19 00:00 KST 이전 문서를 {}에 minsim prune으로 지워 이전 구간의 앞부분이 "
        "비었습니다: 그 시간의 문서는 세지 않았습니다."
    )
    (said,) = [i.value for i in at.info if "minsim prune" in i.value]
    pruned_at = said.split(" 이전 문서를 ")[1].split("에 minsim")[0]
    assert said == reason.format(pruned_at)
    # the twelve added comments only: the fixture's article and comments of 10-18 are gone
    assert "이전 평균 점수 (12건)" in _metrics(at)
    (table_note,) = [c.value for c in at.caption if "전에 걸친 구간은" in c.value]
    assert table_note.startswith("2022\\-10\\-19 00\\:00 KST 이전에 발행된 문서는 ")


def test_a_recent_event_says_its_after_side_is_not_full(impact_url: str) -> None:
    engine = create_engine(f"sqlite:///{impact_url}")
    with engine.begin() as conn:
        newest = conn.execute(select(func.max(schema.documents.c.published_at))).scalar_one()
        # Three hours before the newest document: 21 of the 24 hours after it are missing.
        recent = newest.replace(tzinfo=UTC) - timedelta(hours=3)
        conn.execute(insert(schema.events), [{"at": recent, "company": "kakao", "title": "최근"}])
    engine.dispose()
    at = _page()
    at.selectbox(key="impact_event").set_value(3).run()
    assert not at.exception
    notes = [i.value for i in at.info]
    assert any("사건 후 3시간에 있어 이후 구간이 아직 다 차지 않았습니다" in n for n in notes)


def test_no_events_for_the_filters_is_a_notice(impact_url: str) -> None:
    at = _page({"company": "naver"})
    assert not at.exception
    notes = [i.value for i in at.info]
    assert notes == ["선택한 조건에 맞는 사건이(가) 없습니다. 필터를 넓혀 보세요."]
    assert not at.dataframe


def test_nothing_scored_points_to_the_score_command(impact_url: str) -> None:
    engine = create_engine(f"sqlite:///{impact_url}")
    with engine.begin() as conn:
        conn.execute(delete(schema.aspect_scores))
        conn.execute(delete(schema.scores))
    engine.dispose()
    at = _page()
    assert not at.exception
    assert any("`minsim score`" in i.value for i in at.info)
    assert not at.dataframe


def _compared(at: datetime, aspect: str, n_before: int, n_after: int, verdict: str) -> dict:
    return {"at": at, "company": "kakao", "aspect": aspect, "n_before": n_before,
            "mean_before": -0.2,
            "neg_share_before": 0.6, "n_after": n_after, "mean_after": 0.1,
            "neg_share_after": 0.4, "change": 0.3 if n_before and n_after else float("nan"),
            "low": 0.1, "high": 0.5, "verdict": verdict}  # fmt: skip


def test_the_default_event_is_the_first_that_can_be_judged() -> None:
    numbered = number_events(pd.DataFrame({
        "at": [FIRE_AT, APOLOGY_AT], "company": ["kakao", "kakao"], "title": ["화재", "사과"],
    }))  # fmt: skip
    compared = pd.DataFrame([
        _compared(FIRE_AT, I.ALL_DOCUMENTS, 0, 30, I.TOO_FEW),
        _compared(APOLOGY_AT, I.ALL_DOCUMENTS, 20, 30, I.UNCLEAR),
    ])  # fmt: skip
    assert impact.default_event(numbered, compared) == 1
    assert impact.default_event(numbered, compared.iloc[:1]) == 0
    # None can be judged: the first with documents on both sides.
    few = compared.assign(verdict=I.TOO_FEW)
    assert impact.default_event(numbered, few) == 1
    table = impact.events_table(numbered, compared.iloc[:1], {"kakao": "카카오"})
    assert list(table["판단"]) == ["이전 문서 없음", "앞뒤 문서 없음"]
    assert table.loc[1, "이후 (건)"] == 0 and table.loc[0, "회사"] == "카카오"
    near = impact.nearby_events(numbered, 1, hours=24 * 4)
    assert list(near["title"]) == ["화재"]
    assert impact.nearby_events(numbered, 1, hours=24).empty


def test_the_change_chart_leaves_out_aspects_without_both_sides() -> None:
    compared = pd.DataFrame([
        _compared(APOLOGY_AT, I.ALL_DOCUMENTS, 20, 30, I.BETTER),
        _compared(APOLOGY_AT, "apology", 0, 8, I.TOO_FEW),
        _compared(APOLOGY_AT, "outage", 15, 12, I.UNCLEAR),
    ])  # fmt: skip
    spec = impact.change_chart(compared, {"outage": "서비스 장애"}, title="t").to_dict()
    rows = next(iter(spec["datasets"].values()))
    shown = {r["측면"] for d in spec["datasets"].values() for r in d if "측면" in r}
    assert shown == {impact.ALL_DOCUMENTS_LABEL, "서비스 장애"} and rows
    ordered = I.rows_of(compared, APOLOGY_AT, "kakao")  # all documents, then by mentions after
    table = impact.change_table(ordered, {"outage": "서비스 장애"})
    assert list(table["측면"]) == [impact.ALL_DOCUMENTS_LABEL, "서비스 장애", "apology"]
    assert list(table["95% 구간"]) == ["+0.10 ~ +0.50"] * 3
    assert wording.interval_text(float("nan"), 0.2) == "—"
    assert (wording.signed(float("nan")), wording.percent(0.254)) == ("—", "25%")


def test_a_window_is_cut_by_the_filter_or_by_the_newest_document() -> None:
    day = timedelta(hours=24)
    later = APOLOGY_AT + 2 * day
    assert impact.cut_sides(Filters(), later, APOLOGY_AT, 24) == []
    inside = Filters(APOLOGY_AT - day, APOLOGY_AT + day)
    assert impact.cut_sides(inside, later, APOLOGY_AT, 24) == []
    start_cut = impact.cut_sides(Filters(start=APOLOGY_AT - day / 2), later, APOLOGY_AT, 24)
    assert start_cut == ["기간 필터가 이전 구간의 앞부분을 잘랐습니다"]
    both = impact.cut_sides(Filters(start=APOLOGY_AT, end=APOLOGY_AT + day / 2), None,
                            APOLOGY_AT, 24)  # fmt: skip
    assert len(both) == 2 and "이후 구간의 뒷부분" in both[1]
    (live,) = impact.cut_sides(Filters(), APOLOGY_AT + day / 4, APOLOGY_AT, 24)
    assert live.startswith("가장 최근 문서가 사건 후 6시간에 있어")
    pruned = Cut(APOLOGY_AT - day / 2, datetime(2026, 12, 1, tzinfo=UTC))
    (cut,) = impact.cut_sides(Filters(), later, APOLOGY_AT, 24, pruned)
    assert cut == (
        "2022-10-18 23:00 KST 이전 문서를 2026-12-01 09:00 KST에 minsim prune으로 지워 "
        "이전 구간의 앞부분이 비었습니다"
    )
    # a prune before the window, or before a filter that cuts more, is not a reason
    assert impact.cut_sides(Filters(), later, APOLOGY_AT, 6, pruned) == []
    filtered = impact.cut_sides(Filters(start=APOLOGY_AT - day / 4), later, APOLOGY_AT, 24, pruned)
    assert filtered == ["기간 필터가 이전 구간의 앞부분을 잘랐습니다"]
    (both_sides,) = impact.cut_sides(Filters(), later, APOLOGY_AT - day, 6, pruned)
    assert both_sides.endswith("이전 구간과 이후 구간 전부가 비었습니다")
    (into_after,) = impact.cut_sides(Filters(), later, APOLOGY_AT - day * 3 / 4, 24, pruned)
    assert into_after.endswith("이전 구간 전부와 이후 구간의 앞부분이 비었습니다")
    (at_the_event,) = impact.cut_sides(Filters(), later, pruned.before, 24, pruned)
    assert at_the_event.endswith("이전 구간 전부가 비었습니다")
    one_source = Cut(pruned.before, pruned.pruned_at, ("demo-video",))
    (named,) = impact.cut_sides(Filters(), later, APOLOGY_AT, 24, one_source)
    assert "2022-10-18 23:00 KST 이전 demo-video의 문서를 " in named


def test_event_options_read_as_plain_text() -> None:
    row = pd.Series({"no": 2, "at": pd.Timestamp(APOLOGY_AT).tz_convert("Asia/Seoul"),
                     "company": "kakao", "title": "사과 기자회견"})  # fmt: skip
    expected = "2 · 2022-10-19 11:00 · 카카오 · 사과 기자회견"
    assert impact.event_option(row, {"kakao": "카카오"}) == expected
    assert impact.event_option(row, {}).endswith("kakao · 사과 기자회견")
