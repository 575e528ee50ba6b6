"""Overview page: headline numbers, volume over time, and the sentiment trend with events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import chartdata, charts, doctable, loaders, markers, surges, ui
from dashboard.filters import bucket_window, narrow
from minsim.aggregate import Filters
from minsim.aggregate.surges import (
    BASELINE_HOURS,
    MIN_DOCS,
    MIN_SCORED,
    NEG_SHARE_RISE,
    VOLUME_RATIO,
)
from minsim.brief import file_name, period_of

HOUR = timedelta(hours=1)

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
if ctx.span is not None:
    period = period_of(ctx.filters, ctx.span)
    # Written when clicked: the brief reads a dozen queries, most visits never ask for it.
    st.download_button(
        "브리핑 내려받기 (Markdown)",
        data=lambda: loaders.brief(
            ctx.url, ctx.filters, ctx.version, period, loaders.watched_words()
        ),
        file_name=file_name(period),
        mime="text/markdown",
        key="overview_brief",
        icon=":material/summarize:",
        help="이 기간(필터 그대로)을 직전 같은 길이의 기간과 비교한 요약: 회사별 평균 점수와 "
        "부정 비율의 변화, 많이 언급된 측면, 급증, 사건. 댓글 본문은 넣지 않습니다. "
        "`minsim brief`도 같은 것을 씁니다.",
        on_click="ignore",
    )
note = ui.scored_note(totals, ctx.version)
if note:
    st.info(note, icon=":material/pending:")
found = loaders.surges(ctx.url, ctx.filters, ctx.version)
watched = loaders.watched_surges(ctx.url, ctx.filters, loaders.watched_words(), ctx.version)
live = surges.live_notice(found, ctx.companies, watched)
if live:
    st.warning(ui.escape_md(live), icon=":material/trending_up:")


def with_kind_counts(overall: pd.DataFrame, by_kind: pd.DataFrame) -> pd.DataFrame:
    """The trend's figures per bucket with its articles and comments beside the documents."""
    kinds = by_kind.pivot_table(index="bucket", columns="kind", values="docs", aggfunc="sum")
    counts = kinds.reindex(columns=["article", "comment"]).fillna(0).astype(int)
    counts = counts.rename(columns={"article": "articles", "comment": "comments"})
    merged = overall.merge(counts, left_on="bucket", right_index=True, how="left")
    # The two readings are cached apart: a bucket one of them lacks counts 0, not "nan".
    merged[["articles", "comments"]] = merged[["articles", "comments"]].fillna(0).astype(int)
    order = ["bucket", "docs", "articles", "comments"]
    return merged[order + [c for c in merged.columns if c not in order]]


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
chartdata.download(
    with_kind_counts(overall, by_kind), name="overview", bucket=bucket, key="overview_data",
    help="구간(KST)마다 한 줄: 문서 수(docs)와 그 가운데 기사·댓글 수(articles, comments), "
    "채점된 문서 수(scored), 평균 점수(mean_compound), 긍정·부정 수(pos, neg)와 비율. 채점된 "
    f"문서가 {charts.MIN_SCORED_PER_BUCKET}건 미만이라 선을 끊은 구간도 들어 있습니다.",
)  # fmt: skip
picked = st.altair_chart(
    charts.volume_chart(by_kind, title=f"{unit}별 기사·댓글 수", bucket=bucket, domain=domain),
    width="stretch",
    on_select="rerun",
    key="volume_pick",
)
st.caption("막대를 누르면 그 구간의 문서를 아래에 보여 줍니다.")
selection = picked.selection.get(charts.PICK, []) if picked else []
window = bucket_window(selection[0].get("bucket_label"), bucket) if selection else None


def _show_documents(title: str, picked_filters: Filters, key: str) -> None:
    """The documents behind a picked bar or surge, under a subheader."""
    st.subheader(title)
    rows = loaders.documents(ctx.url, picked_filters, ctx.version, None)
    if rows.empty:
        ui.empty_notice("문서")
        return
    doctable.show(
        rows, ctx.companies, key=key,
        total=loaders.document_count(ctx.url, picked_filters, ctx.version, None),
        everything=loaders.all_documents(ctx.url, picked_filters, ctx.version, None),
    )  # fmt: skip


if window is not None:
    _show_documents(
        f"선택한 구간의 문서 ({ui.fmt_kst(window[0])}부터 1{unit})",
        narrow(ctx.filters, window),
        "overview_pick",
    )

st.subheader("급증 · Surges")
st.caption(
    f"회사마다 매시간을 직전 {BASELINE_HOURS}시간과 비교합니다. 문서 급증: 문서가 {MIN_DOCS}건 "
    f"이상이고 직전 시간당 평균의 {VOLUME_RATIO:g}배 이상. 부정 급증: 채점된 문서가 양쪽 모두 "
    f"{MIN_SCORED}건 이상이고 부정 비율이 {NEG_SHARE_RISE:.0%}p 이상, 우연으로 보기 어려울 만큼 "
    "(단측 p<0.001) 높음. 한 시간 쉬었다 이어지면 한 번으로 셉니다. 회사마다 데이터가 시작된 뒤 "
    f"{BASELINE_HOURS}시간은 비교할 직전 기간이 없어 판단하지 않습니다. 행을 누르면 정점 "
    "시간의 그 회사 문서를 보여 줍니다."
)
ui.pruned_note(ctx, *loaders.prune_cuts(ctx.url, ctx.filters), timedelta(hours=BASELINE_HOURS))
if found.empty:
    st.info("이 조건에서는 급증한 시간이 없습니다.")
else:
    table = ui.data_table(
        surges.surge_table(found, ctx.companies),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        # A new list gets a new key: a row picked in the old one must not open another surge.
        key=surges.selection_key(found),
    )
    rows_picked = table.selection.rows if table else []
    if rows_picked and rows_picked[0] < len(found):
        surge = found.iloc[rows_picked[0]]
        peak = surge["peak"].to_pydatetime()
        name = ctx.companies.get(surge["company"], surge["company"])
        _show_documents(
            ui.escape_md(f"급증 정점의 문서 ({name}, {ui.fmt_kst(peak)}부터 1시간)"),
            narrow(replace(ctx.filters, companies=(surge["company"],)), (peak, peak + HOUR)),
            "surge_docs",
        )
ui.events_list(events, ctx.companies, expanded=True)
