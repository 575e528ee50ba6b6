"""Documents page: the articles and comments behind the filters, each with the hits that explain
its score. Text is shown only inside st.dataframe / st.text, so it is never rendered as markup."""

from __future__ import annotations

import streamlit as st

from dashboard import explain, loaders, ui
from dashboard.charts import KIND_LABELS
from minsim.aggregate import DEFAULT_DOCUMENT_LIMIT, Filters

LABELS = {"all": "전체", "neg": "부정", "pos": "긍정", "neu": "중립"}
KINDS = {"all": "기사와 댓글", "comment": "댓글만", "article": "기사만"}

ctx = ui.context()
st.title("문서 보기 · Documents")
st.caption(ui.window_caption(ctx))

left, right = st.columns(2)
label = left.segmented_control("감성 라벨", list(LABELS), format_func=LABELS.__getitem__,
                               default="all", key="doc_label")  # fmt: skip
kind = right.segmented_control("종류", list(KINDS), format_func=KINDS.__getitem__,
                               default="all", key="doc_kind")  # fmt: skip
label = label or "all"
kind = kind or "all"
flt = ctx.filters
if kind != "all":
    flt = Filters(flt.start, flt.end, flt.companies, flt.sources, (kind,))
rows = loaders.documents(ctx.url, flt, ctx.version, None if label == "all" else label)
if rows.empty:
    ui.empty_notice("문서")
    st.stop()

table = rows.assign(
    시각=rows["published_at"].dt.strftime("%Y-%m-%d %H:%M"),
    종류=rows["kind"].map(KIND_LABELS),
    title=rows["title"].fillna(""),
    회사=rows["companies"].map(
        lambda ids: ", ".join(ctx.companies.get(c, c) for c in ids.split(", ") if c)
    ),
    근거=rows["hits"].map(explain.summary),
)
st.caption(
    f"최신순 최대 {DEFAULT_DOCUMENT_LIMIT}건. 시각은 KST. 점수는 -1(부정) ~ +1(긍정)이며 "
    "근거 열은 점수를 만든 사전 항목과 최종 가중치입니다."
)
st.dataframe(
    table[["시각", "종류", "source", "회사", "title", "text", "compound", "label", "근거"]],
    hide_index=True,
    width="stretch",
    column_config={
        "source": st.column_config.TextColumn("출처"),
        "title": st.column_config.TextColumn("제목"),
        "text": st.column_config.TextColumn("본문", width="large"),
        "compound": st.column_config.NumberColumn("점수", format="%+.2f"),
        "label": st.column_config.TextColumn("라벨"),
    },
)

st.subheader("점수 설명")
choice = st.selectbox(
    "문서 선택",
    options=list(range(len(rows))),
    format_func=lambda i: (
        f"{table['시각'].iloc[i]} · {table['종류'].iloc[i]} · {str(rows['text'].iloc[i])[:40]}"
    ),
)
picked = rows.iloc[choice]
if isinstance(picked["title"], str) and picked["title"]:
    st.text(f"제목: {picked['title']}")
st.text(str(picked["text"]))
compound = picked["compound"]
if compound == compound and compound is not None:  # NaN when this version has not scored it
    st.text(f"점수 {compound:+.3f} · 라벨 {picked['label']} · 점수 버전 {ctx.version}")
    hits, rules = explain.parse(picked["hits"])
    st.dataframe(explain.hits_frame(picked["hits"]), hide_index=True, width="stretch")
    if rules:
        st.text("문서 규칙: " + "; ".join(rules))
else:
    st.text("아직 이 점수 버전으로 채점되지 않았습니다.")
