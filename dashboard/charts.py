"""Pure chart builders: DataFrame in, titled and tooltipped alt.Chart out; no Streamlit, no I/O.

Times arrive as aware Asia/Seoul timestamps and are handed to Vega-Lite as naive KST wall-clock
values: Vega-Lite reads offset-free timestamps as browser-local and prints them back as
browser-local, so the axis shows KST whatever time zone the viewer's browser is in.
"""

from __future__ import annotations

from collections.abc import Sequence

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
# Event numbers close in time are stacked over this many rows so they do not print on each other.
EVENT_LANES = 4
# The y range of the marker band in lane units: the lanes fill the top quarter of the plot, some
# 20 px apart on a 340 px chart, more than a badge is tall.
EVENT_BAND = EVENT_LANES * 4
# Two badges closer than this share of the time axis would touch (a badge is about 16 px wide on
# a chart some 700-1000 px wide), so the later one goes a lane down.
EVENT_MIN_GAP = 0.025
BADGE_SIZE = 190  # square pixels: a circle about 16 px across, room for a two-digit number
# pandas frequencies of the dashboard's time buckets (KST has no daylight saving, so a KST day is
# always 24 hours).
BUCKET_FREQ = {"hour": "h", "day": "D"}
BUCKET_LENGTHS = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1)}
# Lines break at missing buckets (null values) instead of joining the points on either side, which
# would draw opinion where there is no data.
BREAK_AT_GAPS = "break-paths-show-domains"
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


Domain = tuple[pd.Timestamp, pd.Timestamp]


def time_domain(start: object, end: object, bucket: str) -> Domain:
    """The x range of the charts for a window [start, end) (aware times): naive KST wall-clock
    times from the start of the bucket holding `start` to the end of the one holding `end`."""
    freq = BUCKET_FREQ[bucket]
    lo, hi = (_wall_clock_one(pd.Timestamp(value)) for value in (start, end))
    return lo.floor(freq), hi.ceil(freq)


def _wall_clock_one(stamp: pd.Timestamp) -> pd.Timestamp:
    """One aware time as a naive KST wall-clock time (naive times are taken as KST already)."""
    return stamp.tz_convert("Asia/Seoul").tz_localize(None) if stamp.tzinfo else stamp


def _datetime(stamp: pd.Timestamp) -> alt.DateTime:
    # A Vega-Lite DateTime is read in the browser's local time, like the naive data values.
    return alt.DateTime(
        year=stamp.year, month=stamp.month, date=stamp.day, hours=stamp.hour, minutes=stamp.minute
    )


def time_scale(domain: Domain | None) -> alt.Scale:
    """A time scale over the shared domain (or over the data when there is none)."""
    if domain is None:
        return alt.Scale()
    return alt.Scale(domain=[_datetime(domain[0]), _datetime(domain[1])])


def fill_gaps(
    frame: pd.DataFrame, bucket: str, *, group: str | None = None, zero: Sequence[str] = ()
) -> pd.DataFrame:
    """Every bucket between a series' first and last row, per group. Added rows are NaN, so a
    score line breaks where nothing is known, except the `zero` columns: counts, where a missing
    bucket means no documents."""
    if frame.empty:
        return frame
    parts = []
    for key, part in frame.groupby(group, sort=False) if group else [(None, frame)]:
        stamps = pd.DatetimeIndex(part["bucket"])
        full = pd.date_range(stamps.min(), stamps.max(), freq=BUCKET_FREQ[bucket]).union(stamps)
        filled = part.set_index("bucket").reindex(full).rename_axis("bucket").reset_index()
        added = ~filled["bucket"].isin(stamps)
        for column in zero:
            filled.loc[added, column] = 0
        if group:
            filled[group] = key
        parts.append(filled)
    return pd.concat(parts, ignore_index=True)


def _time_x(data: pd.DataFrame, field: str = "bucket", domain: Domain | None = None) -> alt.X:
    axis = alt.Axis(format=axis_format(data[field]), labelAngle=0, labelOverlap=True)
    return alt.X(f"{field}:T", title=TIME_TITLE, axis=axis, scale=time_scale(domain))


def _time_tooltip(field: str = "bucket") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", title=TIME_TITLE, format=TIME_FORMAT)


def bucket_labels(column: pd.Series, bucket: str) -> pd.Series:
    """KST bucket starts as the text labels a chart click hands back (see filters)."""
    fmt = "%Y-%m-%d %H:00" if bucket == "hour" else "%Y-%m-%d"
    return pd.to_datetime(column).dt.tz_convert("Asia/Seoul").dt.strftime(fmt)


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


def number_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events in time order with a 1-based `no`, shared by the chart markers and the list."""
    ordered = events.sort_values("at", kind="stable").reset_index(drop=True)
    return ordered.assign(no=range(1, len(ordered) + 1))


def event_lanes(times: pd.Series, domain: Domain | None = None) -> list[int]:
    """A marker row for each event (times in order): the top row unless a badge printed there
    is closer than EVENT_MIN_GAP of the axis, then the next free row down; when every row is
    taken, the row used longest ago."""
    stamps = list(wall_clock(times))
    if not stamps:
        return []
    lo, hi = domain if domain is not None else (min(stamps), max(stamps))
    gap = max(hi - lo, pd.Timedelta(hours=1)) * EVENT_MIN_GAP
    last: list[pd.Timestamp | None] = [None] * EVENT_LANES
    used = [-1] * EVENT_LANES  # the index of the event each row last took
    lanes = []
    for n, stamp in enumerate(stamps):
        free = [i for i, prev in enumerate(last) if prev is None or stamp - prev >= gap]
        lane = free[0] if free else min(range(EVENT_LANES), key=used.__getitem__)
        last[lane], used[lane] = stamp, n
        lanes.append(lane)
    return lanes


def event_layer(
    events: pd.DataFrame, names: dict[str, str], domain: Domain | None = None
) -> alt.LayerChart | None:
    """Dashed rules at each event with its number on top (the page lists the numbers); numbers
    close in time are stacked so they stay readable. The tooltip carries the whole title. None
    when there are no events."""
    if events.empty:
        return None
    numbered = events if "no" in events else number_events(events)
    data = numbered.assign(
        at=wall_clock(numbered["at"]),
        회사=numbered["company"].map(lambda c: names.get(c, c)),
        lane=event_lanes(numbered["at"], domain),
        label=numbered["no"].map(str),
    )
    tooltip = [
        alt.Tooltip("no:Q", title="번호"),
        alt.Tooltip("at:T", title="시각 (KST)", format=TIME_FORMAT),
        alt.Tooltip("회사:N"),
        alt.Tooltip("title:N", title="사건"),
    ]
    x = alt.X("at:T", scale=time_scale(domain))
    base = alt.Chart(data)
    rules = base.mark_rule(color="#7c3aed", strokeDash=[4, 3], opacity=0.6).encode(
        x=x, tooltip=tooltip
    )
    lane = alt.Y("lane:Q", axis=None, scale=alt.Scale(domain=[-0.7, EVENT_BAND], reverse=True))
    badges = base.mark_circle(size=BADGE_SIZE, color="#ede9fe", stroke="#7c3aed", opacity=1).encode(
        x=x, y=lane, tooltip=tooltip
    )
    labels = base.mark_text(fontSize=10, fontWeight="bold", color="#5b21b6").encode(
        x=x, y=lane, text="label:N", tooltip=tooltip
    )
    return alt.layer(rules, badges, labels)


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
            x=_time_x(data, domain=domain),
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
            x=_time_x(data, domain=domain),
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


def company_bar_chart(frame: pd.DataFrame, names: dict[str, str]) -> alt.Chart:
    """Mean compound per company (one bar each) for the whole selection; companies without a
    scored document have no mean and no bar."""
    scored = frame[frame["mean_compound"].notna()]
    data = scored.assign(회사=scored["company"].map(lambda c: names.get(c, c)))
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
            tooltip=[_time_tooltip(), "측면:N",
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
