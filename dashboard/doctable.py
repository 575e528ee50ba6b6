"""The documents table shared by the Documents page and the Overview drill-down, with CSV export.

Text goes only into st.dataframe (rendered as plain cells) and into a CSV whose cells cannot start
a spreadsheet formula.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import explain
from dashboard.charts import KIND_LABELS

COLUMNS = ["시각", "종류", "source", "회사", "title", "text", "compound", "label", "근거"]
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def display_frame(rows: pd.DataFrame, companies: dict[str, str]) -> pd.DataFrame:
    """Rows of aggregate.documents_table as the table shows them (KST times, Korean labels)."""
    return rows.assign(
        시각=rows["published_at"].dt.strftime("%Y-%m-%d %H:%M"),
        종류=rows["kind"].map(KIND_LABELS),
        title=rows["title"].fillna(""),
        회사=rows["companies"].map(
            lambda ids: ", ".join(companies.get(c, c) for c in ids.split(", ") if c)
        ),
        근거=rows["hits"].map(explain.summary),
    )[COLUMNS]


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that would start a formula get a leading apostrophe; numbers are untouched."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
            )
    return safe


def show(rows: pd.DataFrame, companies: dict[str, str], *, key: str) -> pd.DataFrame:
    """Draw the table and its CSV download; returns the display frame."""
    table = display_frame(rows, companies)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("출처"),
            "title": st.column_config.TextColumn("제목"),
            "text": st.column_config.TextColumn("본문", width="large"),
            "compound": st.column_config.NumberColumn("점수", format="%+.2f"),
            "label": st.column_config.TextColumn("라벨"),
        },
    )
    st.download_button(
        "CSV로 내려받기",
        data=csv_safe(table).to_csv(index=False).encode("utf-8-sig"),  # BOM: Excel reads Hangul
        file_name="minsim-documents.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
    )
    return table
