"""Pure pieces of the before/after page: which event to open, the tables and the change chart.

Frames come from minsim.aggregate.compare_sides; nothing here touches Streamlit or the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import altair as alt
import pandas as pd

from minsim.aggregate import Filters
from minsim.aggregate.impact import ALL_DOCUMENTS, BETTER, TOO_FEW, UNCLEAR, WORSE

# Hours compared on either side of an event: the first evening, a day, the days that follow.
WINDOW_HOURS = (6, 24, 72)
DEFAULT_HOURS = 24
ALL_DOCUMENTS_LABEL = "전체 (모든 문서)"
VERDICT_LABELS = {BETTER: "좋아짐", WORSE: "나빠짐", UNCLEAR: "뚜렷하지 않음", TOO_FEW: "표본 부족"}
VERDICT_COLORS = {BETTER: "#2563eb", WORSE: "#dc2626", UNCLEAR: "#64748b", TOO_FEW: "#cbd5e1"}
TABLE_COLUMNS = {
    "n_before": "이전 (건)", "mean_before": "이전 평균", "neg_share_before": "이전 부정 비율",
    "n_after": "이후 (건)", "mean_after": "이후 평균", "neg_share_after": "이후 부정 비율",
    "change": "변화", "interval": "95% 구간", "판단": "판단",
}  # fmt: skip


def event_option(row: pd.Series, companies: dict[str, str]) -> str:
    """'3 · 10-19 10:00 · 카카오 · 사과 기자회견' (a select box shows it as plain text)."""
    name = companies.get(row["company"], row["company"])
    return f"{row['no']} · {row['at']:%m-%d %H:%M} · {name} · {row['title']}"


def default_event(numbered: pd.DataFrame, compared: pd.DataFrame) -> int:
    """The position of the first event whose overall change can be judged, else of the first
    with scored documents on both sides, else 0: the scenario's first event usually has
    nothing before it."""
    overall = compared[compared["aspect"] == ALL_DOCUMENTS]
    for candidates in (overall[overall["verdict"] != TOO_FEW], overall[overall["change"].notna()]):
        found = set(candidates["at"])
        for position, at in enumerate(numbered["at"]):
            if at in found:
                return position
    return 0


def nearby_events(numbered: pd.DataFrame, position: int, hours: int) -> pd.DataFrame:
    """The other events inside the compared window of the event at `position`: their effect is
    mixed into the change."""
    at = numbered["at"].iloc[position]
    span = timedelta(hours=hours)
    near = (numbered["at"] >= at - span) & (numbered["at"] < at + span)
    return numbered[near & (numbered.index != numbered.index[position])]


def window_cut(flt: Filters, at: datetime, hours: int) -> bool:
    """True when the time filter ends the compared window early on either side."""
    span = timedelta(hours=hours)
    return (flt.start is not None and flt.start > at - span) or (
        flt.end is not None and flt.end < at + span
    )


def signed(value: float) -> str:
    """A mean score as '+0.42'; '—' for NaN (no documents)."""
    return "—" if value != value else f"{value:+.2f}"


def percent(value: float) -> str:
    return "—" if value != value else f"{value:.0%}"


def interval_text(low: float, high: float) -> str:
    if low != low or high != high:  # NaN: a side is empty
        return "—"
    return f"{signed(low)} ~ {signed(high)}"


def change_table(compared: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One row per aspect (the all-documents row first) with Korean headers and the verdict."""
    rows = compared.assign(
        측면=compared["aspect"].map(
            lambda a: ALL_DOCUMENTS_LABEL if a == ALL_DOCUMENTS else labels.get(a, a)
        ),
        interval=[
            interval_text(lo, hi) for lo, hi in zip(compared["low"], compared["high"], strict=True)
        ],
        판단=compared["verdict"].map(VERDICT_LABELS),
        first=compared["aspect"] != ALL_DOCUMENTS,
    ).sort_values(["first", "n_after"], ascending=[True, False], kind="stable")
    return rows[["측면", *TABLE_COLUMNS]].rename(columns=TABLE_COLUMNS)


def events_table(
    numbered: pd.DataFrame, compared: pd.DataFrame, companies: dict[str, str]
) -> pd.DataFrame:
    """Every event with the change of all documents' mean score across it."""
    overall = compared[compared["aspect"] == ALL_DOCUMENTS].set_index("at")
    rows = []
    for _, event in numbered.iterrows():
        row = {
            "번호": event["no"],
            "시각 (KST)": f"{event['at']:%Y-%m-%d %H:%M}",
            "회사": companies.get(event["company"], event["company"]),
            "사건": event["title"],
        }
        if event["at"] in overall.index:
            found = overall.loc[event["at"]]
            row.update(
                {
                    TABLE_COLUMNS[c]: found[c]
                    for c in ("n_before", "mean_before", "n_after", "mean_after", "change")
                }
            )
            row["95% 구간"] = interval_text(found["low"], found["high"])
            row["판단"] = VERDICT_LABELS[found["verdict"]]
        else:
            row.update({"이전 (건)": 0, "이후 (건)": 0, "판단": VERDICT_LABELS[TOO_FEW]})
        rows.append(row)
    return pd.DataFrame(rows)


def change_chart(compared: pd.DataFrame, labels: dict[str, str], *, title: str) -> alt.LayerChart:
    """The change of the mean score per aspect as a dot with its 95 % interval as a bar, on a
    fixed -1..1 axis around a zero rule; aspects without documents on both sides are left off."""
    shown = compared[compared["change"].notna()]
    data = shown.assign(
        측면=shown["aspect"].map(
            lambda a: ALL_DOCUMENTS_LABEL if a == ALL_DOCUMENTS else labels.get(a, a)
        ),
        판단=shown["verdict"].map(VERDICT_LABELS),
        # The interval may reach past the axis; it is drawn to the edge.
        low_shown=shown["low"].clip(-2, 2),
        high_shown=shown["high"].clip(-2, 2),
    )
    order = list(data.sort_values("n_after", ascending=False, kind="stable")["측면"])
    color = alt.Color(
        "판단:N",
        title="판단",
        scale=alt.Scale(domain=list(VERDICT_LABELS.values()), range=list(VERDICT_COLORS.values())),
    )
    y = alt.Y("측면:N", title=None, sort=order)
    tooltip = [
        "측면:N",
        "판단:N",
        alt.Tooltip("change:Q", title="변화", format="+.2f"),
        alt.Tooltip("low:Q", title="95% 구간 하한", format="+.2f"),
        alt.Tooltip("high:Q", title="95% 구간 상한", format="+.2f"),
        alt.Tooltip("mean_before:Q", title="이전 평균", format="+.2f"),
        alt.Tooltip("mean_after:Q", title="이후 평균", format="+.2f"),
        alt.Tooltip("n_before:Q", title="이전 (건)"),
        alt.Tooltip("n_after:Q", title="이후 (건)"),
    ]
    x_scale = alt.Scale(domain=[-1, 1], clamp=True)
    bars = (
        alt.Chart(data)
        .mark_rule(strokeWidth=3)
        .encode(
            x=alt.X("low_shown:Q", title="평균 점수의 변화 (이후 − 이전)", scale=x_scale),
            x2="high_shown:Q",
            y=y,
            color=color,
            tooltip=tooltip,
        )
    )
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("change:Q", scale=x_scale),
            y=y,
            color=color,
            tooltip=tooltip,
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#94a3b8").encode(x="x:Q")
    return alt.layer(zero, bars, dots).properties(title=title, height=alt.Step(30))
