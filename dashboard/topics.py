"""The Topics page's chart and column titles; the counting is minsim.aggregate.terms."""

from __future__ import annotations

import altair as alt
import pandas as pd

# The columns of `TermTable.terms` the page shows, and their Korean titles.
TITLES = {
    "term": "말", "docs": "문서 (건)", "share": "문서 비율", "mean_compound": "평균 점수",
    "neg_share": "부정 비율", "before_docs": "이전 기간 (건)", "change": "변화",
}  # fmt: skip
# Pixels a bar gets, as on the Words page: twenty terms fit and every label has room.
BAR_STEP_PX = 22


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
