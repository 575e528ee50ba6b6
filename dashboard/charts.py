"""Pure chart builders: DataFrame in, titled and tooltipped alt.Chart out; no Streamlit, no I/O.

Times arrive as aware Asia/Seoul timestamps and are handed to Vega-Lite as naive KST wall-clock
values: Vega-Lite reads offset-free timestamps as browser-local and prints them back as
browser-local, so the axis shows KST whatever time zone the viewer's browser is in.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

TIME_TITLE = "시간 (KST)"
TIME_FORMAT = "%Y-%m-%d %H:%M"
DAY_FORMAT = "%m/%d"
HOUR_FORMAT = "%m/%d %H시"
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
# Event numbers are spread over this many rows so events hours apart do not print on each other;
# the top band of the chart (about a third of it) holds them.
EVENT_LANES = 6
# The y range of the marker band in lane units: lanes fill the top quarter of the plot.
EVENT_BAND = EVENT_LANES * 4
# Buckets with fewer scored documents than this are left off the trend: a share over two or three
# comments swings between 0 and 1 and reads as a trend when it is noise.
MIN_SCORED_PER_BUCKET = 5


def wall_clock(column: pd.Series) -> pd.Series:
    """KST-aware timestamps as naive KST wall-clock times (see the module docstring)."""
    stamps = pd.to_datetime(column)
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert("Asia/Seoul").dt.tz_localize(None)
    return stamps


def axis_format(stamps: pd.Series) -> str:
    """Day labels for day buckets; day and hour once any bucket starts off midnight."""
    stamps = pd.to_datetime(stamps)
    hourly = len(stamps) > 0 and bool((stamps.dt.hour != 0).any())
    return HOUR_FORMAT if hourly else DAY_FORMAT


def _time_x(data: pd.DataFrame, field: str = "bucket") -> alt.X:
    axis = alt.Axis(format=axis_format(data[field]), labelAngle=0, labelOverlap=True)
    return alt.X(f"{field}:T", title=TIME_TITLE, axis=axis)


def _time_tooltip(field: str = "bucket") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", title=TIME_TITLE, format=TIME_FORMAT)


def bucket_labels(column: pd.Series, bucket: str) -> pd.Series:
    """KST bucket starts as the text labels a chart click hands back (see filters)."""
    fmt = "%Y-%m-%d %H:00" if bucket == "hour" else "%Y-%m-%d"
    return pd.to_datetime(column).dt.tz_convert("Asia/Seoul").dt.strftime(fmt)


def volume_chart(
    frame: pd.DataFrame, *, title: str = "기사·댓글 수", bucket: str = "day"
) -> alt.Chart:
    """Stacked bars of documents per bucket, split into articles and comments. Clicking a bar
    selects its bucket (selection parameter `pick`, field `bucket_label`)."""
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


def number_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events in time order with a 1-based `no`, shared by the chart markers and the list."""
    ordered = events.sort_values("at", kind="stable").reset_index(drop=True)
    return ordered.assign(no=range(1, len(ordered) + 1))


def event_layer(events: pd.DataFrame, names: dict[str, str]) -> alt.LayerChart | None:
    """Dashed rules at each event with its number on top (the page lists the numbers); the
    tooltip carries the whole title. None when there are no events."""
    if events.empty:
        return None
    numbered = events if "no" in events else number_events(events)
    data = numbered.assign(
        at=wall_clock(numbered["at"]),
        회사=numbered["company"].map(lambda c: names.get(c, c)),
        lane=[i % EVENT_LANES for i in range(len(numbered))],
        label=numbered["no"].map(str),
    )
    tooltip = [
        alt.Tooltip("no:Q", title="번호"),
        alt.Tooltip("at:T", title="시각 (KST)", format=TIME_FORMAT),
        alt.Tooltip("회사:N"),
        alt.Tooltip("title:N", title="사건"),
    ]
    base = alt.Chart(data)
    rules = base.mark_rule(color="#7c3aed", strokeDash=[4, 3], opacity=0.6).encode(
        x="at:T", tooltip=tooltip
    )
    lane = alt.Y("lane:Q", axis=None, scale=alt.Scale(domain=[-0.7, EVENT_BAND], reverse=True))
    badges = base.mark_circle(size=190, color="#ede9fe", stroke="#7c3aed", opacity=1).encode(
        x="at:T", y=lane, tooltip=tooltip
    )
    labels = base.mark_text(fontSize=10, fontWeight="bold", color="#5b21b6").encode(
        x="at:T", y=lane, text="label:N", tooltip=tooltip
    )
    return alt.layer(rules, badges, labels)


def trend_chart(
    frame: pd.DataFrame,
    events: pd.DataFrame,
    names: dict[str, str],
    *,
    title: str = "감성 추이: 평균 점수와 긍정·부정 비율",
) -> alt.LayerChart:
    """Mean compound and the pos/neg shares per bucket on one -1..1 axis, with event rules."""
    solid = frame[frame["scored"] >= MIN_SCORED_PER_BUCKET]
    data = solid.assign(bucket=wall_clock(solid["bucket"])).melt(
        id_vars=["bucket", "scored"],
        value_vars=list(SERIES_LABELS),
        var_name="series",
        value_name="value",
    )
    data["지표"] = data["series"].map(SERIES_LABELS)
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=18), strokeWidth=2)
        .encode(
            x=_time_x(data),
            y=alt.Y("value:Q", title="점수 / 비율", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color(
                "지표:N",
                title="지표",
                scale=alt.Scale(domain=list(SERIES_COLORS), range=list(SERIES_COLORS.values())),
            ),
            tooltip=[
                _time_tooltip(),
                "지표:N",
                alt.Tooltip("value:Q", title="값", format=".2f"),
                alt.Tooltip("scored:Q", title="채점된 문서 (건)"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#94a3b8").encode(y="y:Q")
    layers: list[alt.Chart | alt.LayerChart] = [zero, lines]
    annotations = event_layer(events, names)
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
) -> alt.Chart | alt.LayerChart:
    """One line per group (company, aspect, source) of `value` over time."""
    count_field = "n" if "n" in frame else ("scored" if "scored" in frame else "docs")
    is_count = value in ("docs", "n")
    solid = frame if is_count else frame[frame[count_field] >= MIN_SCORED_PER_BUCKET]
    data = solid.assign(bucket=wall_clock(solid["bucket"]))
    data[legend] = data[group].map(lambda g: labels.get(g, g))
    is_score = value == "mean_compound"
    y_scale = alt.Scale(domain=[-1, 1]) if is_score else alt.Scale(zero=True)
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=16))
        .encode(
            x=_time_x(data),
            y=alt.Y(f"{value}:Q", title=value_title, scale=y_scale),
            # A categorical palette: the theme's default blues are too alike to tell apart.
            color=alt.Color(f"{legend}:N", title=legend, scale=alt.Scale(scheme=PALETTE)),
            tooltip=[
                _time_tooltip(),
                f"{legend}:N",
                alt.Tooltip(f"{value}:Q", title=value_title, format=".2f"),
                alt.Tooltip(f"{count_field}:Q", title="문서 수 (건)"),
            ],
        )
    )
    chart: alt.Chart | alt.LayerChart = lines
    annotations = event_layer(events, names or {}) if events is not None else None
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


def company_bar_chart(frame: pd.DataFrame, names: dict[str, str]) -> alt.Chart:
    """Mean compound per company (one bar each) for the whole selection."""
    data = frame.assign(회사=frame["company"].map(lambda c: names.get(c, c)))
    return (
        alt.Chart(data, title="회사별 평균 감성 점수")
        .mark_bar()
        .encode(
            x=alt.X("mean_compound:Q", title="평균 감성 점수 (-1~1)",
                    scale=alt.Scale(domain=[-1, 1])),
            y=alt.Y("회사:N", title=None, sort="x"),
            color=alt.condition("datum.mean_compound < 0", alt.value("#dc2626"),
                                alt.value("#2563eb")),
            tooltip=["회사:N", alt.Tooltip("mean_compound:Q", title="평균 점수", format=".2f"),
                     alt.Tooltip("docs:Q", title="문서 수 (건)")],
        )
        .properties(height=alt.Step(30))
    )  # fmt: skip


def aspect_heatmap(frame: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Aspect x time cells coloured by mean compound (red negative, blue positive); cells with
    fewer scored mentions than the minimum are left blank."""
    solid = frame[frame["n"] >= MIN_SCORED_PER_BUCKET]
    data = solid.assign(bucket=wall_clock(solid["bucket"]))
    data["측면"] = data["aspect"].map(lambda a: labels.get(a, a))
    return (
        alt.Chart(data, title="측면 × 시간: 평균 감성 점수")
        .mark_rect()
        .encode(
            x=alt.X("yearmonthdatehours(bucket):O", title=TIME_TITLE,
                    axis=alt.Axis(format=axis_format(data["bucket"]), labelAngle=0,
                                 labelOverlap=True)),
            y=alt.Y("측면:N", title=None),
            color=alt.Color("mean_compound:Q", title="평균 점수",
                            scale=alt.Scale(scheme="redblue", domain=[-1, 1])),
            tooltip=[_time_tooltip(), "측면:N",
                     alt.Tooltip("mean_compound:Q", title="평균 점수", format=".2f"),
                     alt.Tooltip("neg_share:Q", title="부정 비율", format=".0%"),
                     alt.Tooltip("n:Q", title="언급 수 (건)")],
        )
        .properties(height=alt.Step(24))
    )  # fmt: skip
