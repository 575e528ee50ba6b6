"""Compare page: the selected companies, or the document sources, side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import chartdata, charts, doctable, loaders, ui

ctx = ui.context()
st.title("회사·출처 비교 · Compare")
st.caption(ui.window_caption(ctx))
events = loaders.events(ctx.url, ctx.filters)
domain = ui.chart_domain(ctx, events)
bucket = ctx.state.bucket


def per_group(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    """The whole selection per group: documents, scored documents, mean and shares."""
    # A bucket without scored documents has no mean; it adds nothing to the total (not a 0 score).
    weighted = frame.assign(total=frame["mean_compound"].fillna(0) * frame["scored"])
    totals = weighted.groupby(group, as_index=False)[["docs", "scored", "total", "pos", "neg"]]
    summed = totals.sum()
    # Means and shares over scored documents only: NaN (no bar, an empty cell) when there are none.
    scored = summed["scored"].where(summed["scored"] > 0)
    return summed.assign(
        mean_compound=summed["total"] / scored,
        pos_share=summed["pos"] / scored,
        neg_share=summed["neg"] / scored,
    )


def comparison(
    group: str, labels: dict[str, str], legend: str, volume_title: str, volume_note: str
) -> None:
    """Trend lines, a bar per group and a table for one grouping (company or source)."""
    frame = loaders.timeseries(ctx.url, ctx.filters, bucket, ctx.version, group)
    if frame.empty:
        ui.empty_notice(f"{legend}별 문서")
        return
    summed = per_group(frame, group)
    left, right = st.columns([2, 1])
    with left:
        ui.chart_card(
            charts.grouped_trend_chart(
                frame, group=group, labels=labels, legend=legend,
                title=f"{legend}별 평균 감성 점수", events=events,
                names=ctx.companies, bucket=bucket, domain=domain,
            )
        )  # fmt: skip
    with right:
        ui.chart_card(charts.group_bar_chart(summed, group=group, labels=labels, legend=legend))
    chartdata.download(frame, name=f"{group}-compare", bucket=bucket, key=f"{group}_data",
                       names={group: labels} if labels else None)  # fmt: skip
    ui.chart_card(
        charts.grouped_trend_chart(
            frame, group=group, labels=labels, legend=legend, value="docs",
            value_title="문서 수 (건)", title=volume_title, bucket=bucket, domain=domain,
        ),
        volume_note,
    )  # fmt: skip
    table = summed.assign(
        **{legend: summed[group].map(lambda g: labels.get(g, g))},
        # Text, so a group without scored documents reads "채점 안 됨" rather than "None".
        mean_compound=summed["mean_compound"].map(doctable.score_text),
    )
    ui.data_table(
        table[[legend, "docs", "scored", "mean_compound", "pos_share", "neg_share"]],
        hide_index=True,
        width="stretch",
        column_config={
            "docs": st.column_config.NumberColumn("문서 (건)"),
            "scored": st.column_config.NumberColumn("채점 (건)"),
            "mean_compound": st.column_config.TextColumn("평균 점수"),
            "pos_share": st.column_config.ProgressColumn("긍정 비율", min_value=0.0, max_value=1.0),
            "neg_share": st.column_config.ProgressColumn("부정 비율", min_value=0.0, max_value=1.0),
        },
    )


by_company, by_source = st.tabs(["회사별", "출처별"])
with by_company:
    comparison("company", ctx.companies, "회사", "회사별 언급량",
               "한 문서가 여러 회사를 언급하면 회사마다 한 번씩 셉니다.")  # fmt: skip
with by_source:
    comparison("source", {}, "출처", "출처별 문서 수",
               "출처는 문서가 온 곳(documents.source)으로, 문서마다 하나입니다.")  # fmt: skip
ui.events_list(events, ctx.companies, expanded=False)
