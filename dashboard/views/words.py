"""Words page: which words moved the scores of the documents behind the filters, either way."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import explain, loaders, ui, words
from dashboard.filters import documents_link
from minsim.words import WORD_SAMPLE, strongest

# Comments first: that is where the public's own words are; articles are a click away.
DEFAULT_KIND = "comment"
_SIGNED = "%+.2f"
T = words.TITLES
# The table's columns, in order.
CELLS = {
    "word": st.column_config.TextColumn(T["word"]),
    "docs": st.column_config.NumberColumn(T["docs"]),
    "neg_docs": st.column_config.NumberColumn(T["neg_docs"]),
    "pos_docs": st.column_config.NumberColumn(T["pos_docs"]),
    "total": st.column_config.NumberColumn(T["total"], format=_SIGNED),
    "mean": st.column_config.NumberColumn(T["mean"], format=_SIGNED),
    # Opens the Documents page (in a new tab) with the same filters and this lexicon entry.
    "link": st.column_config.LinkColumn(
        "문서",
        display_text="문서 보기",
        help="이 사전 항목이 점수에 들어간 문서를 같은 필터와 종류로 문서 보기 페이지에 엽니다 "
        "(가중치 크기와 관계없이)",
    ),
    "key": st.column_config.TextColumn(T["key"]),
    "source": st.column_config.TextColumn(T["source"]),
}

ctx = ui.context()
st.title("감성 표현 · Words")
st.caption(ui.window_caption(ctx))
kind, flt = ui.kind_filter(ctx, key="words_kind", default=DEFAULT_KIND)
counts, read, total = loaders.word_counts(ctx.url, flt, ctx.version, WORD_SAMPLE)
if not read:
    if ctx.version is None:
        st.info("채점된 문서가 없습니다. " + ui.SCORE_COMMANDS)
    else:
        ui.empty_notice(f"채점된 문서({ui.KIND_CHOICES[kind]})")
    st.stop()
found = counts.words
negative, positive = strongest(found, -1), strongest(found, +1)
scope = f"채점된 문서 {total:,}건" + (f" 중 최신 {read:,}건" if total > read else "")
st.caption(
    f"{scope}에서 가중치 {explain.SMALL_HIT_WEIGHT:g} 이상으로 점수를 움직인 사전 항목입니다. "
    "가중치는 규칙(부정어, 강조, 대조 …)을 거친 최종 값이라 '좋다'도 '안 좋다'로 쓰였으면 "
    "부정 쪽으로 셉니다. 말은 사람들이 가장 많이 쓴 꼴로 보여 줍니다. 리뷰에서 배운 어미·조사·"
    "문장부호는 따로 더해 아래에 적었습니다."
)
if found.empty:
    st.info("점수를 크게 움직인 말이 없습니다.")
else:
    ui.chart_card(words.words_chart(negative, positive))
    left, right = st.columns(2)
    for column, title, frame in ((left, "부정 쪽으로", negative), (right, "긍정 쪽으로", positive)):
        with column:
            st.subheader(title)
            # A link filters by one entry: with an entry already chosen, it would drop that one
            # and open more documents than the row counts.
            linked = frame.assign(
                link=[
                    "" if ctx.state.word else documents_link(replace(ctx.state, word=key), kind)
                    for key in frame["key"]
                ]
            )
            ui.data_table(linked[list(CELLS)], hide_index=True, width="stretch",
                         column_config=CELLS)  # fmt: skip
st.caption(
    "리뷰에서 배운 어미·조사·문장부호(냐, 만, ? …)가 준 가중치 합: "
    f"부정 {counts.grammar_negative:+,.1f} · 긍정 {counts.grammar_positive:+,.1f}. 말투의 "
    "무게이지 무엇에 대한 의견인지는 말하지 않아 위의 표에서는 뺐습니다."
)
