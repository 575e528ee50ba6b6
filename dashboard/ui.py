"""UI pieces every page shares: the page context, headline metric rows, notices, KST formatting.

User text (titles, comments, event names) is only ever shown through st.dataframe, st.text or
escaped markdown here, never as HTML, so a comment cannot inject markup into the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.charts import number_events
from dashboard.filters import KST, FilterState
from minsim.aggregate import Filters

CONTEXT_KEY = "minsim_context"
DEMO_PREFIX = "demo-"
DEMO_BANNER = (
    "**DEMO DATA · 데모 데이터** — 이 화면의 기사와 댓글은 시연용으로 작성한 가상의 글입니다 "
    "(실제 언론사·이용자 아님). Demo sources are named `demo-…`."
)
EMPTY_MESSAGE = (
    "아직 데이터가 없습니다 — `minsim init --demo` 또는 `minsim collect`를 실행하세요. "
    "(No data yet — run `minsim init --demo` or `minsim collect`.)"
)
KST_FORMAT = "%Y-%m-%d %H:%M KST"
# Characters Streamlit's markdown treats as markup (plus $ for LaTeX and < for HTML-ish input).
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|~<>$:")


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

    @property
    def demo(self) -> bool:
        return any(s.startswith(DEMO_PREFIX) for s in self.sources)


def context() -> Context:
    """The context app.py stored for this run (pages never run without the entry script)."""
    return st.session_state[CONTEXT_KEY]


def fmt_kst(value: datetime | None) -> str:
    """An aware time shown in Seoul time; '—' when missing."""
    if value is None:
        return "—"
    return value.astimezone(KST).strftime(KST_FORMAT)


def escape_md(text: str) -> str:
    """Text from the database made inert for any Streamlit element that renders markdown."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


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
        st.dataframe(table, hide_index=True, width="stretch")


def empty_notice(what: str) -> None:
    st.info(f"선택한 조건에 맞는 {what}이(가) 없습니다. 필터를 넓혀 보세요.")


def demo_banner() -> None:
    st.warning(DEMO_BANNER, icon=":material/science:")


def window_caption(ctx: Context) -> str:
    """One line saying what the filters selected, in KST."""
    flt = ctx.filters
    start = fmt_kst(flt.start) if flt.start else (fmt_kst(ctx.span[0]) if ctx.span else "—")
    end = fmt_kst(flt.end) if flt.end else (fmt_kst(ctx.span[1]) if ctx.span else "—")
    names = ", ".join(ctx.companies.get(c, c) for c in flt.companies) or "모든 회사"
    sources = ", ".join(flt.sources) or "모든 출처"
    line = f"기간 {start} ~ {end} · {names} · {sources} · 점수 버전 {ctx.version or '없음'}"
    return escape_md(line)
