"""Entry script: connects read-only to the configured database, draws the shared sidebar filters
(kept in the URL), shows the demo banner and runs the selected page.

Run with `minsim dashboard` or `streamlit run dashboard/app.py`.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root; without an
# installed package the imports below need the root.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from dashboard import health, loaders, sidebar, ui  # noqa: E402
from minsim.db import error_reason  # noqa: E402
from minsim.errors import MinsimError  # noqa: E402
from minsim.settings import mask_url  # noqa: E402

# Not named "pages": Streamlit treats a pages/ folder beside the entry script as the old
# multipage mode until st.navigation first runs, so a first request to /compare would run the
# page without this script (no filters, no context).
PAGES_DIR = Path(__file__).resolve().parent / "views"
PAGES = (
    ("overview.py", "개요 · Overview", ":material/monitoring:"),
    ("aspects.py", "측면별 감성 · Aspects", ":material/category:"),
    ("compare.py", "회사·출처 비교 · Compare", ":material/compare_arrows:"),
    ("impact.py", "사건 전후 · Before/after", ":material/event:"),
    ("topics.py", "화제어 · Topics", ":material/tag:"),
    ("words.py", "감성 표현 · Words", ":material/format_quote:"),
    ("documents.py", "문서 보기 · Documents", ":material/article:"),
    ("sources.py", "수집 상태 · Sources", ":material/sensors:"),
)


def _stop_with_error(message: str) -> None:
    st.error(message, icon=":material/error:")
    st.stop()


def main() -> None:
    st.set_page_config(page_title="민심 minsim", page_icon="📈", layout="wide")
    st.sidebar.title("민심 · minsim")
    try:
        url = loaders.database_url()
    except MinsimError as exc:
        _stop_with_error(f"설정을 읽을 수 없습니다 (settings): {exc}")
        return
    if loaders.sqlite_file_missing(url):
        st.info(ui.EMPTY_MESSAGE, icon=":material/inbox:")
        st.stop()
    try:
        loaders.engine(url)
        ready = loaders.has_schema(url)
        if ready:
            sidebar.begin_run(url)  # before any cached reading of the data
        sources = tuple(loaders.source_names(url)) if ready else ()
    except MinsimError as exc:
        _stop_with_error(f"데이터베이스에 연결할 수 없습니다 (database unreachable): {exc}")
        return
    except SQLAlchemyError as exc:
        _stop_with_error(f"데이터베이스를 읽을 수 없습니다 ({mask_url(url)}): {error_reason(exc)}")
        return
    if not ready or not sources:
        st.info(ui.EMPTY_MESSAGE, icon=":material/inbox:")
        if ready:  # the first collection draws the page by itself
            with st.sidebar:
                sidebar.live_counter(url)
        runs = loaders.last_runs(url) if ready else []
        if runs:  # collection ran but stored nothing: show why
            st.subheader("수집 실행 기록 (KST)")
            rows = health.collectors(loaders.configured_sources(), runs, loaders.last_ok_runs(url))
            frame = health.collectors_frame(rows).drop(columns=[health.RUN_LINK_COLUMN])
            ui.data_table(frame, hide_index=True, width="stretch")  # no documents to link to
        st.stop()
    companies = loaders.company_names(url)
    span = loaders.time_span(url)
    state, warnings = sidebar.render(url, companies, sources, span)
    if warnings:
        st.warning(
            "주소(URL)의 필터 중 일부를 무시하거나 바꿨습니다:\n\n" + "\n\n".join(warnings),
            icon=":material/warning:",
        )
    version = loaders.scorer_version(url)
    # The lexicon-entry filter reads the explanations of the version the pages show.
    filters = replace(sidebar.to_filters(state, span), version=version)
    ctx = ui.Context(
        url=url,
        state=state,
        filters=filters,
        version=version,
        companies=companies,
        sources=sources,
        span=span,
        shown_sources=tuple(loaders.filtered_sources(url, filters)),
    )
    st.session_state[ui.CONTEXT_KEY] = ctx
    ui.demo_banner(ctx.shown_sources)
    stale = ui.stale_note(state, span, datetime.now(UTC))
    if stale:
        st.info(stale, icon=":material/schedule:")
    with st.sidebar:
        sidebar.live_counter(url)
    pages = [st.Page(str(PAGES_DIR / f), title=t, icon=i) for f, t, i in PAGES]
    page = st.navigation(pages)
    try:
        page.run()
    except SQLAlchemyError as exc:
        reason = error_reason(exc)
        _stop_with_error(f"데이터베이스를 읽는 중 오류가 났습니다 ({mask_url(url)}): {reason}")


main()
