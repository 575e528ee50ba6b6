"""The Words page's chart and column titles; the counting is minsim.words (the brief uses it)."""

from __future__ import annotations

import altair as alt
import pandas as pd

# The columns of `WordCounts.words`, and the Korean titles the table and the chart give them.
TITLES = {
    "word": "말", "docs": "문서 (건)", "neg_docs": "부정으로 (건)", "pos_docs": "긍정으로 (건)",
    "total": "가중치 합", "mean": "문서당 평균", "key": "사전 키", "source": "사전",
}  # fmt: skip
# Pixels a bar of the chart gets: fifteen words a side fit in some 660 px, and every label
# has room (at 18 px Vega hid every other one as overlapping).
BAR_STEP_PX = 22


def words_chart(negative: pd.DataFrame, positive: pd.DataFrame) -> alt.Chart:
    """The strongest words of both signs as bars of their summed weight around 0. Two entries
    shown with the same form (짜다 the adjective and the verb) get their keys added."""
    data = pd.concat([negative, positive], ignore_index=True)
    repeated = data["word"].duplicated(keep=False)
    data["label"] = data["word"].where(~repeated, data["word"] + " (" + data["key"] + ")")
    order = list(data.sort_values("total", kind="stable")["label"])
    return (
        alt.Chart(data, title="점수를 움직인 말: 가중치 합계")
        .mark_bar()
        .encode(
            x=alt.X("total:Q", title="문서들에서 준 가중치의 합 (부정 ← → 긍정)"),
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelOverlap=False)),
            color=alt.condition("datum.total < 0", alt.value("#dc2626"), alt.value("#2563eb")),
            tooltip=[
                alt.Tooltip("word:N", title=TITLES["word"]),
                alt.Tooltip("key:N", title=TITLES["key"]),
                alt.Tooltip("docs:Q", title=TITLES["docs"]),
                alt.Tooltip("neg_docs:Q", title=TITLES["neg_docs"]),
                alt.Tooltip("pos_docs:Q", title=TITLES["pos_docs"]),
                alt.Tooltip("total:Q", title=TITLES["total"], format="+.2f"),
                alt.Tooltip("mean:Q", title=TITLES["mean"], format="+.2f"),
                alt.Tooltip("source:N", title=TITLES["source"]),
            ],
        )
        .properties(height=alt.Step(BAR_STEP_PX))
    )
