"""Compare page: the selected companies (or all of them) side by side."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, doctable, loaders, ui

ctx = ui.context()
st.title("회사 비교 · Compare")
st.caption(ui.window_caption(ctx))

frame = loaders.timeseries(ctx.url, ctx.filters, ctx.state.bucket, ctx.version, "company")
if frame.empty:
    ui.empty_notice("회사별 문서")
    st.stop()
# A bucket without scored documents has no mean; it adds nothing to the total (not a 0 score).
weighted = frame.assign(total=frame["mean_compound"].fillna(0) * frame["scored"])
per_company = weighted.groupby("company", as_index=False)[
    ["docs", "scored", "total", "pos", "neg"]
].sum()
# Means and shares over scored documents only: NaN (no bar, an empty cell) when there are none.
scored = per_company["scored"].where(per_company["scored"] > 0)
per_company["mean_compound"] = per_company["total"] / scored
per_company["pos_share"] = per_company["pos"] / scored
per_company["neg_share"] = per_company["neg"] / scored

events = loaders.events(ctx.url, ctx.filters)
domain = ui.chart_domain(ctx, events)
bucket = ctx.state.bucket
left, right = st.columns([2, 1])
with left:
    ui.chart_card(
        charts.grouped_trend_chart(
            frame, group="company", labels=ctx.companies, legend="회사",
            title="회사별 평균 감성 점수", events=events,
            names=ctx.companies, bucket=bucket, domain=domain,
        )
    )  # fmt: skip
with right:
    ui.chart_card(charts.company_bar_chart(per_company, ctx.companies))
ui.events_list(events, ctx.companies, expanded=False)
ui.chart_card(
    charts.grouped_trend_chart(
        frame, group="company", labels=ctx.companies, legend="회사", value="docs",
        value_title="문서 수 (건)", title="회사별 언급량", bucket=bucket, domain=domain,
    ),
    "한 문서가 여러 회사를 언급하면 회사마다 한 번씩 셉니다.",
)  # fmt: skip
table = per_company.assign(
    회사=per_company["company"].map(lambda c: ctx.companies.get(c, c)),
    # Text, so a company without scored documents reads "채점 안 됨" rather than "None".
    mean_compound=per_company["mean_compound"].map(doctable.score_text),
)
st.dataframe(
    table[["회사", "docs", "scored", "mean_compound", "pos_share", "neg_share"]],
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
