"""The figures behind a chart as a CSV file: what a journalist redraws or a researcher analyses.

Times are KST text ('2022-10-15 00:00', the start of the hour or day), each id column is followed
by the name the chart shows, numbers keep four decimals, a BOM lets Excel read Hangul, and no
text cell can start a spreadsheet formula (doctable.csv_safe). A chart's own tooltip shows one
point; the file holds every point the chart drew, with the counts behind each mean and share.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard.doctable import csv_safe
from minsim.timefmt import KST

TIME_COLUMN = "time_kst"
TIME_FORMAT = "%Y-%m-%d %H:%M"
BUTTON_LABEL = "차트 데이터 CSV"
DEFAULT_HELP = (
    "이 차트가 그린 숫자를 구간(KST)마다 한 줄씩: 문서 수(docs), 채점된 문서 수(scored), 평균 "
    "점수(mean_compound), 긍정·부정 수(pos, neg)와 비율. 엑셀에서 바로 열립니다."
)


def chart_csv(frame: pd.DataFrame, names: Mapping[str, Mapping[str, str]] | None = None) -> bytes:
    """`frame` (an aggregate with a `bucket` column of aware KST times) as a CSV file; `names`
    maps an id column (company, aspect) to the names to write beside it."""
    out = frame.copy()
    if "bucket" in out.columns:
        out.insert(0, TIME_COLUMN, kst_text(out.pop("bucket")))
    for column, labels in (names or {}).items():
        if column in out.columns:
            named = out[column].map(lambda value, labels=labels: labels.get(value, value))
            out.insert(out.columns.get_loc(column) + 1, f"{column}_name", named)
    return csv_safe(out).to_csv(index=False, float_format="%.4f").encode("utf-8-sig")


def kst_text(times: pd.Series) -> pd.Series:
    """Times as KST text; naive ones are taken as UTC, as the database stores them."""
    moments = pd.to_datetime(times)
    if moments.dt.tz is None:
        moments = moments.dt.tz_localize("UTC")
    return moments.dt.tz_convert(KST).dt.strftime(TIME_FORMAT)


def download(
    frame: pd.DataFrame,
    *,
    name: str,
    bucket: str,
    key: str,
    names: Mapping[str, Mapping[str, str]] | None = None,
    help: str = DEFAULT_HELP,
) -> None:
    """A button that downloads `frame` as `minsim-<name>-<bucket>.csv`; none for an empty one.
    The file is made when clicked, and the click does not redraw the page."""
    if frame.empty:
        return
    st.download_button(
        BUTTON_LABEL,
        data=lambda: chart_csv(frame, names),
        file_name=f"minsim-{name}-{bucket}.csv",
        mime="text/csv",
        key=key,
        icon=":material/table_view:",
        on_click="ignore",
        help=help,
    )
