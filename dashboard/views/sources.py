"""Sources page: collection health (last run per source, counters, errors) next to volume."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, loaders, ui

STATUS_LABELS = {"ok": "✅ 정상", "failed": "❌ 실패", "running": "⏳ 실행 중"}

ctx = ui.context()
st.title("수집 상태 · Sources")
st.caption("출처별 마지막 수집 실행과 저장된 문서 수입니다. 시각은 KST입니다.")

runs = loaders.last_runs(ctx.url)
counts = loaders.document_counts(ctx.url)["by_source"]
failed = [r["source"] for r in runs if r["status"] == "failed"]
ui.metric_row(
    [
        ("출처", f"{len(ctx.sources)}", "문서를 저장했거나 수집을 실행한 출처"),
        ("마지막 실행 실패", f"{len(failed)}", "마지막 실행이 실패한 출처 수"),
        ("저장된 문서 (건)", f"{sum(counts.values()):,}", None),
    ]
)
if failed:
    st.error(
        "마지막 실행이 실패한 출처: " + ui.escape_md(", ".join(failed)), icon=":material/report:"
    )

rows = []
for source in ctx.sources:
    run = next((r for r in runs if r["source"] == source), None)
    counters = run["counters"] if run else {}
    rows.append(
        {
            "출처": source,
            "상태": STATUS_LABELS.get(run["status"], run["status"]) if run else "기록 없음",
            "시작 (KST)": ui.fmt_kst(run["started_at"]) if run else "—",
            "종료 (KST)": ui.fmt_kst(run["finished_at"]) if run else "—",
            "가져옴": counters.get("fetched"),
            "새 문서": counters.get("new"),
            "중복": counters.get("duplicate"),
            "버림": sum(v for k, v in counters.items() if k.startswith("dropped/")) or None,
            "재시도": counters.get("retry/count"),
            "저장된 문서": counts.get(source, 0),
            "오류": (run["error"] or "") if run else "",
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
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
        )
    )  # fmt: skip
