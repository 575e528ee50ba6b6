"""The read side's contract: counts, last runs, scoring work lists and article aspects."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from test_aggregate_fixtures import N_ARTICLES, N_COMMENTS, VERSION, empty_database, fill

from minsim import aggregate, schema


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The fixture rows on conftest's engine: a real SQLite file, then PostgreSQL."""
    return fill(engine)


def test_document_counts_by_kind_source_and_company(db: Engine) -> None:
    counts = aggregate.document_counts(db)
    assert counts["by_kind"] == {"article": N_ARTICLES, "comment": N_COMMENTS}
    assert counts["by_source"] == {"demo-portal": N_ARTICLES, "demo-video": N_COMMENTS}
    assert counts["by_company"] == {"kakao": 24, "naver": 24}


def test_document_counts_on_an_empty_database(tmp_path: Path) -> None:
    counts = aggregate.document_counts(empty_database(tmp_path / "e.db"))
    assert counts == {"by_kind": {}, "by_source": {}, "by_company": {}}


def test_last_runs_keeps_only_the_newest_run_per_source(db: Engine) -> None:
    runs = aggregate.last_runs(db)
    assert [r["source"] for r in runs] == ["demo-portal", "demo-video"]
    portal, video = runs
    assert portal["counters"] == {"fetched": 7, "new": 2, "duplicate": 5}
    assert portal["status"] == "ok"
    assert portal["started_at"] == datetime(2022, 12, 1, 1, 0, tzinfo=UTC)
    assert video["status"] == "failed"
    assert video["finished_at"] is None
    assert video["error"] == "HTTP 503 from comments endpoint"


@pytest.mark.parametrize(
    ("counters", "read"),
    [("{not json", {}), ('{"new": NaN, "fetched": 3}', {"fetched": 3}),
     ('{"new": Infinity}', {}), ("[1, 2]", {})],
)  # fmt: skip
def test_last_runs_survives_damaged_counters(db: Engine, counters: str, read: dict) -> None:
    with db.begin() as conn:
        conn.execute(
            insert(schema.runs),
            {"source": "zz-broken", "started_at": datetime(2023, 1, 1, tzinfo=UTC),
             "status": "ok", "counters": counters, "error": None},
        )  # fmt: skip
    broken = [r for r in aggregate.last_runs(db) if r["source"] == "zz-broken"]
    assert broken[0]["counters"] == read
    assert aggregate.recent_runs(db, 1)[0]["counters"] == read  # the newest run


def test_article_urls_filters_by_source(db: Engine) -> None:
    urls = aggregate.article_urls(db)
    assert len(urls) == N_ARTICLES
    assert all(u.startswith("https://news.test/") for u in urls)
    assert aggregate.article_urls(db, sources=["demo-video"]) == []
    assert len(aggregate.article_urls(db, sources=["demo-portal"])) == N_ARTICLES


def test_unscored_doc_ids_per_version_articles_first(db: Engine) -> None:
    assert aggregate.unscored_doc_ids(db, VERSION) == []
    pending = aggregate.unscored_doc_ids(db, "v-new")
    assert len(pending) == N_ARTICLES + N_COMMENTS
    assert all(p.startswith("a") for p in pending[:N_ARTICLES])
    # The old version scored only a00.
    assert "a00" not in aggregate.unscored_doc_ids(db, "v-test-0")
    everything = aggregate.unscored_doc_ids(db, VERSION, include_scored=True)
    assert everything == pending  # a rescore covers every document, articles first


def test_documents_for_scoring_in_given_order_skipping_unknown(db: Engine) -> None:
    rows = aggregate.documents_for_scoring(db, ["c001", "nope", "a00"])
    assert [r[0] for r in rows] == ["c001", "a00"]
    assert rows[0][2] == "a00"  # a comment's parent
    assert rows[1][2] is None
    assert rows[1][1] == "데이터센터 화재로 서비스가 멈췄다."


def test_documents_for_scoring_gives_a_repeated_id_once(db: Engine) -> None:
    rows = aggregate.documents_for_scoring(db, ["c001", "a00", "c001"])
    assert [r[0] for r in rows] == ["c001", "a00"]


def test_documents_for_scoring_chunks_large_id_lists(db: Engine) -> None:
    ids = [f"missing-{i}" for i in range(aggregate.IN_CHUNK * 3)] + ["a10"]
    assert [r[0] for r in aggregate.documents_for_scoring(db, ids)] == ["a10"]


def test_article_aspects_only_non_inherited(db: Engine) -> None:
    result = aggregate.article_aspects(db, VERSION, ["a00", "c000", "unknown"])
    # c000's own aspect is apology; its inherited outage row is left out.
    assert result == {"a00": ["outage"], "c000": ["apology"]}
    assert aggregate.article_aspects(db, "other-version", ["a00"]) == {}


def test_counters_json_is_parsed(db: Engine) -> None:
    runs = aggregate.last_runs(db)
    assert json.dumps(runs[0]["counters"])  # plain JSON-able dict


def test_documents_scored_only_by_older_versions_are_counted(db: Engine) -> None:
    assert aggregate.count_scored_by_older_versions_only(db, VERSION) == 0
    everything = len(aggregate.unscored_doc_ids(db, VERSION, include_scored=True))
    scored_now = everything - len(aggregate.unscored_doc_ids(db, VERSION))
    assert aggregate.count_scored_by_older_versions_only(db, "lx-a-newer-scorer") == scored_now
