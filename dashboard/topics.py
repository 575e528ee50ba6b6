"""The Topics page's chart and column titles; the counting is minsim.aggregate.terms."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.markers import event_layer
from dashboard.timeaxis import Domain, fill_gaps, time_tooltip, time_x, wall_clock

# The columns of `TermTable.terms` the page shows, and their Korean titles.
TITLES = {
    "term": "말", "docs": "문서 (건)", "share": "문서 비율", "mean_compound": "평균 점수",
    "neg_share": "부정 비율", "before_docs": "이전 기간 (건)", "change": "변화",
}  # fmt: skip
# Pixels a bar gets, as on the Words page: twenty terms fit and every label has room.
BAR_STEP_PX = 22
TREND_HEIGHT_PX = 300
# A categorical palette, as on the Compare page: a term is a category, not an amount.
TREND_PALETTE = "tableau10"


def change_text(ratio: float, before_docs: int) -> str:
    """How a term's share of the documents moved: '새로' for a term absent before, '×3.2'."""
    if before_docs == 0:
        return "새로"
    return f"×{ratio:.1f}"


def terms_chart(top: pd.DataFrame, *, compared: bool) -> alt.Chart:
    """The most named terms as bars of their documents, coloured by those documents' mean
    score (red negative, blue positive), most named on top; with `compared`, the tooltip gives
    the count of the period before too."""
    order = list(top["term"])
    before = [alt.Tooltip("before_docs:Q", title=TITLES["before_docs"])] if compared else []
    return (
        alt.Chart(top, title="많이 나온 말: 문서 수와 그 문서들의 평균 점수")
        .mark_bar()
        .encode(
            x=alt.X("docs:Q", title=TITLES["docs"]),
            y=alt.Y("term:N", title=None, sort=order, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color(
                "mean_compound:Q",
                title=TITLES["mean_compound"],
                scale=alt.Scale(scheme="redblue", domain=[-1, 1]),
            ),
            tooltip=[
                alt.Tooltip("term:N", title=TITLES["term"]),
                alt.Tooltip("docs:Q", title=TITLES["docs"]),
                alt.Tooltip("share:Q", title=TITLES["share"], format=".1%"),
                alt.Tooltip("mean_compound:Q", title=TITLES["mean_compound"], format="+.2f"),
                alt.Tooltip("neg_share:Q", title=TITLES["neg_share"], format=".0%"),
                *before,
            ],
        )
        .properties(height=alt.Step(BAR_STEP_PX))
    )


def trend_chart(
    trend: pd.DataFrame,
    *,
    bucket: str,
    events: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
    domain: Domain | None = None,
) -> alt.Chart | alt.LayerChart:
    """One line per term (aggregate.term_trend) of the documents naming it per bucket, in the
    order the terms were picked, with the timeline's events; a bucket without documents counts
    0. The tooltip gives the share of the bucket's documents and their mean score."""
    filled = fill_gaps(trend, bucket, group="term", zero=("docs", "scored"))
    data = filled.assign(bucket=wall_clock(filled["bucket"]))
    order = list(dict.fromkeys(trend["term"]))
    lines = (
        alt.Chart(data, title="화제어 추이: 그 말이 나온 문서 수")
        .mark_line(point=alt.OverlayMarkDef(size=16))
        .encode(
            x=time_x(data, domain=domain),
            y=alt.Y("docs:Q", title=TITLES["docs"], scale=alt.Scale(zero=True)),
            color=alt.Color(
                "term:N", title=TITLES["term"], sort=order, scale=alt.Scale(scheme=TREND_PALETTE)
            ),
            tooltip=[
                time_tooltip(),
                alt.Tooltip("term:N", title=TITLES["term"]),
                alt.Tooltip("docs:Q", title=TITLES["docs"]),
                alt.Tooltip("share:Q", title=TITLES["share"], format=".1%"),
                alt.Tooltip("mean_compound:Q", title=TITLES["mean_compound"], format="+.2f"),
            ],
        )
    )
    annotations = event_layer(events, names or {}, domain) if events is not None else None
    chart = lines if annotations is None else alt.layer(lines, annotations)
    if annotations is not None:
        chart = chart.resolve_scale(y="independent")
    return chart.properties(height=TREND_HEIGHT_PX)
