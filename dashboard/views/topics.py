"""Topics page: the nouns the documents behind the filters talk of, how those documents feel,
and which nouns rose against the period of the same length before."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import chartdata, loaders, surges, topics, ui
from dashboard.filters import CUSTOM, DEFAULT_BUCKET, documents_link, to_params
from dashboard.search import MAX_QUERY_CHARS
from minsim.aggregate.surges import BASELINE_HOURS, VOLUME_RATIO
from minsim.aggregate.terms import MIN_TERM_DOCS, RISE_RATIO, RISE_Z, TREND_TERMS, as_term
from minsim.aggregate.watched import WATCH_MIN_DOCS
from minsim.wording import escape_md

# Articles and comments both: what the news reports and what people answer are both topics.
DEFAULT_KIND = "all"
# Terms the trend starts with: the surest risers, else the most named.
TREND_DEFAULT = 5
T = topics.TITLES
CELLS = {
    "term": st.column_config.TextColumn(T["term"]),
    "docs": st.column_config.NumberColumn(T["docs"]),
    "share": st.column_config.NumberColumn(T["share"], format="percent"),
    "mean_compound": st.column_config.NumberColumn(T["mean_compound"], format="%+.2f"),
    "neg_share": st.column_config.NumberColumn(T["neg_share"], format="percent"),
    "before_docs": st.column_config.NumberColumn(T["before_docs"]),
    "change": st.column_config.TextColumn(
        T["change"], help="문서 비율이 이전 기간의 몇 배인지 ('새로': 이전 기간에는 없던 말)"
    ),
    # Opens the Documents page (in a new tab) with the same filters and this word searched.
    "link": st.column_config.LinkColumn(
        "문서",
        display_text="문서 보기",
        help="이 말을 검색어에 더해 같은 필터와 종류로 문서 보기 페이지에 엽니다. 글자로 찾으므로 "
        "'사과'는 '사과문'도 찾아 여기 센 것보다 조금 많을 수 있습니다",
    ),
}

ctx = ui.context()
watched_words = loaders.watched_words()
st.title("화제어 · Topics")
st.caption(ui.window_caption(ctx))
kind, flt = ui.kind_filter(ctx, key="topics_kind", default=DEFAULT_KIND)
table = loaders.term_table(ctx.url, flt, ctx.version)
if table is None:
    st.info(
        "이 데이터베이스에는 화제어를 담을 표가 아직 없습니다. `minsim score`가 데이터베이스를 "
        "올리고 문서를 다시 채점하며 문서마다 화제어를 셉니다."
    )
    st.stop()
if table.terms.empty:
    ui.empty_notice(f"{MIN_TERM_DOCS}건 이상의 문서에 나온 화제어({ui.KIND_CHOICES[kind]})")
    st.caption(
        "화제어는 문서를 채점할 때 셉니다. 이 기능 전에 채점한 문서라면 `minsim score`가 "
        "다시 채점하며 채웁니다."
    )
    st.stop()


def _with_term(query: str, term: str) -> str:
    """The search words with `term` added after them; before them when the words are so long
    that the search's cut would drop the term (the cut drops the end of the old words instead,
    and the Documents page says what it kept)."""
    added = f"{query} {term}".strip()
    return added if len(added) <= MAX_QUERY_CHARS else f"{term} {query}"


def _linked(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with their change as text and a link to their documents (the term added to
    the search words the page already had)."""
    moved = zip(frame["ratio"], frame["before_docs"], strict=True)
    words = [_with_term(ctx.state.query, term) for term in frame["term"]]
    return frame.assign(
        change=[topics.change_text(ratio, before) for ratio, before in moved],
        link=[documents_link(replace(ctx.state, query=w), kind) for w in words],
    )


left_out = ", ".join(table.left_out)
st.caption(
    f"채점된 문서 {table.documents:,}건에 나온 명사(붙여 쓴 짧은 복합명사는 한 말로)를 말마다 "
    f"문서당 한 번씩 셉니다. {MIN_TERM_DOCS}건 이상에 나온 말만 보이고, "
    + (f"고른 회사를 가리키는 이름({escape_md(left_out)})과 " if left_out else "")
    + "'사람', '이번'처럼 무엇에 대한 이야기인지 말하지 않는 말은 뺐습니다."
)
top = table.top()
# Without an earlier period every count before would read 0 and every term "new".
shown_cells = [c for c in CELLS if table.compared or c not in ("before_docs", "change")]
left, right = st.columns(2)
with left:
    st.subheader("많이 나온 말")
    ui.chart_card(topics.terms_chart(top, compared=table.compared))
with right:
    st.subheader("떠오른 말")
    if flt.start is not None and flt.end is not None:  # the period before is compared
        ui.pruned_note(ctx, loaders.pruned_before(ctx.url, flt), None, flt.end - flt.start)
    if table.before_documents is None:
        st.info("기간을 정하면 바로 앞의 같은 길이 기간과 비교해 떠오른 말을 찾습니다.")
    elif not table.before_documents:
        st.info("바로 앞의 같은 길이 기간에 문서가 없어 비교할 수 없습니다.")
    else:
        st.caption(
            f"바로 앞의 같은 길이 기간(문서 {table.before_documents:,}건)보다 문서 비율이 "
            f"{RISE_RATIO:g}배 이상이고 우연으로 보기 어려운(한쪽 z ≥ {RISE_Z:.2f}) 말, "
            "확실한 순서입니다."
        )
        rising = table.rising()
        if rising.empty:
            st.info("이전 기간보다 두드러지게 늘어난 말이 없습니다.")
        else:
            # Half a page wide: the columns that say how it rose and where to read it.
            cells = {k: CELLS[k] for k in ("term", "docs", "before_docs", "change",
                                           "mean_compound", "link")}  # fmt: skip
            ui.data_table(_linked(rising)[list(cells)], hide_index=True, width="stretch",
                         column_config=cells)  # fmt: skip


def trend_section() -> None:
    """Lines of the documents naming the picked terms per time bucket: when a topic took off
    and whether it is fading. Starts on the surest risers (else the most named); any term can
    be typed in."""
    st.subheader("화제어 추이")
    rising_terms = list(table.rising()["term"]) if table.compared else []
    options = list(dict.fromkeys([*rising_terms, *top["term"], *watched_words]))
    default = (rising_terms or list(top["term"]))[:TREND_DEFAULT]
    # Keyed by the view (the filters and the kind, but not the time unit: hours or days show
    # the same terms), not by the options: new data that reorder the terms keep the picks (a
    # keyed picker that takes new options keeps its value), while other filters start on
    # their own risers.
    shown = replace(ctx.state, bucket=DEFAULT_BUCKET)
    view = hashlib.sha1(repr((sorted(to_params(shown).items()), kind)).encode("utf-8"))
    picked = st.multiselect(
        "비교할 말",
        options,
        default=default,
        max_selections=TREND_TERMS,
        accept_new_options=True,
        key=f"topics_trend_{view.hexdigest()[:12]}",
        help=f"목록에 없는 말도 입력할 수 있습니다 (띄어쓰기 없이, 한 번에 {TREND_TERMS}개까지).",
    )
    terms: list[str] = []
    for typed in picked:
        term = as_term(typed)
        if term is None:
            st.warning(
                f"'{escape_md(typed[:30])}'은(는) 화제어로 셀 수 없는 말이라 뺐습니다: 화제어는 "
                "한글과 로마자로만 된 2~30자입니다 (숫자는 세지 않습니다)."
            )
        elif term not in terms:
            terms.append(term)
    if not terms:
        st.info("추이를 볼 말을 고르세요.")
        return
    trend = loaders.term_trend(ctx.url, flt, tuple(terms), ctx.state.bucket, ctx.version)
    if trend.empty:
        ui.empty_notice("채점된 문서")
        return
    events = loaders.events(ctx.url, ctx.filters)
    ui.chart_card(
        topics.trend_chart(trend, bucket=ctx.state.bucket, events=events, names=ctx.companies,
                           domain=ui.chart_domain(ctx, events)),
        f"{'시간' if ctx.state.bucket == 'hour' else '날'}마다 그 말이 나온 채점된 문서 수입니다. "
        "점에 마우스를 올리면 그때 문서 가운데 비율과 그 문서들의 평균 점수가 보입니다. "
        "번호 붙은 점선은 아래 목록의 사건입니다.",
    )  # fmt: skip
    chartdata.download(
        trend, name="topic-trend", bucket=ctx.state.bucket, key="topic_trend_data",
        help="말마다 구간(KST)마다 한 줄: 그 말이 나온 채점된 문서 수(docs), 그 구간의 채점된 "
        "문서 수(scored), 그 비율(share)과 그 말이 나온 문서들의 평균 점수(mean_compound).",
    )  # fmt: skip
    ui.events_list(events, ctx.companies, expanded=False)


def watched_section() -> None:
    """The surges of the settings' watched words inside the filters (minsim.aggregate.watched),
    newest first, each linking to the documents of its days that name the word."""
    st.subheader("지켜보는 말")
    st.caption(
        f"설정 파일의 `[surges] watch`: {escape_md(', '.join(watched_words))}. 한 시간에 그 말이 "
        f"나온 문서가 {WATCH_MIN_DOCS}건 이상이고 직전 {BASELINE_HOURS}시간의 시간당 평균의 "
        f"{VOLUME_RATIO:g}배 이상이면 급증입니다. `minsim run`은 진행 중인 급증을 로그와 "
        "웹훅으로 한 번씩 알립니다."
    )
    ui.pruned_note(ctx, loaders.pruned_before(ctx.url, flt), None, timedelta(hours=BASELINE_HOURS))
    found = loaders.watched_surges(ctx.url, flt, watched_words, ctx.version)
    if found.empty:
        st.info("이 조건에서는 지켜보는 말이 급증한 시간이 없습니다.")
        return
    listed = surges.surge_table(found, {})
    # One kind, and the word itself is what was named: those columns say nothing here.
    shown = listed.drop(columns=["회사", "종류", "많이 나온 말"]).assign(문서=[
        _surge_link(row.term, row.start, row.end) for row in found.itertuples()
    ])  # fmt: skip
    shown.insert(0, "말", list(found["term"]))
    ui.data_table(shown, hide_index=True, width="stretch",
                 column_config={"문서": CELLS["link"]})  # fmt: skip


def _surge_link(term: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The Documents page on the days of a surge (KST), with the word added to the search."""
    last = (end - pd.Timedelta(seconds=1)).date()
    days = replace(ctx.state, window=CUSTOM, date_from=start.date(), date_to=last)
    return documents_link(replace(days, query=_with_term(ctx.state.query, term)), kind)


trend_section()
if watched_words:
    watched_section()
st.subheader("많이 나온 말 (표)")
ui.data_table(_linked(top)[shown_cells], hide_index=True, width="stretch",
             column_config={c: CELLS[c] for c in shown_cells})  # fmt: skip
