"""Aspects page: sentiment per aspect of the event over time, explicit vs inherited mentions."""

from __future__ import annotations

import streamlit as st

from dashboard import chartdata, charts, loaders, ui

# Lines drawn by default: the most-mentioned aspects; more lines stop being readable.
DEFAULT_LINES = 4

ctx = ui.context()
st.title("측면별 감성 · Aspects")
st.caption(ui.window_caption(ctx))

frame = loaders.aspect_timeseries(ctx.url, ctx.filters, ctx.state.bucket, ctx.version)
if frame.empty:
    ui.empty_notice("측면 점수")
    st.stop()
labels = loaders.aspect_labels(ctx.url)
include_inherited = st.toggle(
    "기사에서 상속한 측면 포함",
    value=False,
    help="측면 단어가 없는 댓글은 기사의 측면을 물려받습니다. 끄면 직접 언급한 문장만 셉니다.",
)
shown = frame if include_inherited else frame[~frame["inherited"]]
if shown.empty:
    ui.empty_notice("직접 언급")
    st.stop()
# Explicit and inherited rows of one bucket merge into one weighted mean per aspect.
weighted = shown.assign(total=shown["mean_compound"] * shown["n"])
merged = weighted.groupby(["bucket", "aspect"], as_index=False)[["total", "n", "pos", "neg"]].sum()
merged["mean_compound"] = merged["total"] / merged["n"]
merged["neg_share"] = merged["neg"] / merged["n"]
events = loaders.events(ctx.url, ctx.filters)
domain = ui.chart_domain(ctx, events)
by_volume = merged.groupby("aspect")["n"].sum().sort_values(ascending=False)
picked = st.multiselect(
    "선 그래프에 그릴 측면",
    options=list(by_volume.index),
    default=list(by_volume.index[:DEFAULT_LINES]),
    format_func=lambda a: labels.get(a, a),
    key="aspect_lines",
)
ui.chart_card(
    charts.grouped_trend_chart(
        merged[merged["aspect"].isin(picked)], group="aspect", labels=labels, legend="측면",
        title="측면별 평균 감성 점수", events=events, names=ctx.companies,
        bucket=ctx.state.bucket, domain=domain,
    ),
    "문장이 언급한 측면(사과, 사퇴, 장애, 보상 …)마다 문서 안에서 그 문장들의 점수 합계를 "
    "평균해 문서의 측면 점수를 내고, 구간마다 문서들의 측면 점수를 평균했습니다.",
)  # fmt: skip
chartdata.download(
    merged.assign(pos_share=merged["pos"] / merged["n"]).drop(columns="total"),
    name="aspects-with-inherited" if include_inherited else "aspects",
    bucket=ctx.state.bucket, key="aspects_data", names={"aspect": labels},
    help="측면마다 구간(KST)마다 한 줄 (선 그래프에 고른 측면만이 아니라 모두, 기사에서 물려받은 "
    "측면은 위 스위치대로): 그 측면 점수가 있는 문서 수(n), 평균 점수(mean_compound), 긍정·부정 "
    "수(pos, neg)와 비율.",
)  # fmt: skip
ui.events_list(events, ctx.companies, expanded=False)
ui.chart_card(
    charts.aspect_heatmap(merged, labels, bucket=ctx.state.bucket, domain=domain),
    f"칸의 색은 그 구간 그 측면의 평균 점수입니다. 언급이 {charts.MIN_SCORED_PER_BUCKET}건 미만인 "
    "칸과 언급이 없는 구간은 비워 두었습니다.",
)
ui.chart_card(charts.aspect_volume_chart(frame, labels))
