"""Words page: which words moved the scores of the documents behind the filters, either way."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import explain, loaders, ui, words

KINDS = {"comment": "댓글만", "all": "기사와 댓글", "article": "기사만"}
# Documents whose explanations are read, newest first: enough for a stable ranking, and a
# bounded read (a stored explanation is a few kilobytes).
SAMPLE_DOCUMENTS = 5000
TABLE_CELLS = {
    "word": st.column_config.TextColumn("말"),
    "docs": st.column_config.NumberColumn("문서 (건)"),
    "total": st.column_config.NumberColumn("가중치 합", format="%+.2f"),
    "mean": st.column_config.NumberColumn("문서당 평균", format="%+.2f"),
    "key": st.column_config.TextColumn("사전 키"),
    "source": st.column_config.TextColumn("사전"),
}

ctx = ui.context()
st.title("감성 표현 · Words")
st.caption(ui.window_caption(ctx))
kind = st.segmented_control("종류", list(KINDS), format_func=KINDS.__getitem__,
                            default="comment", key="words_kind") or "comment"  # fmt: skip
flt = ctx.filters if kind == "all" else replace(ctx.filters, kinds=(kind,))
explanations, total = loaders.explanations(ctx.url, flt, ctx.version, SAMPLE_DOCUMENTS)
if not explanations:
    ui.empty_notice("채점된 문서")
    if ctx.version is None:
        st.caption(ui.SCORE_COMMANDS)
    st.stop()
found = words.opinion_words(explanations)
negative, positive = words.strongest(found, -1), words.strongest(found, +1)
read = f"채점된 문서 {total:,}건" + (
    f" 중 최신 {len(explanations):,}건" if total > len(explanations) else ""
)
st.caption(
    f"{read}에서 점수를 {explain.SMALL_HIT_WEIGHT:g} 이상 움직인 사전 항목을 모았습니다. "
    "가중치는 규칙(부정어, 강조, 대조 …)을 거친 최종 값이라, '좋다'도 '안 좋다'로 쓰였으면 "
    "부정 쪽으로 셉니다. 어미·조사처럼 문법만 나르는 항목은 뺐습니다."
)
if found.empty:
    st.info("점수를 크게 움직인 말이 없습니다.")
    st.stop()
ui.chart_card(words.words_chart(negative, positive))
left, right = st.columns(2)
for column, title, frame in ((left, "부정 쪽으로", negative), (right, "긍정 쪽으로", positive)):
    with column:
        st.subheader(title)
        st.dataframe(frame[list(TABLE_CELLS)], hide_index=True, width="stretch",
                     column_config=TABLE_CELLS)  # fmt: skip
