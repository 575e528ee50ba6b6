"""Rollups behind the charts: KST buckets, filters, scorer versions, aspects, drill-down rows.

The same assertions run on a real SQLite file and on the PostgreSQL server on this machine (in a
throw-away schema; skipped with a reason when no server answers, never under CI=true).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select, update
from test_aggregate_fixtures import N_ARTICLES, N_COMMENTS, VERSION, _doc, add_comments, fill

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


# 2022-10-25 00:00 KST: a day after the fixture's six days, so its buckets are the new rows only.
LATER = datetime(2022, 10, 24, 15, 0, tzinfo=UTC)


def test_nothing_scored_is_unknown_not_neutral(db: Engine) -> None:
    totals = aggregate.summary(db, Filters(), version="v-never")
    assert totals["docs"] == N_ARTICLES + N_COMMENTS and totals["scored"] == 0
    assert totals["mean_compound"] is None
    assert totals["pos_share"] is None and totals["neg_share"] is None


def test_unscored_documents_stay_out_of_the_means(db: Engine) -> None:
    add_comments(db, source="my-export", count=2, start=LATER, version="v-other", prefix="o")
    add_comments(db, source="my-export", count=3, start=LATER, prefix="u")
    totals = aggregate.summary(db, Filters(), version=VERSION)
    assert totals["docs"] == N_ARTICLES + N_COMMENTS + 5
    assert totals["scored"] == N_ARTICLES + N_COMMENTS
    # Scored under another version only (a lexicon change since): `minsim score --rescore`.
    assert totals["scored_elsewhere"] == 2
    everything = aggregate.summary(db, Filters(), version=VERSION)["mean_compound"]
    fixture_only = aggregate.summary(db, Filters(end=LATER), version=VERSION)["mean_compound"]
    assert everything == pytest.approx(fixture_only)  # five more rows, and the mean is the same
    only_new = aggregate.summary(db, Filters(sources=("my-export",)), version=VERSION)
    assert only_new["scored"] == 0 and only_new["mean_compound"] is None


def test_a_bucket_without_scores_has_no_shares(db: Engine) -> None:
    add_comments(db, source="my-export", count=3, start=LATER)
    frame = aggregate.timeseries(db, Filters(), bucket="day", version=VERSION)
    last = frame.iloc[-1]
    assert last["bucket"] == pd.Timestamp("2022-10-25 00:00", tz="Asia/Seoul")
    assert last["docs"] == 3 and last["scored"] == 0
    assert pd.isna(last["pos_share"]) and pd.isna(last["neg_share"])
    assert pd.isna(last["mean_compound"])
    assert frame.iloc[0]["pos_share"] == pytest.approx(0.5)  # scored buckets keep their shares


def test_every_document_for_the_export_and_the_count(db: Engine) -> None:
    total = aggregate.count_documents(db, Filters(), version=VERSION)
    assert total == N_ARTICLES + N_COMMENTS
    newest = aggregate.documents_table(db, Filters(), version=VERSION, limit=5)
    everything = aggregate.documents_table(db, Filters(), version=VERSION, limit=None)
    assert len(newest) == 5 and len(everything) == total
    assert list(everything["doc_id"][:5]) == list(newest["doc_id"])  # newest first in both
    negative = aggregate.count_documents(db, Filters(kinds=("comment",)), version=VERSION,
                                         label="neg")  # fmt: skip
    assert negative == 12


def test_sources_of_the_filtered_documents(db: Engine) -> None:
    add_comments(db, source="my-export", count=2, start=LATER)
    assert aggregate.source_names(db) == ["demo-portal", "demo-video", "my-export"]
    assert aggregate.source_names(db, Filters(start=LATER)) == ["my-export"]
    assert aggregate.source_names(db, Filters(kinds=("article",))) == ["demo-portal"]


def test_search_words_match_title_or_text_with_wildcards_as_written(db: Engine) -> None:
    def docs(text: str) -> int:
        return int(aggregate.summary(db, Filters(text=text), version=VERSION)["docs"])

    assert docs("네이버") == N_ARTICLES // 2  # in the titles only
    assert docs("멈췄다") == N_ARTICLES  # in every article's text
    assert docs("SCRIPT") == 1  # any case: the hostile comment's <script>
    assert docs("%") == 0 and docs("_") == 0  # not wildcards
    with db.begin() as conn:
        conn.execute(
            update(schema.documents)
            .where(schema.documents.c.doc_id == "c001")
            .values(text='보상 100% 약속 a/b "c" \\d')
        )
    assert docs("100%") == 1 and docs("a/b") == 1 and docs("\\d") == 1
    assert docs("실망") == N_ARTICLES // 2 * 2 - 1  # 12 such comments, one replaced


def test_search_words_all_appear_phrases_hold_together_and_minus_leaves_out(db: Engine) -> None:
    def docs(text: str) -> int:
        return int(aggregate.summary(db, Filters(text=text), version=VERSION)["docs"])

    with db.begin() as conn:
        conn.execute(
            update(schema.documents)
            .where(schema.documents.c.doc_id == "c001")
            .values(text="보상은 언제쯤 100% 약속 지키나")
        )
    assert docs("보상 약속") == 1 and docs("약속 보상") == 1  # both words, in any order
    assert docs('"보상 약속"') == 0 and docs('"100% 약속"') == 1  # a phrase holds together
    assert docs("보상 네이버") == 0  # every word must be there
    # 네이버 stands in half the articles' titles; comments have no title at all, and a missing
    # title must not hide them from an exclusion.
    assert docs("-네이버") == N_ARTICLES // 2 + N_COMMENTS
    assert docs("실망 -사과") == 0  # every 실망 comment is also about the 사과
    assert docs("멈췄다 -네이버") == N_ARTICLES // 2


def test_a_lexicon_entry_keeps_the_documents_whose_scores_it_entered(db: Engine) -> None:
    def docs(key: str, version: str = VERSION, **kw) -> int:
        flt = Filters(lexicon_key=key, version=version, **kw)
        return int(aggregate.summary(db, flt, version=VERSION)["docs"])

    # Every fixture score's explanation holds 실망/NNG and 네요/EF.
    assert docs("실망/NNG") == N_ARTICLES + N_COMMENTS
    assert docs("실망/NNG", kinds=("comment",), companies=("naver",)) == N_COMMENTS // 2
    assert docs("실망") == 0 and docs("망/NNG") == 0  # a whole key, not a part of one
    odd = [{"key": k, "weight": -1.0} for k in ("최악/NNG", "100%/SW", 'a"b\\c_d/SW')]
    with db.begin() as conn:
        conn.execute(
            update(schema.scores)
            .where(schema.scores.c.doc_id == "c001", schema.scores.c.scorer_version == VERSION)
            .values(hits=json.dumps({"hits": odd}, ensure_ascii=False, separators=(",", ":")))
        )
        # The fixture's stale older score of a00 holds the key too: it is not the shown one.
        conn.execute(
            update(schema.scores)
            .where(schema.scores.c.doc_id == "a00", schema.scores.c.scorer_version != VERSION)
            .values(hits=json.dumps({"hits": odd[:1]}, ensure_ascii=False, separators=(",", ":")))
        )
    # c001 under the shown version; not a00, whose older version's score holds it too.
    assert docs("최악/NNG") == 1 and docs("100%/SW") == 1 and docs('a"b\\c_d/SW') == 1
    assert docs("1%/SW") == 0 and docs('a"bXc_d/SW') == 0  # no wildcards: % and _ as written
    assert docs("최악/NNG", version="v-test-0") == 1  # a00, read under that version
    assert docs("실망/NNG") == N_ARTICLES + N_COMMENTS - 1  # c001's explanation was replaced


def test_the_sources_are_found_by_skipping_from_one_to_the_next(engine: Engine) -> None:
    """The skip through the source index finds what reading every document finds, in Python's
    order whatever the database's collation, and nothing in an empty database."""
    assert aggregate.source_names(engine) == []
    names = ["b", "B", "a-b", "ab", "a b", "가나", "Z", "demo-video", "b"]  # b twice
    rows = [
        _doc(f"d{n}", "comment", name, datetime(2022, 10, 15, n, tzinfo=UTC),
             datetime(2022, 10, 16, tzinfo=UTC), parent=None, title=None, text="글", url=None)
        for n, name in enumerate(names)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(schema.documents), rows)
        everything = conn.execute(select(schema.documents.c.source).distinct()).scalars()
        expected = sorted(everything)
    assert aggregate.source_names(engine) == expected == sorted(set(names))
    # a filter reads the documents it selects: those published from 06:00 UTC on
    after_six = Filters(start=datetime(2022, 10, 15, 6, tzinfo=UTC))
    assert aggregate.source_names(engine, after_six) == ["Z", "b", "demo-video"]
