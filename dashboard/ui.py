"""UI pieces every page shares: the page context, headline metric rows, notices, KST formatting.

User text (titles, comments, event names) is only ever shown through st.dataframe, st.text or
escaped markdown here, never as HTML, so a comment cannot inject markup into the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.filters import (
    ALL_KINDS,
    KIND_CHOICES,
    KIND_PARAM,
    KST,
    WINDOW_LENGTHS,
    WINDOWS,
    FilterState,
)
from dashboard.markers import number_events
from dashboard.timeaxis import time_domain
from minsim.aggregate import Cut, Filters, reaches
from minsim.timefmt import format_kst
from minsim.wording import DEMO_PREFIX, escape_md, filter_scope, partly_missing_text, pruned_text

CONTEXT_KEY = "minsim_context"
DEMO_BANNER = (
    "**DEMO DATA · 데모 데이터** — 이 화면의 기사와 댓글은 시연용으로 작성한 가상의 글입니다 "
    "(실제 언론사·이용자 아님). Demo sources are named `demo-…`."
)
DEMO_MIXED_BANNER = (
    "**DEMO DATA · 데모 데이터 포함** — 이 화면에는 데모 출처({sources})의 글이 섞여 있습니다. "
    "데모 출처의 기사와 댓글은 시연용으로 작성한 가상의 글입니다 (실제 언론사·이용자 아님). "
    "출처 필터로 데모 출처를 뺄 수 있습니다."
)
SCORE_COMMANDS = (
    "채점하려면 `minsim score`를, 사전이나 규칙을 바꾼 뒤라면 `minsim score --rescore`를 "
    "실행하세요."
)
# Preset windows count back from the newest document. When that document is older than this,
# nothing new has arrived for a while (collection stopped, or an old corpus), and "최근 24시간"
# is not the last 24 hours: the page says so.
STALE_AFTER = timedelta(hours=6)
# Ages up to this many hours are told in hours, longer ones in days.
AGE_HOURS_MAX = 48
EMPTY_MESSAGE = (
    "아직 데이터가 없습니다 — `minsim init --demo` 또는 `minsim collect`를 실행하세요. "
    "(No data yet — run `minsim init --demo` or `minsim collect`.)"
)
KST_FORMAT = "%Y-%m-%d %H:%M KST"
# The kind switch of the pages that list documents (the `kinds` filter; "all" is none).


@dataclass(frozen=True)
class Context:
    """What the entry script resolved for the pages: database, filters, names, scorer version."""

    url: str
    state: FilterState
    filters: Filters
    version: str | None
    companies: dict[str, str]
    sources: tuple[str, ...]
    span: tuple[datetime, datetime] | None
    # The sources of the documents the filters select: what the pages show, not all there are
    # (the demo banner goes by these).
    shown_sources: tuple[str, ...] = ()


def context() -> Context:
    """The context app.py stored for this run (pages never run without the entry script)."""
    return st.session_state[CONTEXT_KEY]


def kind_filter(
    ctx: Context, *, key: str, default: str = ALL_KINDS, where: object = st
) -> tuple[str, Filters]:
    """The 종류 switch (articles and comments, comments, articles) drawn in `where` (the page, or
    one of its columns), and the page's filters narrowed to the kind it picked. It opens on the
    URL's `kind` (a link from another page's comments opens on comments; the sidebar has
    checked it), else on `default`, and writes what it shows back to the URL, so a link
    reproduces the view."""
    asked = st.query_params.get(KIND_PARAM)
    opening = asked if asked in KIND_CHOICES else default
    picked = where.segmented_control(  # type: ignore[attr-defined]
        "종류", list(KIND_CHOICES), format_func=KIND_CHOICES.get, default=opening, key=key
    )
    # Unpicking the picked choice leaves none: the page's default, as the URL then says.
    kind = picked or default
    if kind == default:
        st.query_params.pop(KIND_PARAM, None)
    else:
        st.query_params[KIND_PARAM] = kind
    return kind, ctx.filters if kind == ALL_KINDS else replace(ctx.filters, kinds=(kind,))


def fmt_kst(value: datetime | None) -> str:
    """An aware time shown in Seoul time; '—' when missing."""
    if value is None:
        return "—"
    return value.astimezone(KST).strftime(KST_FORMAT)


def metric_row(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A row of headline metrics: (label, value, help) each."""
    for column, (label, value, help_text) in zip(st.columns(len(items)), items, strict=True):
        column.metric(label, value, help=help_text)


def chart_card(chart: alt.TopLevelMixin, caption: str | None = None) -> None:
    """A chart at full width with an optional caption under it."""
    st.altair_chart(chart, width="stretch")
    if caption:
        st.caption(caption)


def events_list(events: pd.DataFrame, companies: dict[str, str], *, expanded: bool) -> None:
    """The numbered events drawn on this page's charts (numbers match the chart markers)."""
    if events.empty:
        return
    numbered = number_events(events)
    table = numbered.assign(
        at=numbered["at"].dt.strftime("%Y-%m-%d %H:%M"),
        company=numbered["company"].map(lambda c: companies.get(c, c)),
    )[["no", "at", "company", "title"]].rename(
        columns={"no": "번호", "at": "시각 (KST)", "company": "회사", "title": "사건"}
    )
    with st.expander(f"사건 목록 {len(table)}건 (KST) — 차트의 번호", expanded=expanded):
        data_table(table, hide_index=True, width="stretch")


# What a table shows for a missing value (a side without documents has no mean), where
# Streamlit would print "None".
MISSING_CELL = "—"


def data_table(data: Any, **options: Any) -> Any:
    """st.dataframe with a dash for missing values; returns what st.dataframe returns (the
    selection, for a table that is clicked)."""
    return st.dataframe(data, placeholder=MISSING_CELL, **options)


def pruned_note(ctx: Context, cut: Cut | None, partly: Cut | None, looks_back: timedelta) -> None:
    """Say what a prune removed when the page's window, reaching `looks_back` further for its
    comparisons, starts before the cutoff: nothing before it is compared (`cut`), or, when the
    page also reads sources never pruned (`partly`), the pruned ones count for less there."""
    start = ctx.filters.start or (ctx.span[0] if ctx.span else None)
    if start is None:
        return
    if reaches(cut, start - looks_back):
        st.info(
            escape_md(f"{pruned_text(cut)}. {format_kst(cut.before)} 전과는 비교하지 않습니다."),
            icon=":material/auto_delete:",
        )
    elif reaches(partly, start - looks_back):
        cutoff, names = format_kst(partly.before), ", ".join(partly.sources)
        st.info(
            escape_md(
                f"{pruned_text(partly)}. 이 화면은 문서를 지우지 않은 출처도 함께 읽으므로 "
                f"{partly_missing_text(partly)}되어, 그 뒤 24시간의 급증이 "
                f"실제보다 크게 보일 수 있습니다. 출처 필터에서 {names}만 고르면 {cutoff} "
                "이전과는 비교하지 않습니다."
            ),
            icon=":material/auto_delete:",
        )


def empty_notice(what: str) -> None:
    st.info(f"선택한 조건에 맞는 {what}이(가) 없습니다. 필터를 넓혀 보세요.")


def demo_sources(sources: Sequence[str]) -> list[str]:
    """The demo sources among these (demo documents are marked by their source's name)."""
    return [s for s in sources if s.startswith(DEMO_PREFIX)]


def demo_banner(shown_sources: Sequence[str]) -> None:
    """The DEMO DATA banner when the documents on screen include demo ones; it names the demo
    sources when real ones are mixed in, since then not everything on screen is made up."""
    demo = demo_sources(shown_sources)
    if not demo:
        return
    if len(demo) == len(shown_sources):
        st.warning(DEMO_BANNER, icon=":material/science:")
    else:
        names = escape_md(", ".join(demo))
        st.warning(DEMO_MIXED_BANNER.format(sources=names), icon=":material/science:")


def scored_note(totals: Mapping[str, float | int | None], version: str | None) -> str | None:
    """'N of M documents scored' and the command that scores the rest; None when all are."""
    docs, scored = int(totals["docs"] or 0), int(totals["scored"] or 0)
    if scored >= docs:
        return None
    elsewhere = int(totals.get("scored_elsewhere") or 0)
    line = escape_md(
        f"문서 {docs:,}건 중 {scored:,}건 채점 (점수 버전 {version or '없음'}). "
        f"채점되지 않은 {docs - scored:,}건은 평균 점수와 비율에서 뺐습니다 (중립으로 세지 않음)."
    )
    if elsewhere:
        return line + (
            f" 그중 {elsewhere:,}건은 다른 점수 버전으로만 채점되어 있습니다 (사전이나 규칙이 "
            "바뀜). `minsim score --rescore`로 모든 문서를 현재 버전으로 다시 채점하세요."
        )
    return line + " " + SCORE_COMMANDS


def age_text(age: timedelta) -> str:
    """'5시간 전' or, past AGE_HOURS_MAX hours, '1,460일 전'."""
    hours = int(age.total_seconds() // 3600)
    return f"{hours:,}시간 전" if hours <= AGE_HOURS_MAX else f"{hours // 24:,}일 전"


def stale_note(
    state: FilterState, span: tuple[datetime, datetime] | None, now: datetime
) -> str | None:
    """For a preset window counted back from an old newest document: when that document was
    published and how long ago. None for other windows or a fresh newest document."""
    if span is None or state.window not in WINDOW_LENGTHS:
        return None
    age = now - span[1]
    if age < STALE_AFTER:
        return None
    return (
        f"'{WINDOWS[state.window]}'은 가장 최근 문서({fmt_kst(span[1])}, {age_text(age)})부터 "
        "거슬러 센 기간입니다. 그 뒤로 발행된 문서가 없습니다: 수집이 멈췄거나 지난 자료입니다 "
        "(수집 상태 페이지에서 확인할 수 있습니다)."
    )


def chart_domain(
    ctx: Context, events: pd.DataFrame | None = None
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The time range every chart of a page shares (as timeaxis.time_domain gives it): the
    selected window, or the data's span where the window is open, widened to the events drawn.
    Shared so a gap lines up across charts instead of each chart stretching over its own data."""
    if ctx.span is None:
        return None
    # The span's end is the newest document itself: one second later makes it exclusive, like a
    # filter's end.
    start = ctx.filters.start or ctx.span[0]
    end = ctx.filters.end or ctx.span[1] + timedelta(seconds=1)
    if events is not None and not events.empty:
        start = min(start, events["at"].min())
        end = max(end, events["at"].max() + timedelta(seconds=1))
    return time_domain(start, end, ctx.state.bucket)


def window_caption(ctx: Context) -> str:
    """One line saying what the filters selected, in KST."""
    flt = ctx.filters
    start = fmt_kst(flt.start) if flt.start else (fmt_kst(ctx.span[0]) if ctx.span else "—")
    end = fmt_kst(flt.end) if flt.end else (fmt_kst(ctx.span[1]) if ctx.span else "—")
    companies, sources, *narrower = filter_scope(flt, ctx.companies)
    line = f"기간 {start} ~ {end} · {companies} · {sources} · 점수 버전 {ctx.version or '없음'}"
    line += "".join(f" · {part}" for part in narrower)
    return escape_md(line)
