"""Documents page: the articles and comments behind the filters, each with the hits that explain
its score. Text is shown only inside st.dataframe / st.text, so it is never rendered as markup."""

from __future__ import annotations

import streamlit as st

from dashboard import doctable, explain, loaders, ui

LABELS = {"all": "전체", "neg": "부정", "pos": "긍정", "neu": "중립"}

ctx = ui.context()
st.title("문서 보기 · Documents")
st.caption(ui.window_caption(ctx))

left, right = st.columns(2)
label = left.segmented_control("감성 라벨", list(LABELS), format_func=LABELS.__getitem__,
                               default="all", key="doc_label")  # fmt: skip
_, flt = ui.kind_filter(ctx, key="doc_kind", where=right)
label = label or "all"
wanted = None if label == "all" else label
rows = loaders.documents(ctx.url, flt, ctx.version, wanted)
if rows.empty:
    ui.empty_notice("문서")
    st.stop()

st.caption(
    "시각은 KST. 점수는 -1(부정) ~ +1(긍정)이며 근거 열은 점수를 만든 사전 항목과 최종 "
    f"가중치입니다. '{doctable.NOT_SCORED}'은 이 점수 버전의 점수가 아직 없는 문서입니다."
)
table = doctable.show(
    rows, ctx.companies, key="documents",
    total=loaders.document_count(ctx.url, flt, ctx.version, wanted),
    everything=loaders.all_documents(ctx.url, flt, ctx.version, wanted),
)  # fmt: skip

st.subheader("점수 설명")
# Options are document ids, keyed: a redraw with new documents keeps the one picked.
labels = {
    doc_id: f"{when} · {kind} · {str(text)[:40]}"
    for doc_id, when, kind, text in zip(
        rows["doc_id"], table["시각"], table["종류"], rows["text"], strict=True
    )
}
choice = st.selectbox(
    "문서 선택", options=list(labels), format_func=labels.__getitem__, key="documents_pick"
)
picked = rows[rows["doc_id"] == choice].iloc[0]
if isinstance(picked["title"], str) and picked["title"]:
    st.text(f"제목: {picked['title']}")
st.text(str(picked["text"]))
compound = picked["compound"]
if compound == compound and compound is not None:  # NaN when this version has not scored it
    st.text(f"점수 {compound:+.3f} · 라벨 {picked['label']} · 점수 버전 {ctx.version}")
    hits, rules = explain.parse(picked["hits"])
    frame = explain.hits_frame(picked["hits"])
    show_all = st.toggle(
        f"작은 항목도 보기 (|가중치| < {explain.SMALL_HIT_WEIGHT:g}, 주로 어미·조사)",
        value=False,
        key="documents_all_hits",
    )
    folded = explain.fold_small(frame, 0.0 if show_all else explain.SMALL_HIT_WEIGHT)
    ui.data_table(folded.shown, hide_index=True, width="stretch")
    if folded.folded:
        st.caption(f"작은 항목 {folded.folded}개 숨김 · 합계 {folded.folded_sum:+.2f}")
    left, left_sum = explain.omitted(picked["hits"])
    if left:
        st.caption(f"긴 글이라 약한 항목 {left:,}개는 저장하지 않았습니다 · 합계 {left_sum:+.2f}")
    if rules:
        st.text("문서 규칙: " + "; ".join(rules))
    per_sentence = explain.sentence_rules(picked["hits"])
    if per_sentence:
        st.text("문장 규칙: " + "; ".join(per_sentence))
else:
    st.text(f"{doctable.NOT_SCORED}: 아직 이 점수 버전으로 채점되지 않았습니다.")
    st.caption(ui.SCORE_COMMANDS)
