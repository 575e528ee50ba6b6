"""The dashboard's time axis: KST wall-clock values, shared x ranges, bucket gaps and labels.

Times arrive as aware Asia/Seoul timestamps and are handed to Vega-Lite as naive KST wall-clock
values: Vega-Lite reads offset-free timestamps as browser-local and prints them back as
browser-local, so the axis shows KST whatever time zone the viewer's browser is in.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from dashboard.filters import BUCKET_LABEL_FORMATS

TIME_TITLE = "시간 (KST)"
TIME_FORMAT = "%Y-%m-%d %H:%M"
DAY_FORMAT = "%m/%d"
HOUR_FORMAT = "%m/%d %H시"
# pandas frequencies of the dashboard's time buckets (KST has no daylight saving, so a KST day is
# always 24 hours).
BUCKET_FREQ = {"hour": "h", "day": "D"}


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


def time_x(data: pd.DataFrame, field: str = "bucket", domain: Domain | None = None) -> alt.X:
    axis = alt.Axis(format=axis_format(data[field]), labelAngle=0, labelOverlap=True)
    return alt.X(f"{field}:T", title=TIME_TITLE, axis=axis, scale=time_scale(domain))


def time_tooltip(field: str = "bucket") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", title=TIME_TITLE, format=TIME_FORMAT)


def bucket_labels(column: pd.Series, bucket: str) -> pd.Series:
    """KST bucket starts as the text labels a chart click hands back (see filters)."""
    fmt = BUCKET_LABEL_FORMATS[bucket]
    return pd.to_datetime(column).dt.tz_convert("Asia/Seoul").dt.strftime(fmt)
