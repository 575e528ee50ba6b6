"""Numbered event markers over the time charts: rules, stacked number badges, tooltips."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.timeaxis import TIME_FORMAT, Domain, time_scale, wall_clock

# Event numbers close in time are stacked over this many rows so they do not print on each other.
EVENT_LANES = 4
# The y range of the marker band in lane units: the lanes fill the top quarter of the plot, some
# 20 px apart on a 340 px chart, more than a badge is tall.
EVENT_BAND = EVENT_LANES * 4
# Two badges closer than this share of the time axis would touch (a badge is about 16 px wide on
# a chart some 700-1000 px wide), so the later one goes a lane down.
EVENT_MIN_GAP = 0.025
BADGE_SIZE = 190  # square pixels: a circle about 16 px across, room for a two-digit number


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
