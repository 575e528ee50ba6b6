"""The sidebar: filter widgets seeded once from the URL, written back to it, and a live counter."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import health, loaders
from dashboard.filters import (
    BUCKET_LABELS,
    KIND_PARAM,
    KST,
    WINDOWS,
    FilterState,
    kind_param,
    parse_params,
    resolve,
    to_params,
)
from dashboard.search import MAX_QUERY_CHARS, clean_query
from dashboard.ui import escape_md, fmt_kst
from minsim.aggregate import Filters
from minsim.words import RULE_PREFIX, lemma_text

# Widget keys in session state; "seeded" marks that the URL was read for this session.
SEEDED = "f_seeded"
K_COMPANY, K_SOURCE, K_WINDOW, K_DATES, K_BUCKET, K_RUN, K_QUERY, K_WORD = (
    "f_company", "f_source", "f_window", "f_dates", "f_bucket", "f_run", "f_query", "f_word",
)  # fmt: skip
# How often the live counter re-reads the totals (a collector may be writing meanwhile).
LIVE_REFRESH_SECONDS = 15
# Session keys: the data stamp the page was drawn from, and the auto-refresh switch.
DRAWN_STAMP, K_AUTO_REFRESH = "live_drawn_stamp", "live_auto_refresh"


def _kst_dates(span: tuple[datetime, datetime] | None) -> tuple[date, date] | None:
    if span is None:
        return None
    return span[0].astimezone(KST).date(), span[1].astimezone(KST).date()


def _seed(url: str, companies: dict[str, str], sources: tuple[str, ...], span_days) -> list[str]:
    """Put the URL's filters into the widgets' state, once per session; returns warnings."""
    parsed = parse_params(
        {key: st.query_params.get_all(key) for key in st.query_params},
        companies=list(companies),
        sources=list(sources),
        span=span_days,
    )
    state = parsed.state
    run = state.run
    if run is not None and loaders.run_summary(url, run) is None:
        parsed.warnings.append(f"run={run}: 그런 수집 실행이 없어 무시했습니다.")
        run = None
    st.session_state[K_RUN] = run
    st.session_state[K_COMPANY] = list(state.companies)
    st.session_state[K_SOURCE] = list(state.sources)
    st.session_state[K_WINDOW] = state.window
    st.session_state[K_BUCKET] = state.bucket
    st.session_state[K_QUERY] = state.query
    st.session_state[K_WORD] = state.word
    if span_days is not None:
        # parse_params fitted the dates into the span (and said so); a missing one is open.
        st.session_state[K_DATES] = (state.date_from or span_days[0], state.date_to or span_days[1])
    st.session_state[SEEDED] = True
    return [escape_md(w) for w in parsed.warnings]


def _set(key: str, value: object) -> None:
    st.session_state[key] = value


def _link_filter(note: str, key: str, off: object, label: str) -> None:
    """A filter only a link sets (run, lexicon entry): what it keeps, and a button that lifts
    it by setting its state back to `off`."""
    st.info(note, icon=":material/filter_alt:")
    st.button(label, on_click=_set, args=(key, off), key=f"{key}_clear")


def _run_filter(url: str) -> None:
    """The run filter, when a link set one."""
    run_id = st.session_state.get(K_RUN)
    if run_id is None:
        return
    run = loaders.run_summary(url, run_id)
    if run is None:  # gone since the link was opened: no filter that nothing on screen names
        _set(K_RUN, None)
        return
    note = (
        health.run_line(run) + ". 그 실행이 처음 저장했거나 내용을 바꿔 다시 저장한 문서만 봅니다."
    )
    _link_filter(note, K_RUN, None, "실행 필터 해제")


def _word_filter() -> None:
    """The lexicon-entry filter, when a link from the Words page set one."""
    word = st.session_state.get(K_WORD)
    if not word:
        return
    shown = f"{lemma_text(word)} ({word})" if word.startswith(RULE_PREFIX) else word
    note = (
        f"사전 항목 {escape_md(shown)}이(가) 점수에 들어간 문서만 봅니다 (가중치 크기와 관계없이)."
    )
    _link_filter(note, K_WORD, "", "항목 필터 해제")


def render(
    url: str,
    companies: dict[str, str],
    sources: tuple[str, ...],
    span: tuple[datetime, datetime] | None,
) -> tuple[FilterState, list[str]]:
    """Draw the filters; returns the chosen state and any warnings about the URL."""
    span_days = _kst_dates(span)
    warnings = [] if st.session_state.get(SEEDED) else _seed(url, companies, sources, span_days)
    with st.sidebar:
        st.header("필터")
        _run_filter(url)
        _word_filter()
        chosen_companies = st.multiselect(
            "회사", options=list(companies), format_func=lambda c: companies.get(c, c),
            key=K_COMPANY, placeholder="모든 회사",
        )  # fmt: skip
        window = st.radio(
            "기간 (최신 문서 기준)", options=list(WINDOWS), format_func=WINDOWS.__getitem__,
            key=K_WINDOW,
        )  # fmt: skip
        date_from = date_to = None
        if window == "custom" and span_days is not None:
            if K_DATES not in st.session_state:  # cleared while the widget was hidden
                st.session_state[K_DATES] = span_days
            picked = st.date_input(
                "날짜 범위 (KST)", min_value=span_days[0], max_value=span_days[1], key=K_DATES
            )
            if isinstance(picked, tuple) and len(picked) == 2:
                date_from, date_to = picked
            elif isinstance(picked, tuple) and len(picked) == 1:
                date_from = date_to = picked[0]
        typed = st.text_input(
            "검색어 (제목·본문)", key=K_QUERY, max_chars=MAX_QUERY_CHARS,
            placeholder="예: 카카오 보상 -주가",
            help='띄어 쓴 말이 모두 제목이나 본문에 든 문서만 봅니다. "따옴표 안"은 그대로 '
            "붙은 구절로 찾고, 앞에 -를 붙인 말이 든 문서는 뺍니다.",
        )  # fmt: skip
        query, notes = clean_query(typed)
        for note in notes:
            st.caption(note)
        chosen_sources = st.multiselect(
            "출처", options=list(sources), key=K_SOURCE, placeholder="모든 출처"
        )
        bucket = st.radio(
            "시간 단위", options=list(BUCKET_LABELS), format_func=BUCKET_LABELS.__getitem__,
            key=K_BUCKET, horizontal=True,
        )  # fmt: skip
        st.caption("모든 시각은 한국 표준시(KST, UTC+9)입니다. 필터는 주소(URL)에 저장됩니다.")
    state = FilterState(
        companies=tuple(chosen_companies),
        sources=tuple(chosen_sources),
        window=window,
        date_from=date_from,
        date_to=date_to,
        bucket=bucket,
        run=st.session_state.get(K_RUN),
        query=query,
        word=st.session_state.get(K_WORD) or "",
    )
    wanted = to_params(state)
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    # The kind switch's own parameter, kept while the page reruns (a page switch leaves it
    # behind): the page that draws the switch reads and writes it. A repeated or unknown
    # value is named here, once, and dropped from the URL.
    kind_warnings: list[str] = []
    kind = kind_param(current, kind_warnings)
    if kind is not None:
        wanted[KIND_PARAM] = [kind]
    warnings += [escape_md(w) for w in kind_warnings]
    if {k: v if isinstance(v, list) else [v] for k, v in wanted.items()} != current:
        st.query_params.from_dict(wanted)
    return state, warnings


def to_filters(state: FilterState, span: tuple[datetime, datetime] | None) -> Filters:
    return resolve(state, span)


def begin_run(url: str) -> None:
    """Before the run reads anything: note the data stamp this run draws from, dropping cached
    readings older than it (the live counter compares it with the database's)."""
    try:
        st.session_state[DRAWN_STAMP] = loaders.fresh_stamp(url)
    except SQLAlchemyError:
        # The page reports database trouble where it reads; without a stamp, no redraw.
        st.session_state[DRAWN_STAMP] = None


@st.fragment(run_every=LIVE_REFRESH_SECONDS)
def live_counter(url: str) -> None:
    """Totals that refresh on their own while a collector writes; when the database has moved
    past what the page shows, the page is drawn again (or a button offers it)."""
    st.subheader("실시간 집계")
    try:
        counts = loaders.live_counts(url)
        stamp = loaders.data_stamp(url)
    except SQLAlchemyError:
        # The page body reports database trouble once; the counter just says it is stale.
        st.caption("지금은 집계를 읽을 수 없습니다. 잠시 후 다시 시도합니다.")
        return
    left, right = st.columns(2)
    left.metric("기사", f"{counts['articles']:,}")
    right.metric("댓글", f"{counts['comments']:,}")
    st.caption(f"마지막 수집 {fmt_kst(counts['newest_collected_at'])}")
    auto = st.toggle(
        "새 데이터가 오면 화면 새로 고침", value=True, key=K_AUTO_REFRESH,
        help=f"{LIVE_REFRESH_SECONDS}초마다 확인해, 수집기가 새 문서나 점수를 저장했으면 이 "
        "화면의 차트와 표를 다시 그립니다. 끄면 단추로 고칩니다.",
    )  # fmt: skip
    drawn = st.session_state.get(DRAWN_STAMP)
    if drawn is None or drawn == stamp:
        return
    if auto:
        st.rerun(scope="app")
    st.caption("화면을 그린 뒤 새 데이터가 들어왔습니다.")
    if st.button("새 데이터로 다시 그리기", key="live_redraw", icon=":material/refresh:"):
        st.rerun(scope="app")
