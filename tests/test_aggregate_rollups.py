"""Rollups behind the charts: KST buckets, filters, scorer versions, aspects, drill-down rows.

The same assertions run on a real SQLite file and on the PostgreSQL server on this machine (in a
throw-away schema; skipped with a reason when no server answers, never under CI=true).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine
from test_aggregate_fixtures import N_ARTICLES, N_COMMENTS, VERSION, fill

from minsim import aggregate, schema
from minsim.aggregate import Filters


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The fixture rows on conftest's engine: a real SQLite file, then PostgreSQL."""
    return fill(engine)


def test_latest_version_is_the_one_most_rows_have(db: Engine) -> None:
    assert aggregate.latest_scorer_version(db) == VERSION


def test_daily_buckets_are_kst_days(db: Engine) -> None:
    frame = aggregate.timeseries(db, Filters(), bucket="day", version=VERSION)
    assert len(frame) == 6
    first = frame.iloc[0]
    assert first["bucket"] == pd.Timestamp("2022-10-15 00:00", tz="Asia/Seoul")
    assert first["docs"] == 8 and first["scored"] == 8
    assert first["pos_share"] == pytest.approx(0.5)
    assert first["neg_share"] == pytest.approx(0.25)
    assert first["mean_compound"] == pytest.approx(0.075)
    assert frame["docs"].sum() == N_ARTICLES + N_COMMENTS


def test_hourly_buckets_use_the_kst_hour(db: Engine) -> None:
    frame = aggregate.timeseries(db, Filters(companies=("kakao",)), bucket="hour", version=VERSION)
    # The first Kakao article is 06:33 UTC = 15:33 KST; its comments follow within the hour.
    assert frame.iloc[0]["bucket"] == pd.Timestamp("2022-10-15 15:00", tz="Asia/Seoul")
    assert frame["docs"].sum() == 24


def test_filters_narrow_the_counts(db: Engine) -> None:
    window = Filters(
        start=datetime(2022, 10, 16, 15, 0, tzinfo=UTC),  # 2022-10-17 00:00 KST
        end=datetime(2022, 10, 17, 15, 0, tzinfo=UTC),
        sources=("demo-video",),
    )
    frame = aggregate.timeseries(db, window, bucket="day", version=VERSION, by="kind")
    assert list(frame["kind"]) == ["comment"]
    assert int(frame["docs"].sum()) == 6
    only_naver = aggregate.summary(db, Filters(companies=("naver",)), version=VERSION)
    assert only_naver["docs"] == 24 and only_naver["articles"] == 6


def test_grouping_by_company_counts_each_tag(db: Engine) -> None:
    frame = aggregate.timeseries(db, Filters(), bucket="day", version=VERSION, by="company")
    totals = frame.groupby("company")["docs"].sum().to_dict()
    assert totals == {"kakao": 24, "naver": 24}


def test_stale_scorer_version_is_ignored(db: Engine) -> None:
    new = aggregate.summary(db, Filters(), version=VERSION)
    old = aggregate.summary(db, Filters(), version="v-test-0")
    assert new["scored"] == N_ARTICLES + N_COMMENTS
    assert old["scored"] == 1 and old["mean_compound"] == pytest.approx(-1.0)


def test_aspects_split_inherited_from_explicit(db: Engine) -> None:
    frame = aggregate.aspect_timeseries(db, Filters(), bucket="day", version=VERSION)
    outage = frame[frame["aspect"] == "outage"].groupby("inherited")["n"].sum().to_dict()
    assert outage == {False: 24, True: 24}
    apology = frame[frame["aspect"] == "apology"]
    assert apology["neg_share"].eq(1.0).all()


def test_events_documents_and_lookups(db: Engine) -> None:
    evts = aggregate.events_between(db, Filters(companies=("kakao",)))
    assert list(evts["title"]) == ["판교 데이터센터 화재", "사과 기자회견·대표 사퇴"]
    assert evts.iloc[0]["at"] == pd.Timestamp("2022-10-15 15:33", tz="Asia/Seoul")
    rows = aggregate.documents_table(db, Filters(kinds=("comment",)), version=VERSION, label="neg")
    assert len(rows) == 12 and set(rows["label"]) == {"neg"}
    assert rows.iloc[0]["published_at"].tz is not None
    assert aggregate.company_names(db)["kakao"] == "카카오"
    assert aggregate.source_names(db) == ["demo-portal", "demo-video"]
    oldest, newest = aggregate.time_span(db)
    assert oldest == datetime(2022, 10, 15, 6, 33, tzinfo=UTC)
    assert newest > oldest
    assert aggregate.live_counts(db)["comments"] == N_COMMENTS


def test_unknown_bucket_is_refused(db: Engine) -> None:
    with pytest.raises(ValueError, match="bucket"):
        aggregate.timeseries(db, Filters(), bucket="minute", version=VERSION)


def test_a_full_rescore_wins_the_tie_by_recency(db: Engine) -> None:
    from sqlalchemy import insert, select

    with db.begin() as conn:
        rows = conn.execute(select(schema.scores).where(schema.scores.c.scorer_version == VERSION))
        fresh = [
            {**row._asdict(), "scorer_version": "v-test-0a",
             "scored_at": datetime(2023, 1, 1, tzinfo=UTC)}
            for row in rows
        ]  # fmt: skip
        conn.execute(insert(schema.scores), fresh)
    # Now v-test-1 and v-test-0a have 48 rows each; the rescored one is newer.
    assert aggregate.latest_scorer_version(db) == "v-test-0a"
