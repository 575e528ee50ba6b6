"""Overview page: headline numbers, volume over time, and the sentiment trend with events."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, doctable, loaders, markers, ui
from dashboard.filters import bucket_window, narrow

ctx = ui.context()
st.title("개요 · Overview")
st.caption(ui.window_caption(ctx))

totals = loaders.summary(ctx.url, ctx.filters, ctx.version)
if totals["docs"] == 0:
    ui.empty_notice("문서")
    st.stop()


def _or_dash(value: float | int | None, fmt: str) -> str:
    """A headline number, or '—' when no document is scored (unknown is not 0)."""
    return "—" if value is None else format(value, fmt)


ui.metric_row(
    [
        ("문서 (건)", f"{totals['docs']:,}", "선택한 기간·회사·출처의 기사와 댓글"),
        ("기사 / 댓글", f"{totals['articles']:,} / {totals['comments']:,}", None),
        ("평균 감성 점수", _or_dash(totals["mean_compound"], "+.2f"),
         "-1(부정) ~ +1(긍정), 채점된 문서의 평균"),
        ("긍정 비율", _or_dash(totals["pos_share"], ".0%"), "채점된 문서 중 긍정 라벨"),
        ("부정 비율", _or_dash(totals["neg_share"], ".0%"), "채점된 문서 중 부정 라벨"),
    ]
)  # fmt: skip
note = ui.scored_note(totals, ctx.version)
if note:
    st.info(note, icon=":material/pending:")

bucket = ctx.state.bucket
by_kind = loaders.timeseries(ctx.url, ctx.filters, bucket, ctx.version, "kind")
overall = loaders.timeseries(ctx.url, ctx.filters, bucket, ctx.version)
events = markers.number_events(loaders.events(ctx.url, ctx.filters))
domain = ui.chart_domain(ctx, events)
unit = "시간" if bucket == "hour" else "일"
ui.chart_card(
    charts.trend_chart(overall, events, ctx.companies, bucket=bucket, domain=domain),
    f"{unit}별 평균 감성 점수(-1~+1)와 긍정·부정 비율(0~1). 보라색 번호는 아래 사건 목록의 "
    f"사건입니다. 채점된 문서가 {charts.MIN_SCORED_PER_BUCKET}건 미만인 구간은 빼고, 그 자리에서 "
    "선을 끊었습니다.",
)
picked = st.altair_chart(
    charts.volume_chart(by_kind, title=f"{unit}별 기사·댓글 수", bucket=bucket, domain=domain),
    width="stretch",
    on_select="rerun",
    key="volume_pick",
)
st.caption("막대를 누르면 그 구간의 문서를 아래에 보여 줍니다.")
selection = picked.selection.get(charts.PICK, []) if picked else []
window = bucket_window(selection[0].get("bucket_label"), bucket) if selection else None
if window is not None:
    start_text = ui.fmt_kst(window[0])
    st.subheader(f"선택한 구간의 문서 ({start_text}부터 1{unit})")
    picked_filters = narrow(ctx.filters, window)
    rows = loaders.documents(ctx.url, picked_filters, ctx.version, None)
    if rows.empty:
        ui.empty_notice("문서")
    else:
        doctable.show(
            rows, ctx.companies, key="overview_pick",
            total=loaders.document_count(ctx.url, picked_filters, ctx.version, None),
            everything=loaders.all_documents(ctx.url, picked_filters, ctx.version, None),
        )  # fmt: skip
ui.events_list(events, ctx.companies, expanded=True)
