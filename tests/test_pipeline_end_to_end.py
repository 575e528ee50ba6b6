"""One source of each kind, served from 127.0.0.1, collected twice into a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

from httpserver import LocalServer, Reply
from sqlalchemy import func, select

from collectors.http import HttpClient, HttpLimits, RetryPolicy
from collectors.registry import KINDS
from minsim import schema
from minsim.cli_scorer import scorer_from_settings
from minsim.db import engine_for, migrate
from minsim.pipeline import Pipeline, select_sources
from minsim.scenario import load_scenario
from minsim.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
FAST = RetryPolicy(attempts=2, backoff_base=0.0, jitter=0.0)
LIMITS = HttpLimits(connect_timeout=2.0, read_timeout=5.0, min_host_delay=0.0)
ARTICLE = "https://n.news.naver.com/mnews/article/001/0013515001?sid=105"
ENV = {
    "NAVER_CLIENT_ID": "e2e-id",
    "NAVER_CLIENT_SECRET": "e2e-secret",
    "YOUTUBE_API_KEY": "e2e-youtube-key",
}
DROPPED_ROWS = [
    {
        "kind": "article",
        "source": "dropbox",
        "url": "https://demo.minsim.invalid/drop/1",
        "title": "카카오 피해 접수 창구 열어",
        "text": "카카오가 서비스 장애 피해 접수를 시작했다.",
        "published_at": "2022-10-20T10:00:00+09:00",
    },
    {
        "kind": "comment",
        "source": "dropbox",
        "external_id": "drop-c1",
        "text": "접수는 하는데 보상은 쥐꼬리겠지",
        "author": "익명1",
        "published_at": "2022-10-20T11:00:00+09:00",
        "article_url": "https://demo.minsim.invalid/drop/1",
        "likes": 12,
        "dislikes": 1,
    },
]
# what the recorded payloads hold, per source: documents stored after the first run
EXPECTED = {
    "feed": 3,  # 4 entries, one without a date (dropped/no_date)
    "naver": 5,  # two pages
    "naver-comments": 6,  # 4 listed comments (one deleted is skipped) + 2 replies
    "yt": 5,  # the video + 3 threads + 1 reply
    "dropbox": 2,
    "demo-portal": 3,  # the replay corpus below
}


def write_replay_corpus(folder: Path) -> None:
    folder.mkdir()
    rows = [
        {**DROPPED_ROWS[0], "source": "demo-portal", "url": "https://demo.minsim.invalid/r/1"},
        *[
            {
                **DROPPED_ROWS[1],
                "source": "demo-portal",
                "external_id": f"r-c{n}",
                "article_url": "https://demo.minsim.invalid/r/1",
                "published_at": f"2022-10-20T1{n}:30:00+09:00",
            }
            for n in (1, 2)
        ],
    ]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (folder / "all.jsonl").write_text(text, encoding="utf-8")


def write_settings(tmp_path: Path, server: LocalServer) -> Path:
    drop = tmp_path / "drop"
    drop.mkdir()
    # the article twice in one file (one batch): stored, tagged and scored once
    twice = [*DROPPED_ROWS, DROPPED_ROWS[0]]
    rows = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in twice)
    (drop / "batch1.jsonl").write_text(rows, encoding="utf-8")
    write_replay_corpus(tmp_path / "demo")
    config = tmp_path / "minsim.toml"
    config.write_text(
        f"""
[database]
url = "sqlite:///{tmp_path / "minsim.db"}"
[scenario]
path = "{REPO / "seeds" / "kakao-2022"}"

[[sources]]
name = "feed"
kind = "rss"
interval = "15m"
url = "{server.url("/feed.xml")}"

[[sources]]
name = "naver"
kind = "naver_news"
interval = "10m"
query = "카카오"
display = 3
endpoint = "{server.url("/news")}"

[[sources]]
name = "naver-comments"
kind = "naver_comments"
interval = "1h"
enabled = true
endpoint = "{server.url("/cbox")}"
article_urls = ["{ARTICLE}"]
max_articles = 1
page_size = 3

[[sources]]
name = "yt"
kind = "youtube"
interval = "1h"
video_ids = ["kAk0Ap0l0gy"]
endpoint = "{server.url("/yt")}"

[[sources]]
name = "dropbox"
kind = "file"
interval = "1m"
folder = "{drop}"

[[sources]]
name = "demo"
kind = "replay"
interval = "30s"
demo_dir = "{tmp_path / "demo"}"
hours_per_run = 48
""",
        encoding="utf-8",
    )
    return config


def routes(server: LocalServer) -> None:
    def feed(request):
        if request.headers.get("if-none-match") == '"e2e"':
            return Reply(304)
        body = (FIXTURES / "rss" / "outlet.xml").read_bytes()
        return Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": '"e2e"'})

    def news(request):
        name = "page1.json" if request.arg("start") == "1" else "page2.json"
        return Reply(200, (FIXTURES / "naver_news" / name).read_bytes())

    def cbox(request):
        if request.arg("parentCommentNo"):
            name = "replies_3001.jsonp"
        else:
            name = "page1.jsonp" if request.arg("page") == "1" else "page2.jsonp"
        return Reply(200, (FIXTURES / "naver_comments" / name).read_bytes())

    def threads(request):
        name = "threads_page2.json" if request.arg("pageToken") else "threads_page1.json"
        return Reply(200, (FIXTURES / "youtube" / name).read_bytes())

    server.route("/feed.xml", feed)
    server.route("/news", news)
    server.route("/cbox", cbox)
    server.route("/yt/commentThreads", threads)
    server.route("/yt/videos", Reply(200, (FIXTURES / "youtube" / "videos.json").read_bytes()))


def counts_by_source(engine) -> dict[str, int]:
    query = select(schema.documents.c.source, func.count()).group_by(schema.documents.c.source)
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def documents_by_run(engine) -> dict[int, int]:
    query = select(schema.documents.c.run_id, func.count()).group_by(schema.documents.c.run_id)
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def test_one_source_of_each_kind_collects_twice_without_duplicates(tmp_path: Path):
    with LocalServer() as server:
        routes(server)
        settings = load_settings(write_settings(tmp_path, server))
        assert {s.kind for s in settings.sources} == set(KINDS)
        engine = engine_for(settings)
        migrate(engine)
        scenario = load_scenario(settings.scenario.path)
        with HttpClient(FAST, LIMITS, sleep=lambda s: None) as client:
            pipeline = Pipeline(
                engine, scenario, scorer_from_settings(settings), "e2e-salt", client, env=ENV
            )
            first = pipeline.run_sources(select_sources(settings))
            assert [(r.source, r.status, r.error) for r in first] == [
                (s.name, "ok", None) for s in settings.sources
            ]
            assert counts_by_source(engine) == EXPECTED
            dropbox = {r.source: r.counters for r in first}["dropbox"]
            assert (dropbox["new"], dropbox["duplicate"], dropbox["scored"]) == (2, 1, 2)
            for run in first:  # each new document scored once, none twice
                assert run.counters.get("scored", 0) == run.counters.get("new", 0), run.source
            # every document records the run that stored it
            stored_by = {r.run_id: r.counters["new"] for r in first}
            assert documents_by_run(engine) == stored_by
            second = pipeline.run_sources(select_sources(settings))
        assert documents_by_run(engine) == stored_by  # the copies seen again changed nothing
        assert all(r.ok for r in second), [r.error for r in second]
        assert counts_by_source(engine) == EXPECTED
        new_on_second = {r.source: r.counters.get("new", 0) for r in second}
        assert new_on_second == dict.fromkeys(new_on_second, 0)
        by_name = {r.source: r.counters for r in second}
        assert by_name["feed"]["not_modified"] == 1
        assert by_name["naver"].get("fetched", 0) == 0  # stopped at the newest item seen
        assert by_name["naver"]["pages"] == 1
        # page 1 reaches the newest comment seen, so page 2 is not read again; replies are
        assert by_name["naver-comments"]["duplicate"] == 4
        assert by_name["naver-comments"]["pages/stopped_at_cursor"] == 1
        assert by_name["yt"]["duplicate"] == 5
        assert by_name["demo"]["replay/finished"] == 1
        with engine.connect() as conn:
            parents = conn.execute(
                select(schema.documents.c.parent_id, schema.documents.c.source).where(
                    schema.documents.c.kind == "comment"
                )
            ).all()
            article_ids = set(
                conn.execute(
                    select(schema.documents.c.doc_id).where(schema.documents.c.kind == "article")
                ).scalars()
            )
            comment_companies = conn.execute(
                select(func.count())
                .select_from(schema.document_companies)
                .join(
                    schema.documents,
                    schema.documents.c.doc_id == schema.document_companies.c.doc_id,
                )
                .where(schema.documents.c.source == "naver-comments")
            ).scalar_one()
            scored = conn.execute(select(func.count()).select_from(schema.scores)).scalar_one()
        assert all(parent in article_ids for parent, _ in parents)  # every comment has its article
        assert comment_companies >= EXPECTED["naver-comments"]  # inherited from the Naver article
        assert scored == sum(EXPECTED.values())
        engine.dispose()
