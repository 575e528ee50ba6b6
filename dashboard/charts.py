"""Pure chart builders: DataFrame in, titled and tooltipped alt.Chart out; no Streamlit, no I/O.

Times go on the KST axis of dashboard/timeaxis.py; event markers come from dashboard/markers.py.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.filters import BUCKET_LENGTHS
from dashboard.markers import event_layer
from dashboard.timeaxis import (
    DAY_FORMAT,
    HOUR_FORMAT,
    TIME_FORMAT,
    TIME_TITLE,
    Domain,
    bucket_labels,
    fill_gaps,
    time_scale,
    time_tooltip,
    time_x,
    wall_clock,
)

KIND_LABELS = {"article": "기사", "comment": "댓글"}
SERIES_LABELS = {
    "mean_compound": "평균 감성 점수",
    "pos_share": "긍정 비율",
    "neg_share": "부정 비율",
}
SERIES_COLORS = {"평균 감성 점수": "#334155", "긍정 비율": "#2563eb", "부정 비율": "#dc2626"}
PALETTE = "tableau10"
PICK = "pick"  # the volume chart's click selection
ORIGIN_LABELS = {False: "직접 언급", True: "기사에서 상속"}
# Chart heights in pixels: tall enough for event labels above the lines, short enough to scan.
TREND_HEIGHT = 340
VOLUME_HEIGHT = 220
# Lines break at missing buckets (null values) instead of joining the points on either side, which
# would draw opinion where there is no data.
BREAK_AT_GAPS = "break-paths-show-domains"
# Buckets with fewer scored documents than this are left off the trend: a share over two or three
# comments swings between 0 and 1 and reads as a trend when it is noise.
MIN_SCORED_PER_BUCKET = 5


def volume_chart(
    frame: pd.DataFrame,
    *,
    title: str = "기사·댓글 수",
    bucket: str = "day",
    domain: Domain | None = None,
) -> alt.Chart:
    """Stacked bars of documents per bucket, split into articles and comments, over the shared
    time domain. Clicking a bar selects its bucket (selection parameter `pick`, field
    `bucket_label`)."""
    data = frame.assign(
        bucket_label=bucket_labels(frame["bucket"], bucket) if len(frame) else [],
        bucket=wall_clock(frame["bucket"]),
        종류=frame["kind"].map(KIND_LABELS),
    )
    pick = alt.selection_point(name=PICK, fields=["bucket_label"], on="click")
    unit = "yearmonthdatehours" if bucket == "hour" else "yearmonthdate"
    return (
        alt.Chart(data, title=title)
        .mark_bar(cursor="pointer")
        .add_params(pick)
        .encode(
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            # A time unit per bucket makes each bar as wide as its hour or day.
            x=alt.X(
                f"{unit}(bucket):T",
                title=TIME_TITLE,
                axis=alt.Axis(
                    format=HOUR_FORMAT if bucket == "hour" else DAY_FORMAT,
                    labelAngle=0,
                    labelOverlap=True,
                ),
                scale=time_scale(domain),
            ),
            y=alt.Y("docs:Q", title="문서 수 (건)", stack="zero"),
            color=alt.Color("종류:N", title="종류", scale=alt.Scale(range=["#64748b", "#f59e0b"])),
            tooltip=[
                alt.Tooltip(f"{unit}(bucket):T", title=TIME_TITLE, format=TIME_FORMAT),
                "종류:N",
                alt.Tooltip("docs:Q", title="건수"),
            ],
        )
        .properties(height=VOLUME_HEIGHT)
    )


def trend_chart(
    frame: pd.DataFrame,
    events: pd.DataFrame,
    names: dict[str, str],
    *,
    title: str = "감성 추이: 평균 점수와 긍정·부정 비율",
    bucket: str = "day",
    domain: Domain | None = None,
) -> alt.LayerChart:
    """Mean compound and the pos/neg shares per bucket on one -1..1 axis, with event rules. The
    lines break over buckets without enough scored documents rather than joining across them."""
    solid = fill_gaps(frame[frame["scored"] >= MIN_SCORED_PER_BUCKET], bucket)
    data = solid.assign(bucket=wall_clock(solid["bucket"])).melt(
        id_vars=["bucket", "scored"],
        value_vars=list(SERIES_LABELS),
        var_name="series",
        value_name="value",
    )
    data["지표"] = data["series"].map(SERIES_LABELS)
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=18), strokeWidth=2, invalid=BREAK_AT_GAPS)
        .encode(
            x=time_x(data, domain=domain),
            y=alt.Y("value:Q", title="점수 / 비율", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color(
                "지표:N",
                title="지표",
                scale=alt.Scale(domain=list(SERIES_COLORS), range=list(SERIES_COLORS.values())),
            ),
            tooltip=[
                time_tooltip(),
                "지표:N",
                alt.Tooltip("value:Q", title="값", format=".2f"),
                alt.Tooltip("scored:Q", title="채점된 문서 (건)"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#94a3b8").encode(y="y:Q")
    layers: list[alt.Chart | alt.LayerChart] = [zero, lines]
    annotations = event_layer(events, names, domain)
    chart = alt.layer(*layers)
    if annotations is not None:
        chart = alt.layer(chart, annotations).resolve_scale(y="independent")
    return chart.properties(title=title, height=TREND_HEIGHT)


def grouped_trend_chart(
    frame: pd.DataFrame,
    *,
    group: str,
    labels: dict[str, str],
    legend: str,
    value: str = "mean_compound",
    value_title: str = "평균 감성 점수 (-1~1)",
    title: str,
    events: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
    bucket: str = "day",
    domain: Domain | None = None,
) -> alt.Chart | alt.LayerChart:
    """One line per group (company, aspect, source) of `value` over time. A count drops to 0 at
    a missing bucket; a score line breaks there (and at buckets with too few scored documents)."""
    count_field = "n" if "n" in frame else ("scored" if "scored" in frame else "docs")
    is_count = value in ("docs", "n")
    solid = frame if is_count else frame[frame[count_field] >= MIN_SCORED_PER_BUCKET]
    solid = fill_gaps(solid, bucket, group=group, zero=(value, count_field) if is_count else ())
    data = solid.assign(bucket=wall_clock(solid["bucket"]))
    data[legend] = data[group].map(lambda g: labels.get(g, g))
    is_score = value == "mean_compound"
    y_scale = alt.Scale(domain=[-1, 1]) if is_score else alt.Scale(zero=True)
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=16), invalid=BREAK_AT_GAPS)
        .encode(
            x=time_x(data, domain=domain),
            y=alt.Y(f"{value}:Q", title=value_title, scale=y_scale),
            # A categorical palette: the theme's default blues are too alike to tell apart.
            color=alt.Color(f"{legend}:N", title=legend, scale=alt.Scale(scheme=PALETTE)),
            tooltip=[
                time_tooltip(),
                f"{legend}:N",
                alt.Tooltip(f"{value}:Q", title=value_title, format=".2f"),
                alt.Tooltip(f"{count_field}:Q", title="문서 수 (건)"),
            ],
        )
    )
    chart: alt.Chart | alt.LayerChart = lines
    annotations = event_layer(events, names or {}, domain) if events is not None else None
    if annotations is not None:
        chart = alt.layer(lines, annotations).resolve_scale(y="independent")
    return chart.properties(title=title, height=TREND_HEIGHT)


def aspect_volume_chart(frame: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Scored mentions per aspect, split into explicit and inherited."""
    data = frame.groupby(["aspect", "inherited"], as_index=False)["n"].sum()
    data["측면"] = data["aspect"].map(lambda a: labels.get(a, a))
    data["출처"] = data["inherited"].map(ORIGIN_LABELS)
    return (
        alt.Chart(data, title="측면별 언급 수: 직접 언급 vs 기사에서 상속")
        .mark_bar()
        .encode(
            y=alt.Y("측면:N", title=None, sort="-x"),
            x=alt.X("n:Q", title="문서 수 (건)", stack="zero"),
            color=alt.Color("출처:N", title="출처", scale=alt.Scale(range=["#0f766e", "#99f6e4"])),
            tooltip=["측면:N", "출처:N", alt.Tooltip("n:Q", title="건수")],
        )
        .properties(height=alt.Step(26))
    )


def group_bar_chart(
    frame: pd.DataFrame, *, group: str, labels: dict[str, str], legend: str
) -> alt.Chart:
    """Mean compound per group (company or source; one bar each) for the whole selection;
    groups without a scored document have no mean and no bar."""
    scored = frame[frame["mean_compound"].notna()]
    data = scored.assign(**{legend: scored[group].map(lambda g: labels.get(g, g))})
    return (
        alt.Chart(data, title=f"{legend}별 평균 감성 점수")
        .mark_bar()
        .encode(
            x=alt.X("mean_compound:Q", title="평균 감성 점수 (-1~1)",
                    scale=alt.Scale(domain=[-1, 1])),
            y=alt.Y(f"{legend}:N", title=None, sort="x"),
            color=alt.condition("datum.mean_compound < 0", alt.value("#dc2626"),
                                alt.value("#2563eb")),
            tooltip=[f"{legend}:N",
                     alt.Tooltip("mean_compound:Q", title="평균 점수", format=".2f"),
                     alt.Tooltip("docs:Q", title="문서 수 (건)")],
        )
        .properties(height=alt.Step(30))
    )  # fmt: skip


def aspect_heatmap(
    frame: pd.DataFrame,
    labels: dict[str, str],
    *,
    bucket: str = "day",
    domain: Domain | None = None,
) -> alt.Chart:
    """Aspect x time cells coloured by mean compound (red negative, blue positive) on a time
    axis, so a day or hour without data is a visible blank column; cells with fewer scored
    mentions than the minimum are left blank too."""
    solid = frame[frame["n"] >= MIN_SCORED_PER_BUCKET]
    data = solid.assign(bucket=wall_clock(solid["bucket"]))
    data["bucket_end"] = data["bucket"] + BUCKET_LENGTHS[bucket]
    data["측면"] = data["aspect"].map(lambda a: labels.get(a, a))
    return (
        alt.Chart(data, title="측면 × 시간: 평균 감성 점수")
        .mark_rect()
        .encode(
            # Each cell spans its bucket from start to end on a real time scale.
            x=alt.X("bucket:T", title=TIME_TITLE, scale=time_scale(domain),
                    axis=alt.Axis(format=HOUR_FORMAT if bucket == "hour" else DAY_FORMAT,
                                  labelAngle=0, labelOverlap=True)),
            x2="bucket_end:T",
            y=alt.Y("측면:N", title=None),
            color=alt.Color("mean_compound:Q", title="평균 점수",
                            scale=alt.Scale(scheme="redblue", domain=[-1, 1])),
            tooltip=[time_tooltip(), "측면:N",
                     alt.Tooltip("mean_compound:Q", title="평균 점수", format=".2f"),
                     alt.Tooltip("neg_share:Q", title="부정 비율", format=".0%"),
                     alt.Tooltip("n:Q", title="언급 수 (건)")],
        )
        .properties(height=alt.Step(24))
    )  # fmt: skip


def _collection_axis(bucket: str) -> alt.Axis:
    """Day buckets get one tick a day: Vega's default ticks on a few days' domain fall at noon
    too and print each day twice. (Hour ticks need no help, and Vega errors on an hour interval
    here.)"""
    if bucket == "hour":
        return alt.Axis(format=HOUR_FORMAT, labelAngle=0, labelOverlap=True)
    return alt.Axis(format=DAY_FORMAT, labelAngle=0, labelOverlap=True,
                    tickCount={"interval": "day", "step": 1})  # fmt: skip


def collection_chart(frame: pd.DataFrame, *, bucket: str = "day") -> alt.Chart:
    """Stacked bars of documents per bucket of their collection time, one colour per document
    source. Its time axis is collection time, so it has its own domain: the other charts'
    shared domain is publication time."""
    data = frame.assign(bucket=wall_clock(frame["bucket"]))
    unit = "yearmonthdatehours" if bucket == "hour" else "yearmonthdate"
    step = BUCKET_LENGTHS[bucket]
    # One empty bucket either side, so a single bucket (everything collected on one day) is a
    # bar, not the whole plot.
    domain = (data["bucket"].min() - step, data["bucket"].max() + 2 * step) if len(data) else None
    return (
        alt.Chart(data, title="출처별 수집량 (수집 시각 기준)")
        .mark_bar()
        .encode(
            # A time unit per bucket makes each bar as wide as its hour or day.
            x=alt.X(f"{unit}(bucket):T", title="수집 시각 (KST)", scale=time_scale(domain),
                    axis=_collection_axis(bucket)),
            y=alt.Y("docs:Q", title="문서 수 (건)", stack="zero"),
            color=alt.Color("source:N", title="문서 출처", scale=alt.Scale(scheme=PALETTE)),
            tooltip=[alt.Tooltip(f"{unit}(bucket):T", title="수집 시각 (KST)",
                                 format=TIME_FORMAT),
                     alt.Tooltip("source:N", title="문서 출처"),
                     alt.Tooltip("docs:Q", title="건수")],
        )
        .properties(height=VOLUME_HEIGHT)
    )  # fmt: skip
