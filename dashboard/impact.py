"""Pure pieces of the before/after page: which event to open, the tables and the change chart.

Frames come from minsim.aggregate.compare_sides; nothing here touches Streamlit or the database.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import altair as alt
import pandas as pd

from minsim.aggregate import Cut, Filters
from minsim.aggregate.impact import (
    ALL_DOCUMENTS,
    BETTER,
    KEY_COLUMNS,
    TOO_FEW,
    UNCLEAR,
    WORSE,
    event_keys,
)
from minsim.timefmt import format_kst
from minsim.wording import (
    NO_DOCUMENTS,
    VERDICT_LABELS,
    interval_text,
    pruned_whose,
    verdict_text,
)

# Hours compared on either side of an event: the first evening, a day, the days that follow.
WINDOW_HOURS = (6, 24, 72)
# A day either side: long enough for a comment wave to form, short enough that the next event
# of a fast-moving crisis is seldom inside it.
DEFAULT_HOURS = 24
# The row of every document about the event's company, whatever aspects it names.
ALL_DOCUMENTS_LABEL = "전체 (그 회사의 모든 문서)"
VERDICT_COLORS = {BETTER: "#2563eb", WORSE: "#dc2626", UNCLEAR: "#64748b", TOO_FEW: "#cbd5e1"}
TABLE_COLUMNS = {
    "n_before": "이전 (건)", "mean_before": "이전 평균", "neg_share_before": "이전 부정 비율",
    "n_after": "이후 (건)", "mean_after": "이후 평균", "neg_share_after": "이후 부정 비율",
    "change": "변화", "interval": "95% 구간", "verdict_text": "판단",
}  # fmt: skip
# The change axis reaches at least this far either side of 0, so a tiny change is not drawn
# as a large one, and at most 2, the widest a change of two means in [-1, 1] can be.
MIN_AXIS_EXTENT, MAX_AXIS_EXTENT = 0.2, 2.0
AXIS_STEP = 0.1  # the extent is rounded up to this
INTERVAL_WIDTH_PX, DOT_AREA_PX, ROW_HEIGHT_PX = 3, 90, 30


def event_option(row: pd.Series, companies: dict[str, str]) -> str:
    """'3 · 2022-10-19 10:00 · 카카오 · 사과 기자회견' (a select box shows it as plain text)."""
    name = companies.get(row["company"], row["company"])
    return f"{row['no']} · {row['at']:%Y-%m-%d %H:%M} · {name} · {row['title']}"


def default_event(numbered: pd.DataFrame, compared: pd.DataFrame) -> int:
    """The position of the first event whose overall change can be judged, else of the first
    with scored documents on both sides, else 0: the scenario's first event usually has
    nothing before it."""
    overall = compared[compared["aspect"] == ALL_DOCUMENTS]
    for candidates in (overall[overall["verdict"] != TOO_FEW], overall[overall["change"].notna()]):
        found = set(event_keys(candidates))
        for position, key in enumerate(event_keys(numbered)):
            if key in found:
                return position
    return 0


def nearby_events(numbered: pd.DataFrame, position: int, hours: int) -> pd.DataFrame:
    """The other events inside the compared window of the event at `position`: their effect is
    mixed into the change."""
    at = numbered["at"].iloc[position]
    span = timedelta(hours=hours)
    near = (numbered["at"] >= at - span) & (numbered["at"] < at + span)
    return numbered[near & (numbered.index != numbered.index[position])]


def cut_sides(
    flt: Filters, newest: datetime | None, at: datetime, hours: int, pruned: Cut | None = None
) -> list[str]:
    """Why either side of the window holds less than `hours`: the time filter starts after the
    window does or ends before it, a prune removed what was published before a moment inside
    it, or the newest document is younger than the window's end (a recent event: the hours
    after it have not all passed, or not all been collected)."""
    span = timedelta(hours=hours)
    reasons = []
    if flt.start is not None and flt.start > at - span:
        reasons.append("기간 필터가 이전 구간의 앞부분을 잘랐습니다")
    if (
        pruned is not None
        and pruned.before > at - span
        and (flt.start is None or pruned.before > flt.start)
    ):
        side = "이전 구간의 앞부분이"
        if pruned.before >= at + span:
            side = "이전 구간과 이후 구간 전부가"
        elif pruned.before > at:
            side = "이전 구간 전부와 이후 구간의 앞부분이"
        elif pruned.before == at:  # cutoffs fall at KST midnight, as events may
            side = "이전 구간 전부가"
        reasons.append(
            f"{format_kst(pruned.before)} 이전 {pruned_whose(pruned)}문서를 "
            f"{format_kst(pruned.pruned_at)}에 minsim prune으로 지워 {side} 비었습니다"
        )
    if flt.end is not None and flt.end < at + span:
        reasons.append("기간 필터가 이후 구간의 뒷부분을 잘랐습니다")
    elif newest is not None and newest < at + span:
        hours_after = max((newest - at).total_seconds() / 3600, 0.0)
        reasons.append(
            f"가장 최근 문서가 사건 후 {hours_after:.0f}시간에 있어 이후 구간이 아직 다 차지 "
            "않았습니다"
        )
    return reasons


def aspect_name(aspect: str, labels: dict[str, str]) -> str:
    return ALL_DOCUMENTS_LABEL if aspect == ALL_DOCUMENTS else labels.get(aspect, aspect)


def change_table(compared: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One event's rows (aggregate.impact.rows_of, in its order) with Korean headers and the
    verdict. Means and changes stay numbers, so the table sorts by them; a side without
    documents has none (and its verdict says so)."""
    rows = compared.assign(
        측면=[aspect_name(a, labels) for a in compared["aspect"]],
        interval=[interval_text(lo, hi) for lo, hi in zip(compared["low"], compared["high"],
                                                          strict=True)],
        verdict_text=[verdict_text(row) for _, row in compared.iterrows()],
    )  # fmt: skip
    return rows[["측면", *TABLE_COLUMNS]].rename(columns=TABLE_COLUMNS)


def events_table(
    numbered: pd.DataFrame, compared: pd.DataFrame, companies: dict[str, str]
) -> pd.DataFrame:
    """Every event with the change of the mean score of its company's documents across it."""
    overall = compared[compared["aspect"] == ALL_DOCUMENTS].set_index(KEY_COLUMNS)
    rows = []
    for _, event in numbered.iterrows():
        row = {
            "번호": event["no"],
            "시각 (KST)": f"{event['at']:%Y-%m-%d %H:%M}",
            "회사": companies.get(event["company"], event["company"]),
            "사건": event["title"],
        }
        key = (event["at"], event["company"])
        if key in overall.index:
            found = overall.loc[key]
            for column in ("n_before", "mean_before", "n_after", "mean_after", "change"):
                row[TABLE_COLUMNS[column]] = found[column]
            row["95% 구간"] = interval_text(found["low"], found["high"])
            row["판단"] = verdict_text(found)
        else:
            row.update({"이전 (건)": 0, "이후 (건)": 0, "판단": NO_DOCUMENTS})
        rows.append(row)
    return pd.DataFrame(rows)


def axis_extent(data: pd.DataFrame) -> float:
    """How far either side of 0 the change axis reaches: past every dot and interval end,
    rounded up to AXIS_STEP, within MIN_AXIS_EXTENT and MAX_AXIS_EXTENT."""
    values = pd.concat([data["change"], data["low"], data["high"]]).abs().dropna()
    widest = float(values.max()) if len(values) else 0.0
    rounded = math.ceil(round(widest / AXIS_STEP, 6)) * AXIS_STEP
    return min(max(rounded, MIN_AXIS_EXTENT), MAX_AXIS_EXTENT)


def change_chart(compared: pd.DataFrame, labels: dict[str, str], *, title: str) -> alt.LayerChart:
    """The change of the mean score per aspect as a dot with its 95 % interval as a bar around
    a zero rule, on an axis symmetric about 0; aspects without documents on both sides are
    left off."""
    shown = compared[compared["change"].notna()]
    data = shown.assign(
        측면=[aspect_name(a, labels) for a in shown["aspect"]],
        판단=shown["verdict"].map(VERDICT_LABELS),
    )
    extent = axis_extent(data)
    order = list(data.sort_values("n_after", ascending=False, kind="stable")["측면"])
    color = alt.Color("판단:N", title="판단",
                      scale=alt.Scale(domain=list(VERDICT_LABELS.values()),
                                      range=list(VERDICT_COLORS.values())))  # fmt: skip
    y = alt.Y("측면:N", title=None, sort=order)
    tooltip = [
        "측면:N", "판단:N",
        alt.Tooltip("change:Q", title="변화", format="+.2f"),
        alt.Tooltip("low:Q", title="95% 구간 하한", format="+.2f"),
        alt.Tooltip("high:Q", title="95% 구간 상한", format="+.2f"),
        alt.Tooltip("mean_before:Q", title="이전 평균", format="+.2f"),
        alt.Tooltip("mean_after:Q", title="이후 평균", format="+.2f"),
        alt.Tooltip("n_before:Q", title="이전 (건)"),
        alt.Tooltip("n_after:Q", title="이후 (건)"),
    ]  # fmt: skip
    x_scale = alt.Scale(domain=[-extent, extent])
    bars = (
        alt.Chart(data)
        .mark_rule(strokeWidth=INTERVAL_WIDTH_PX)
        .encode(x=alt.X("low:Q", title="평균 점수의 변화 (이후 − 이전)", scale=x_scale),
                x2="high:Q", y=y, color=color, tooltip=tooltip)
    )  # fmt: skip
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=DOT_AREA_PX)
        .encode(x=alt.X("change:Q", scale=x_scale), y=y, color=color, tooltip=tooltip)
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#94a3b8").encode(x="x:Q")
    return alt.layer(zero, bars, dots).properties(title=title, height=alt.Step(ROW_HEIGHT_PX))
