"""The surge list's pure pieces: table cells and the notice of surges still going on."""

from __future__ import annotations

import pandas as pd

from dashboard import surges
from minsim.aggregate.surges import EPISODE_COLUMNS, NEGATIVE, VOLUME

COMPANIES = {"kakao": "카카오"}


def _hour(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Asia/Seoul")


def _episodes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ["kakao", VOLUME, _hour("2022-10-19 11:00"), _hour("2022-10-19 14:00"), 3,
             _hour("2022-10-19 12:00"), 48.0, 9.875, 120, True],
            ["naver", NEGATIVE, _hour("2022-10-18 09:00"), _hour("2022-10-18 10:00"), 1,
             _hour("2022-10-18 09:00"), 0.9, 0.52, 30, False],
        ],
        columns=EPISODE_COLUMNS,
    )  # fmt: skip


def test_the_table_names_companies_and_states() -> None:
    table = surges.surge_table(_episodes(), COMPANIES)
    assert list(table.columns) == list(surges.COLUMNS.values())
    first = table.iloc[0]
    assert (first["회사"], first["종류"], first["시작 (KST)"]) == (
        "카카오",
        "문서 급증",
        "10-19 11:00",
    )
    assert (first["정점 값"], first["직전 24시간"], first["변화"]) == (
        "48건/시간",
        "9.9건/시간",
        "×4.9",
    )
    assert first["상태"] == surges.ONGOING
    second = table.iloc[1]
    assert (second["회사"], second["종류"], second["상태"]) == ("naver", "부정 급증", "")


def test_an_empty_list_keeps_its_columns() -> None:
    empty = pd.DataFrame(columns=EPISODE_COLUMNS)
    assert list(surges.surge_table(empty, COMPANIES).columns) == list(surges.COLUMNS.values())
    assert surges.live_notice(empty, COMPANIES) is None


def test_only_surges_still_going_on_are_announced() -> None:
    notice = surges.live_notice(_episodes(), COMPANIES)
    assert notice == (
        "진행 중인 급증 — 카카오 문서 급증: 10-19 11:00부터, 정점 48건/시간 "
        "(직전 24시간 9.9건/시간)"
    )
    assert surges.live_notice(_episodes().iloc[1:], COMPANIES) is None


def test_a_new_list_of_surges_gets_a_new_table_key() -> None:
    # Streamlit keeps a keyed table's picked row while its data change: a row picked in an
    # older list must not open another surge of the new one.
    both = _episodes()
    assert surges.selection_key(both) == surges.selection_key(both.copy())
    assert surges.selection_key(both) != surges.selection_key(both.iloc[1:])
    assert surges.selection_key(both).startswith("surge_pick_")
