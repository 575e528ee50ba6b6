"""The dashboard in a real browser: `streamlit run` as a subprocess, Chromium through Playwright."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from httpserver import SERVING_GROUP
from sqlalchemy import create_engine, insert, select, update
from test_aggregate_fixtures import N_ARTICLES, VERSION, add_comments, build_database

from dashboard import chartdata
from dashboard.filters import FilterState, documents_link
from dashboard.health import run_link
from minsim import aggregate, schema
from minsim.aggregate import Filters
from minsim.db import open_engine

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
# Streamlit needs a few seconds to import and bind on a busy 2-core machine.
SERVER_START_SECONDS = 60
# Charts render after the first script run and the vega-embed bundle load.
CHART_WAIT_MS = 60_000
HEALTH_POLL_SECONDS = 0.3
STOP_GRACE_SECONDS = 10
# The fixture's first run (demo-portal, ok).
PORTAL_RUN = 1
# The live counter looks every 15 seconds; a redraw of the page takes a few more.
LIVE_REDRAW_SECONDS = 60
# Inside the fixture's days.
IMPORTED_AT = datetime(2022, 10, 18, 1, 0, tzinfo=UTC)

# One test process runs every test that serves the dashboard on a port of its own (see
# SERVING_GROUP): no other one can take a port between its choice and the server's start, and two
# Chromiums do not share two cores against their waits.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group(SERVING_GROUP),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
        reason=f"{CHROMIUM} is not installed (Debian package chromium)",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(HEALTH_POLL_SECONDS)
    raise RuntimeError(f"streamlit did not answer on port {port} within {SERVER_START_SECONDS}s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "minsim.db"
    engine = build_database(db)
    with engine.begin() as conn:  # the first demo-portal run stored the articles
        conn.execute(update(schema.documents).where(schema.documents.c.kind == "article")
                     .values(run_id=PORTAL_RUN))  # fmt: skip
    engine.dispose()
    config = tmp_path / "minsim.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "MINSIM_CONFIG": str(config)}
    env.pop("MINSIM_DATABASE_URL", None)
    log = (tmp_path / "streamlit.log").open("wb")  # read it when a run fails
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_until_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def _browser_page(height: int) -> Iterator[Any]:
    """A page of headless Debian Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": height})
        finally:
            browser.close()


def _render(url: str, shot: Path, height: int, charts: int = 1) -> tuple[str, Path]:
    """Open `url` in headless Chromium, wait for `charts` charts, and return the page text and
    a full-page screenshot."""
    with _browser_page(height) as page:
        page.goto(url)
        page.wait_for_function(
            "n => document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= n",
            arg=charts,
            timeout=CHART_WAIT_MS,
        )
        body = page.inner_text("body")
        page.screenshot(path=str(shot), full_page=True)
    return body, shot


def test_overview_renders_charts_korean_and_kst(server: str, tmp_path: Path) -> None:
    body, shot = _render(f"{server}/?company=kakao&bucket=day", tmp_path / "overview.png", 1000)
    assert "개요 · Overview" in body
    assert "DEMO DATA" in body
    assert "카카오" in body
    assert "KST" in body
    # The fire at 15:33 KST (06:33 UTC) is listed in Seoul time.
    assert "2022-10-15 15:33" in body
    assert shot.stat().st_size > 0


def _download(url: str, button_name: str, folder: Path) -> Path:
    """Open `url`, click the download button named `button_name`, save what comes."""
    with _browser_page(1000) as page:
        page.goto(url)
        button = page.get_by_role("button", name=button_name)
        button.wait_for(timeout=CHART_WAIT_MS)
        with page.expect_download(timeout=CHART_WAIT_MS) as download:
            button.click()
        saved = folder / download.value.suggested_filename
        download.value.save_as(saved)
    return saved


def test_the_overview_brief_downloads_as_markdown(server: str, tmp_path: Path) -> None:
    day = "company=kakao&window=custom&from=2022-10-19&to=2022-10-19"
    saved = _download(f"{server}/?{day}", "브리핑 내려받기 (Markdown)", tmp_path)
    assert saved.name == "minsim-brief-20221019-0000.md"
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# 민심 브리핑 · 2022-10-19 00:00 ~ 2022-10-20 00:00 KST")
    assert "범위: 카카오 · 모든 출처" in text
    assert "| 카카오 | 4 (4) |" in text  # the fixture's Kakao article and comments of each day


def test_the_overview_trend_downloads_the_figures_it_draws(server: str, tmp_path: Path) -> None:
    saved = _download(f"{server}/?company=kakao&bucket=day", chartdata.BUTTON_LABEL, tmp_path)
    assert saved.name == "minsim-overview-day.csv"
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    engine = open_engine(f"sqlite:///{tmp_path / 'minsim.db'}", create=False)
    expected = aggregate.timeseries(engine, Filters(companies=("kakao",)), bucket="day",
                                    version=VERSION)  # fmt: skip
    engine.dispose()
    assert [r["time_kst"] for r in rows] == list(expected["bucket"].dt.strftime("%Y-%m-%d %H:%M"))
    assert [int(r["docs"]) for r in rows] == list(expected["docs"])
    assert [round(float(r["mean_compound"]), 4) for r in rows] == list(
        expected["mean_compound"].round(4)
    )
    # Each day: the fixture's Kakao article and its three comments.
    assert {(r["articles"], r["comments"]) for r in rows} == {("1", "3")}


def test_the_page_redraws_itself_when_a_collector_stores_more(server: str, tmp_path: Path) -> None:
    def documents_metric(page: Any) -> str:
        return page.locator('[data-testid="stMetric"]', has_text="문서 (건)").inner_text()

    with _browser_page(1000) as page:
        page.goto(server)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=CHART_WAIT_MS)
        assert "48" in documents_metric(page)
        # A collector stores five more comments meanwhile, scored.
        engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
        add_comments(engine, source="live", count=5, start=IMPORTED_AT, version=VERSION,
                     collected=datetime.now(UTC))  # fmt: skip
        engine.dispose()
        deadline = time.monotonic() + LIVE_REDRAW_SECONDS
        while "53" not in documents_metric(page) and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        assert "53" in documents_metric(page)


def test_with_the_switch_off_a_button_redraws_and_any_click_reads_fresh(
    server: str, tmp_path: Path
) -> None:
    def documents_metric(page: Any) -> str:
        return page.locator('[data-testid="stMetric"]', has_text="문서 (건)").inner_text()

    def store(count: int, prefix: str) -> None:
        engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
        add_comments(engine, source="live", count=count, start=IMPORTED_AT, version=VERSION,
                     collected=datetime.now(UTC), prefix=prefix)  # fmt: skip
        engine.dispose()

    with _browser_page(1000) as page:
        page.goto(server)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=CHART_WAIT_MS)
        page.get_by_text("새 데이터가 오면 화면 새로 고침").click()  # the switch, off
        page.wait_for_timeout(1000)
        store(5, "b")
        button = page.get_by_role("button", name="새 데이터로 다시 그리기")
        button.wait_for(timeout=LIVE_REDRAW_SECONDS * 1000)
        assert "48" in documents_metric(page)  # not redrawn by itself
        button.click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stMetric]')]"
            ".some(m => m.innerText.includes('53'))",
            timeout=CHART_WAIT_MS,
        )
        # Any click after a collector wrote reads fresh, never the minute-old cached numbers.
        store(5, "c")
        page.get_by_text("시간별", exact=True).click()  # the hour bucket
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stMetric]')]"
            ".some(m => m.innerText.includes('58'))",
            timeout=CHART_WAIT_MS,
        )


def test_sources_page_and_url_warnings_render(server: str, tmp_path: Path) -> None:
    # Dates after the data: the page says which dates it used instead.
    url = f"{server}/sources?window=custom&from=2030-01-01&to=2030-01-02"
    body, shot = _render(url, tmp_path / "sources.png", 1800)
    assert "수집 상태 · Sources" in body
    assert "수집기 · 마지막 실행" in body and "문서 출처" in body
    assert "from 2030-01-01" in body and "2022-10-20을(를) 씁니다" in body
    assert "출처별 수집량 (수집 시각 기준)" in body
    assert shot.stat().st_size > 0


def test_before_after_page_renders_its_chart_and_event_table(server: str, tmp_path: Path) -> None:
    body, shot = _render(f"{server}/impact?company=kakao", tmp_path / "impact.png", 1400)
    assert "사건 전후 · Before/after" in body
    assert "모든 사건: 그 회사 문서의 평균 점수 변화" in body
    # The fire has nothing before it: the page opens on the press conference (event 2).
    assert "#2 전후 평균 점수의 변화" in body
    assert "평균 점수의 변화 (이후 − 이전)" in body  # the chart's axis
    assert shot.stat().st_size > 0


def test_words_page_renders_its_chart_and_its_links_search(server: str, tmp_path: Path) -> None:
    body, shot = _render(f"{server}/words", tmp_path / "words.png", 1200)
    assert "감성 표현 · Words" in body
    assert "점수를 움직인 말: 가중치 합계" in body  # the chart's title, drawn by Vega
    assert "실망" in body  # the fixture's word, on the chart's axis
    assert shot.stat().st_size > 0
    # The table's links are relative (documents?word=실망/NNG, as the page builds them): from
    # the Words page one must land on this app's Documents page, with the entry's filter on.
    # The page counts comments, so its links open the Documents page on comments.
    link = documents_link(FilterState(word="실망/NNG"), "comment")
    with _browser_page(1200) as page:
        page.goto(f"{server}/words")
        page.wait_for_selector("text=점수를 움직인 말", timeout=CHART_WAIT_MS)
        target = page.evaluate("(link) => new URL(link, location.href).href", link)
        assert target.startswith(f"{server}/documents?word=")
        page.goto(target)
        page.wait_for_selector("text=항목 필터 해제", timeout=CHART_WAIT_MS)
        body = page.inner_text("body")
        landed = page.url
    assert "문서 보기 · Documents" in body and "사전 항목 실망/NNG" in body
    # the kind it carried stays in the address (the sidebar keeps it, the switch shows it)
    assert "kind=comment" in landed


def test_a_run_link_from_the_sources_page_opens_its_documents(server: str, tmp_path: Path) -> None:
    link = run_link({"id": PORTAL_RUN})
    with _browser_page(1200) as page:
        page.goto(f"{server}/sources")
        page.wait_for_selector("text=수집기 · 마지막 실행", timeout=CHART_WAIT_MS)
        # The table's link is relative: it must land on the Documents page of this app.
        target = page.evaluate("(link) => new URL(link, location.href).href", link)
        assert target == f"{server}/documents?run={PORTAL_RUN}"
        page.goto(target)
        # Both lines the test reads: a page renders piece by piece, and on a busy machine the
        # sidebar's run name can be there well before the page's own caption.
        for line in (
            f"수집 실행 #{PORTAL_RUN}이 저장한 문서만",
            f"이 실행이 저장한 문서 {N_ARTICLES}건",
        ):
            page.wait_for_selector(f"text={line}", timeout=CHART_WAIT_MS)
        body = page.inner_text("body")
        page.screenshot(path=str(tmp_path / "run.png"), full_page=True)
    assert "문서 보기 · Documents" in body
    assert f"이 실행이 저장한 문서 {N_ARTICLES}건" in body
    assert f"수집 실행 #{PORTAL_RUN}이 저장한 문서만" in body


def test_topics_page_draws_the_terms_of_the_documents(server: str, tmp_path: Path) -> None:
    """The fixture's documents get their terms as scoring writes them (real Kiwi); every day
    reads the same, so nothing rose against the three days before."""
    from sentiment.tokenizer import noun_terms, tokenize_one

    engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    with engine.begin() as conn:
        docs = conn.execute(select(schema.documents.c.doc_id, schema.documents.c.text)).all()
        rows = [{"doc_id": doc_id, "term": term}
                for doc_id, body in docs for term in noun_terms(tokenize_one(body))]  # fmt: skip
        conn.execute(insert(schema.document_terms), rows)
    engine.dispose()
    url = f"{server}/topics?company=kakao&window=custom&from=2022-10-18&to=2022-10-20"
    body, shot = _render(url, tmp_path / "topics.png", 1400, charts=2)
    assert "화제어 · Topics" in body
    assert "많이 나온 말: 문서 수와 그 문서들의 평균 점수" in body  # the chart's title
    assert "화제어 추이: 그 말이 나온 문서 수" in body  # the trend of the terms picked
    assert "사퇴" in body and "데이터센터" in body  # a comment's and an article's term
    assert "이전 기간보다 두드러지게 늘어난 말이 없습니다" in body
    assert shot.stat().st_size > 0
