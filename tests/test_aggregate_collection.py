"""Reads behind the collection-health page: last good runs, document sources, collection volume.

The same assertions run on a real SQLite file and on the PostgreSQL server (see conftest).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select, update
from test_aggregate_fixtures import (
    COLLECTED_AT,
    FIRE_AT,
    N_ARTICLES,
    N_COMMENTS,
    add_comments,
    fill,
)

from minsim import aggregate, schema, store
from minsim.aggregate import Filters
from minsim.aggregate.collection import SOURCE_ACTIVITY_COLUMNS

# Two days after the fixture rows were stored: a second collection, in another KST day.
LATER = COLLECTED_AT + timedelta(days=2, hours=5)  # 2022-12-03 14:00 KST


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The fixture rows plus 3 comments of `my-export` collected LATER."""
    fill(engine)
    add_comments(engine, source="my-export", count=3, start=FIRE_AT, collected=LATER)
    return engine


def test_last_ok_runs_give_the_newest_success_of_each_run_name(db: Engine) -> None:
    with db.begin() as conn:
        conn.execute(
            insert(schema.runs),
            {"source": "import:my.csv", "started_at": LATER, "finished_at": LATER,
             "status": "ok", "counters": json.dumps({"new": 3}), "error": None},
        )  # fmt: skip
    ok = aggregate.last_ok_runs(db)
    # demo-portal ran twice and well; demo-video only failed, so it has no good run.
    assert ok == {"demo-portal": COLLECTED_AT + timedelta(hours=1), "import:my.csv": LATER}


def _stored_by(db: Engine, runs: dict[str, int]) -> None:
    """Mark every document of each source as stored by that run."""
    with db.begin() as conn:
        for source, run in runs.items():
            conn.execute(
                update(schema.documents)
                .where(schema.documents.c.source == source)
                .values(run_id=run)
            )


def test_stored_sources_name_the_document_sources_each_run_name_stored(db: Engine) -> None:
    assert aggregate.stored_sources(db) == {}  # the fixture rows belong to no run
    first, second = store.start_run(db, "import:my.csv"), store.start_run(db, "portal")
    _stored_by(db, {"my-export": first, "demo-portal": second, "demo-video": second})
    assert aggregate.stored_sources(db) == {
        "import:my.csv": ["my-export"],
        "portal": ["demo-portal", "demo-video"],
    }


def test_a_run_filter_keeps_what_that_run_stored_everywhere(db: Engine) -> None:
    run = store.start_run(db, "import:my.csv")
    other = store.start_run(db, "portal")
    _stored_by(db, {"my-export": run, "demo-portal": other})
    only = Filters(run=run)
    table = aggregate.documents_table(db, only, version=None)
    assert set(table["source"]) == {"my-export"} and len(table) == 3
    assert aggregate.count_documents(db, only, version=None) == 3
    activity = aggregate.source_activity(db, only)
    assert dict(zip(activity["source"], activity["docs"], strict=True)) == {"my-export": 3}
    # with the other filters, not instead of them
    assert aggregate.count_documents(db, Filters(run=run, kinds=("article",)), version=None) == 0
    assert aggregate.count_documents(db, Filters(run=other), version=None) == N_ARTICLES
    assert aggregate.count_documents(db, Filters(run=other + 1000), version=None) == 0


def test_run_summary_names_a_run_and_counts_what_it_stored(db: Engine) -> None:
    run = store.start_run(db, "import:my.csv")
    _stored_by(db, {"my-export": run})
    summary = aggregate.run_summary(db, run)
    assert summary is not None
    assert (summary["id"], summary["source"], summary["status"]) == (run, "import:my.csv",
                                                                     "running")  # fmt: skip
    assert summary["stored"] == 3
    started = summary["started_at"]
    assert isinstance(started, datetime) and started.tzinfo is not None
    empty = store.start_run(db, "portal")
    assert aggregate.run_summary(db, empty)["stored"] == 0  # type: ignore[index]
    assert aggregate.run_summary(db, empty + 1000) is None
    assert aggregate.run_summary(db, 2**31 - 1) is None  # the largest id a URL may ask for


def test_recent_runs_are_newest_first_with_what_each_stored(db: Engine) -> None:
    first = store.start_run(db, "import:my.csv")
    second = store.start_run(db, "portal")
    _stored_by(db, {"my-export": first})
    with db.begin() as conn:
        # the same start as `first` (a coarse clock): the later id counts as newer
        started = conn.execute(
            select(schema.runs.c.started_at).where(schema.runs.c.id == first)
        ).scalar_one()
        conn.execute(
            update(schema.runs).where(schema.runs.c.id == second).values(started_at=started)
        )
    runs = aggregate.recent_runs(db, 20)
    assert [r["id"] for r in runs[:2]] == [second, first]
    assert [r["stored"] for r in runs[:2]] == [0, 3]
    assert runs[1]["source"] == "import:my.csv" and runs[1]["status"] == "running"
    # then the fixture's three runs, newest first, with their counters parsed
    assert [r["source"] for r in runs[2:]] == ["demo-video", "demo-portal", "demo-portal"]
    assert runs[2]["counters"] == {"fetched": 0, "retry/count": 3}
    assert [r["id"] for r in aggregate.recent_runs(db, 1)] == [second]
    # a later run that stores a new version of the same documents takes them over
    _stored_by(db, {"my-export": second})
    assert [r["stored"] for r in aggregate.recent_runs(db, 2)] == [3, 0]


def test_recent_runs_stop_at_the_limit(db: Engine) -> None:
    ids = [store.start_run(db, f"feed-{n:02}") for n in range(25)]
    runs = aggregate.recent_runs(db, 20)
    assert len(runs) == 20
    assert {r["id"] for r in runs} == set(ids[5:])  # the five oldest and the fixture's left out


def test_source_activity_per_document_source(db: Engine) -> None:
    frame = aggregate.source_activity(db, Filters())
    assert list(frame["source"]) == ["demo-portal", "demo-video", "my-export"]
    portal, video, export = (row for _, row in frame.iterrows())
    assert (portal["docs"], portal["articles"], portal["comments"]) == (N_ARTICLES, N_ARTICLES, 0)
    assert video["docs"] == N_COMMENTS and video["articles"] == 0
    assert portal["first_published"] == pd.Timestamp(FIRE_AT).tz_convert("Asia/Seoul")
    assert portal["last_collected"] == pd.Timestamp(COLLECTED_AT).tz_convert("Asia/Seoul")
    assert export["last_collected"] == pd.Timestamp(LATER).tz_convert("Asia/Seoul")
    assert export["last_published"] == pd.Timestamp(FIRE_AT + timedelta(minutes=2))


def test_source_activity_follows_the_filters(db: Engine) -> None:
    naver = aggregate.source_activity(db, Filters(companies=("naver",)))
    assert dict(zip(naver["source"], naver["docs"], strict=True)) == {
        "demo-portal": 6, "demo-video": 18,
    }  # fmt: skip
    nothing = aggregate.source_activity(db, Filters(start=datetime(2030, 1, 1, tzinfo=UTC)))
    assert nothing.empty and list(nothing.columns) == SOURCE_ACTIVITY_COLUMNS


def test_collection_volume_is_bucketed_by_collection_time_in_kst(db: Engine) -> None:
    frame = aggregate.collection_timeseries(db, Filters(), bucket="day")
    rows = {(str(b.date()), s): n for b, s, n in frame.itertuples(index=False)}
    # Published from 2022-10-15 on, but stored on 12-01 and 12-03 (KST): those are the buckets.
    assert rows == {
        ("2022-12-01", "demo-portal"): N_ARTICLES,
        ("2022-12-01", "demo-video"): N_COMMENTS,
        ("2022-12-03", "my-export"): 3,
    }
    hourly = aggregate.collection_timeseries(db, Filters(sources=("my-export",)), bucket="hour")
    assert list(hourly["bucket"]) == [pd.Timestamp("2022-12-03 14:00", tz="Asia/Seoul")]


def test_collection_volume_of_nothing_is_an_empty_frame(db: Engine) -> None:
    frame = aggregate.collection_timeseries(db, Filters(sources=("nope",)), bucket="day")
    assert frame.empty and list(frame.columns) == ["bucket", "source", "docs"]
