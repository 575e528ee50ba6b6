"""Pure pieces of the surge list on the Overview page: its table and the notice of live surges.

Frames come from minsim.aggregate.surges; nothing here touches Streamlit or the database.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from minsim.aggregate.surges import BASELINE_HOURS
from minsim.wording import SURGE_LABELS, surge_rise, surge_value

TIME_FORMAT = "%m-%d %H:%M"
ONGOING = "진행 중"
# The table's columns, in order: (field, title).
COLUMNS = {
    "company_name": "회사",
    "kind_label": "종류",
    "start_text": "시작 (KST)",
    "end_text": "끝 (KST)",
    "hours": "급증한 시간",
    "peak_text": "정점 (KST)",
    "peak_value_text": "정점 값",
    "baseline_text": f"직전 {BASELINE_HOURS}시간",
    "rise_text": "변화",
    "docs": "문서 (건)",
    "terms_text": "많이 나온 말",
    "state": "상태",
}


def surge_table(frame: pd.DataFrame, companies: dict[str, str]) -> pd.DataFrame:
    """Episodes of aggregate.surges as the table shows them (plain text cells, Korean titles);
    those of watched words (aggregate.watched) name their word where a company stands."""
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS.values()))
    frame = as_company_rows(frame)
    shown = frame.assign(
        company_name=frame["company"].map(lambda c: companies.get(c, c)),
        kind_label=frame["kind"].map(SURGE_LABELS),
        start_text=frame["start"].dt.strftime(TIME_FORMAT),
        end_text=frame["end"].dt.strftime(TIME_FORMAT),
        peak_text=frame["peak"].dt.strftime(TIME_FORMAT),
        peak_value_text=[
            surge_value(k, v) for k, v in zip(frame["kind"], frame["peak_value"], strict=True)
        ],
        baseline_text=[
            surge_value(k, v) for k, v in zip(frame["kind"], frame["baseline"], strict=True)
        ],
        rise_text=[
            surge_rise(k, v, b)
            for k, v, b in zip(frame["kind"], frame["peak_value"], frame["baseline"], strict=True)
        ],
        state=frame["ongoing"].map(lambda live: ONGOING if live else ""),
        terms_text=[", ".join(terms) for terms in frame["terms"]] if "terms" in frame else "",
    )
    return shown[list(COLUMNS)].rename(columns=COLUMNS)


def selection_key(frame: pd.DataFrame) -> str:
    """The widget key of the surge table for this list of surges: Streamlit keeps a keyed
    table's selection while its data change, so a row picked in an older list (a filter
    changed, a new surge on top) would open the wrong surge, or none at all."""
    names = "|".join(
        f"{row.company}/{row.kind}/{row.start.isoformat()}" for row in frame.itertuples()
    )
    return "surge_pick_" + hashlib.sha1(names.encode("utf-8")).hexdigest()[:12]


def as_company_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Surges of watched words written as a company's are, their word (quoted) as the company:
    a table or a notice lists both alike."""
    if "term" not in frame:
        return frame
    return frame.rename(columns={"term": "company"}).assign(
        company=[f"'{term}'" for term in frame["term"]]
    )


def live_notice(
    frame: pd.DataFrame, companies: dict[str, str], watched: pd.DataFrame | None = None
) -> str | None:
    """One line per surge that reaches the newest hour of the data, the companies' first and
    then the `watched` words' (aggregate.watched), or None when none does."""
    lines = []
    for found in (frame, as_company_rows(watched) if watched is not None else None):
        if found is None or found.empty:
            continue
        lines += [
            f"{companies.get(row.company, row.company)} {SURGE_LABELS[row.kind]}: "
            f"{row.start:%m-%d %H:%M}부터, 정점 {surge_value(row.kind, row.peak_value)} "
            f"(직전 {BASELINE_HOURS}시간 {surge_value(row.kind, row.baseline)})"
            for row in found[found["ongoing"].astype(bool)].itertuples()
        ]
    if not lines:
        return None
    return "진행 중인 급증 — " + " · ".join(lines)
