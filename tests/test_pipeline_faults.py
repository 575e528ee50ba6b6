"""Collection runs against a real server on 127.0.0.1 and a real SQLite file, healthy and faulty.

Each fault ends with a clear run record, the other source still collected, no duplicate rows and
nothing already stored lost.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest
from httpserver import LocalServer, Reply, refused_url
from sqlalchemy import Engine, func, select

from collectors.http import HttpClient, HttpLimits, RetryPolicy
from collectors.registry import KINDS
from minsim import schema, store
from minsim.db import migrate, open_engine
from minsim.normalize import MAX_EXTERNAL_ID_CHARS, MAX_SOURCE_CHARS
from minsim.pipeline import Pipeline, select_sources
from minsim.scenario import load_scenario
from minsim.settings import Settings, SourceSettings
from sentiment import Scorer

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
FAST = RetryPolicy(attempts=3, backoff_base=0.0, jitter=0.0, retry_after_cap=0.5)
LIMITS = HttpLimits(connect_timeout=1.0, read_timeout=0.3, min_host_delay=0.0)
SECRET = "sk-TOPSECRET-0042"
ENV = {"NAVER_CLIENT_ID": "id-visible-ok", "NAVER_CLIENT_SECRET": SECRET, "YT_KEY": SECRET}
JSON = {"Content-Type": "application/json; charset=utf-8"}
XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def make_source(name: str, kind: str, **options: object) -> SourceSettings:
    spec = KINDS[kind].options
    values = {key: options.get(key, option.default) for key, option in spec.items()}
    return SourceSettings(name, kind, 900, True, values)


@pytest.fixture
def server():
    with LocalServer() as s:
        s.route("/good.xml", Reply(200, fixture("rss/outlet.xml"), XML))
        yield s


@pytest.fixture
def engine(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pipeline(engine: Engine):
    scenario = load_scenario(REPO / "seeds" / "kakao-2022")
    with HttpClient(FAST, LIMITS, sleep=lambda s: None) as client:
        yield Pipeline(engine, scenario, None, "test-salt", client, env=ENV)


def stored(engine: Engine, source: str) -> int:
    query = select(func.count()).select_from(schema.documents)
    with engine.connect() as conn:
        return conn.execute(query.where(schema.documents.c.source == source)).scalar_one()


def run_rows(engine: Engine, source: str) -> list[dict]:
    query = select(schema.runs).where(schema.runs.c.source == source).order_by(schema.runs.c.id)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def news(server: LocalServer) -> SourceSettings:
    return make_source(
        "news", "naver_news", query="카카오", endpoint=server.url("/news"), display=3
    )


def good(server: LocalServer) -> SourceSettings:
    return make_source("good-feed", "rss", url=server.url("/good.xml"))


def test_healthy_runs_record_counters_and_second_run_adds_nothing(server, pipeline, engine):
    server.route("/news", lambda r: Reply(200, fixture("naver_news/page1.json"), JSON))
    first = pipeline.run_sources([news(server), good(server)])
    assert [r.status for r in first] == ["ok", "ok"]
    assert first[0].counters["new"] == 3 and first[0].counters["fetched"] == 3
    assert first[1].counters["dropped/no_date"] == 1  # the feed item without a pubDate
    assert first[1].counters["new"] == 3
    second = pipeline.run_sources([good(server)])
    assert second[0].counters.get("new", 0) == 0 and second[0].counters["duplicate"] == 3
    assert stored(engine, "good-feed") == 3
    rows = run_rows(engine, "good-feed")
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert json.loads(rows[-1]["counters"])["duplicate"] == 3


FAULTS = {
    # name: (route reply or script, expected error pattern)
    "slow": (
        Reply(200, fixture("naver_news/page1.json"), JSON, delay=0.8),
        r"HttpTimeout.*timed out",
    ),
    "truncated": (
        Reply(200, fixture("naver_news/page1.json"), JSON, truncate=True),
        r"HttpConnectionError",
    ),
    "malformed_json": (Reply(200, fixture("naver_news/page1.json")[:250], JSON), r"malformed JSON"),
    "html": (
        Reply(200, "<!DOCTYPE html><title>점검 중</title>", {"Content-Type": "text/html"}),
        r"HTML page where JSON",
    ),
    "renamed": (
        Reply(200, fixture("naver_news/page1.json").replace(b'"link"', b'"url"'), JSON),
        r"SchemaChanged: .*link missing",
    ),
    "server_error": (Reply(503, "upstream down"), r"HTTP 503.*after 3 attempts"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_faulty_source_fails_clearly_keeps_what_it_had_and_spares_the_others(
    fault, server, pipeline, engine
):
    server.route("/news", Reply(200, fixture("naver_news/page1.json"), JSON))
    assert pipeline.run_source(news(server)).ok
    assert stored(engine, "news") == 3
    reply, pattern = FAULTS[fault]
    server.route("/news", reply)
    results = pipeline.run_sources([news(server), good(server)])
    assert [r.status for r in results] == ["failed", "ok"]
    assert results[1].counters["new"] == 3
    last = run_rows(engine, "news")[-1]
    assert last["status"] == "failed" and last["finished_at"] is not None
    assert re.search(pattern, last["error"]), last["error"]
    assert stored(engine, "news") == 3  # nothing lost, nothing doubled


def test_connection_refused_is_recorded(server, pipeline, engine):
    source = make_source("news", "naver_news", query="카카오", endpoint=refused_url())
    [result] = pipeline.run_sources([source])
    assert result.status == "failed" and "ConnectError" in result.error
    assert run_rows(engine, "news")[0]["status"] == "failed"


@pytest.mark.parametrize(
    "script",
    [
        [Reply(429, "", {"Retry-After": "0"}), Reply(200, fixture("naver_news/page1.json"), JSON)],
        [Reply(500, "oops"), Reply(200, fixture("naver_news/page1.json"), JSON)],
    ],
    ids=["429-retry-after", "500-then-ok"],
)
def test_transient_errors_are_retried_and_counted(script, server, pipeline, engine):
    server.route("/news", script)
    result = pipeline.run_source(news(server))
    assert result.ok
    assert result.counters["retry/count"] == 1 and result.counters["new"] == 3


def test_failure_after_the_first_page_keeps_the_first_page(server, pipeline, engine):
    def answer(request):
        if request.arg("start") == "1":
            return Reply(200, fixture("naver_news/page1.json"), JSON)
        return Reply(500, "page 2 broke")

    server.route("/news", answer)
    result = pipeline.run_source(news(server))
    assert result.status == "failed" and "HTTP 500" in result.error
    assert result.counters["new"] == 3
    assert stored(engine, "news") == 3
    assert store.get_cursor(engine, "news") is None  # next run starts over; duplicates are counted


def test_malformed_feed_and_euc_kr_feed_without_charset(server, pipeline, engine):
    server.route("/broken.xml", Reply(200, b"<rss><channel><item><title>x</ti", XML))
    server.route(
        "/euckr.xml", Reply(200, fixture("rss/euckr_undeclared.xml"), {"Content-Type": "text/xml"})
    )
    broken = make_source("broken", "rss", url=server.url("/broken.xml"))
    local = make_source("local", "rss", url=server.url("/euckr.xml"))
    results = pipeline.run_sources([broken, local])
    assert [r.status for r in results] == ["failed", "ok"]
    assert "PayloadError" in results[0].error
    with engine.connect() as conn:
        titles = sorted(
            conn.execute(
                select(schema.documents.c.title).where(schema.documents.c.source == "local")
            ).scalars()
        )
    assert titles == ["판교 화재 현장 감식 진행", "현대차·카카오 주가 동반 하락"]


def test_repeated_comment_pages_store_each_comment_once(server, pipeline, engine):
    server.route("/cbox", Reply(200, fixture("naver_comments/page1.jsonp"), JSON))
    article = "https://n.news.naver.com/mnews/article/001/0013515001?sid=105"
    source = make_source(
        "comments",
        "naver_comments",
        endpoint=server.url("/cbox"),
        article_urls=[article],
        replies=False,
        page_size=3,
    )
    for _ in range(2):
        result = pipeline.run_source(source)
        assert result.ok and result.counters["pages/repeated"] == 1
    assert stored(engine, "comments") == 2
    assert result.counters["duplicate"] == 2


def test_secrets_never_reach_the_runs_row_the_error_or_the_logs(server, pipeline, engine, caplog):
    caplog.set_level(logging.DEBUG)
    server.route(
        "/yt/commentThreads",
        Reply(401, '{"error": {"code": 401, "message": "API key not valid"}}', JSON),
    )
    server.route("/news", Reply(500, f"echoing your secret {SECRET}"))
    youtube = make_source(
        "yt", "youtube", endpoint=server.url("/yt"), video_ids=["v1"], api_key_env="YT_KEY"
    )
    results = pipeline.run_sources([youtube, news(server)])
    assert [r.status for r in results] == ["failed", "failed"]
    assert server.requests[0].arg("key") == SECRET  # the key really was in the URL
    assert server.requests[-1].headers["x-naver-client-secret"] == SECRET
    for result in results:
        assert SECRET not in result.error
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(schema.runs)).mappings()]
    assert len(rows) == 2
    assert SECRET not in repr(rows)
    assert "key=***" in rows[0]["error"] or "key=%2A%2A%2A" in rows[0]["error"]
    assert caplog.records
    assert SECRET not in caplog.text


def test_an_unexpected_bug_in_one_collector_is_contained(server, pipeline, engine, monkeypatch):
    def broken(source, client, ctx):
        yield from ()
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(KINDS, "rss", replace(KINDS["rss"], collect=broken))
    server.route("/news", Reply(200, fixture("naver_news/page1.json"), JSON))
    results = pipeline.run_sources([good(server), news(server)])
    assert [r.status for r in results] == ["failed", "ok"]
    assert "ZeroDivisionError: division by zero (at test_pipeline_faults.py:" in results[0].error


def test_a_dropped_file_with_repeated_and_unstorable_rows_stores_and_scores_each_good_one_once(
    tmp_path: Path, db_url: str, client: HttpClient
):
    """On SQLite and PostgreSQL: a repeated article is scored once, and rows whose source or id
    the database cannot hold are bad rows (the import reader names their lines) instead of
    failing the good rows with them."""
    article = {
        "kind": "article",
        "source": "drop",
        "url": "https://demo.minsim.invalid/drop/7",
        "title": "카카오 보상안 발표",
        "text": "카카오가 피해 보상안을 발표했다.",
        "published_at": "2022-10-20T10:00:00+09:00",
    }
    comment = {
        "kind": "comment",
        "source": "drop",
        "external_id": "d-c1",
        "text": "보상이 너무 적다",
        "published_at": "2022-10-20T11:00:00+09:00",
        "article_url": article["url"],
    }
    rows = [
        article,
        comment,
        article,  # the same article again, in the same batch
        comment | {"source": "x" * (MAX_SOURCE_CHARS + 1), "external_id": "d-c2"},
        comment | {"external_id": "9" * (MAX_EXTERNAL_ID_CHARS + 1)},
    ]
    folder = tmp_path / "drop"
    folder.mkdir()
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    (folder / "rows.jsonl").write_text(lines, encoding="utf-8")
    scenario = load_scenario(REPO / "seeds" / "kakao-2022")
    scorer = Scorer(aspects_path=scenario.path / "aspects.toml")
    engine = open_engine(db_url)
    migrate(engine)
    try:
        pipeline = Pipeline(engine, scenario, scorer, "test-salt", client, env=ENV)
        result = pipeline.run_source(make_source("drop", "file", folder=str(folder)))
        assert (result.status, result.error) == ("ok", None)
        assert result.counters == {
            "fetched": 3,
            "new": 2,
            "duplicate": 1,
            "scored": 2,
            "dropped/bad_row": 2,
            "files/imported": 1,
        }
        assert stored(engine, "drop") == 2
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(schema.scores)).scalar_one() == 2
    finally:
        engine.dispose()


def test_select_sources_enabled_by_default_named_even_if_disabled():
    on = make_source("on", "rss", url="http://127.0.0.1/x")
    off = SourceSettings("off", "naver_comments", 900, False, {})
    settings = Settings(path=None, sources=(on, off))
    assert [s.name for s in select_sources(settings)] == ["on"]
    assert [s.name for s in select_sources(settings, ["off"])] == ["off"]
