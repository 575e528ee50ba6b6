"""The documents table shared by the Documents page and the Overview drill-down, with CSV export.

Text goes only into st.dataframe (rendered as plain cells) and into a CSV whose cells cannot start
a spreadsheet formula. The table shows the newest rows and says how many it left out; the CSV
holds every row behind the filters.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import explain, ui
from dashboard.charts import KIND_LABELS

COLUMNS = ["시각", "종류", "source", "회사", "title", "text", "compound", "label", "근거"]
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What the score and label cells say for a document the shown scorer version has not scored:
# an empty cell would print "None", and a 0 would pass it off as neutral.
NOT_SCORED = "채점 안 됨"


def export_frame(rows: pd.DataFrame, companies: dict[str, str]) -> pd.DataFrame:
    """Rows of aggregate.documents_table as the CSV holds them (KST times, Korean labels, the
    score as a number, empty when unscored)."""
    return rows.assign(
        시각=rows["published_at"].dt.strftime("%Y-%m-%d %H:%M"),
        종류=rows["kind"].map(KIND_LABELS),
        title=rows["title"].fillna(""),
        회사=rows["companies"].map(
            lambda ids: ", ".join(companies.get(c, c) for c in ids.split(", ") if c)
        ),
        label=rows["label"].where(rows["compound"].notna(), NOT_SCORED),
        근거=rows["hits"].map(explain.summary),
    )[COLUMNS]


def score_text(value: object) -> str:
    """A compound score as the table prints it: '+0.42', or NOT_SCORED."""
    if isinstance(value, int | float) and value == value:  # NaN != NaN
        return f"{value:+.2f}"
    return NOT_SCORED


def display_frame(rows: pd.DataFrame, companies: dict[str, str]) -> pd.DataFrame:
    """Rows of aggregate.documents_table as the table shows them: the export frame with the
    score as text, so an unscored document reads NOT_SCORED instead of "None"."""
    table = export_frame(rows, companies)
    return table.assign(compound=table["compound"].map(score_text))


def count_caption(shown: int, total: int) -> str:
    """How many rows the table shows out of how many the filters select."""
    if total > shown:
        return (
            f"전체 {total:,}건 중 최신 {shown:,}건을 보여 줍니다 (최신순). 나머지는 필터를 "
            f"좁혀서 보거나 CSV로 내려받으세요: CSV에는 {total:,}건이 모두 들어 있습니다."
        )
    return f"{total:,}건 (최신순)."


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that would start a formula get a leading apostrophe; numbers are untouched."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
            )
    return safe


def csv_bytes(rows: pd.DataFrame, companies: dict[str, str]) -> bytes:
    """The CSV file of documents_table rows, with a BOM so Excel reads Hangul."""
    return csv_safe(export_frame(rows, companies)).to_csv(index=False).encode("utf-8-sig")


def show(
    rows: pd.DataFrame,
    companies: dict[str, str],
    *,
    key: str,
    total: int,
    everything: Callable[[], pd.DataFrame],
) -> pd.DataFrame:
    """Draw the table (the newest `rows` of `total`) and a CSV download of `everything()`, which
    runs only when the button is clicked; returns the display frame."""
    st.caption(count_caption(len(rows), total))
    table = display_frame(rows, companies)
    ui.data_table(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("출처"),
            "title": st.column_config.TextColumn("제목"),
            "text": st.column_config.TextColumn("본문", width="large"),
            "compound": st.column_config.TextColumn("점수"),
            "label": st.column_config.TextColumn("라벨"),
        },
    )
    st.download_button(
        f"CSV로 내려받기 ({total:,}건)",
        data=lambda: csv_bytes(everything(), companies),
        file_name="minsim-documents.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
    )
    return table
