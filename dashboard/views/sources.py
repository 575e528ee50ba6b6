"""Sources page: collection health (last run per source, counters, errors) next to volume."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, health, loaders, ui

ctx = ui.context()
st.title("수집 상태 · Sources")
st.caption("출처별 마지막 수집 실행과 저장된 문서 수입니다. 시각은 KST입니다.")

runs = loaders.last_runs(ctx.url)
counts = loaders.document_counts(ctx.url)["by_source"]
failed = [r["source"] for r in runs if r["status"] == "failed"]
ui.metric_row(
    [
        ("출처", f"{len(ctx.sources)}", "문서를 저장한 출처"),
        ("마지막 실행 실패", f"{len(failed)}", "마지막 실행이 실패한 출처 수"),
        ("저장된 문서 (건)", f"{sum(counts.values()):,}", None),
    ]
)
if failed:
    st.error(
        "마지막 실행이 실패한 출처: " + ui.escape_md(", ".join(failed)), icon=":material/report:"
    )

st.dataframe(
    health.runs_frame(ctx.sources, runs, counts),
    hide_index=True,
    width="stretch",
    column_config={
        "시작 (KST)": st.column_config.TextColumn(width="medium"),
        "종료 (KST)": st.column_config.TextColumn(width="medium"),
        "오류": st.column_config.TextColumn(width="large"),
    },
)
if not runs:
    st.info("아직 수집 실행 기록이 없습니다. `minsim collect`가 실행되면 여기에 나타납니다.")

with st.expander("카운터 전체 (JSON)"):
    for run in runs:
        st.text(run["source"])
        st.json(run["counters"])

frame = loaders.timeseries(ctx.url, ctx.filters, ctx.state.bucket, ctx.version, "source")
if not frame.empty:
    ui.chart_card(
        charts.grouped_trend_chart(
            frame, group="source", labels={}, legend="출처", value="docs",
            value_title="문서 수 (건)", title="출처별 수집량 (빈 구간은 수집 공백일 수 있음)",
            bucket=ctx.state.bucket, domain=ui.chart_domain(ctx),
        )
    )  # fmt: skip
