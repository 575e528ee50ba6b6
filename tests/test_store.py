"""The write store against a real SQLite file and the real PostgreSQL server."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, inspect, select, text

from minsim import db, schema, store
from minsim.errors import StoreError
from minsim.ingest import ingest
from minsim.models import Company, Document, Drop, RawItem, RunCounters
from minsim.normalize import MAX_EXTERNAL_ID_CHARS, MAX_SOURCE_CHARS, normalize
from minsim.scenario import load_scenario
from sentiment import Scorer

NOW = datetime(2022, 10, 16, 3, 0, tzinfo=UTC)
COMPANIES = (
    Company("kakao", "카카오", ("카카오", "카톡", "Kakao")),
    Company("naver", "네이버", ("네이버",)),
    Company("kt", "KT", ("KT",)),
)
ARTICLE_URL = "https://demo.minsim.invalid/news/1"
REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "seeds" / "kakao-2022"


def _doc(item: RawItem) -> Document:
    result = normalize(item, salt="test-salt", collected_at=NOW)
    assert not isinstance(result, Drop), result
    return result


def _article_item(text: str = "판교 데이터센터 화재로 카카오 서비스가 멈췄다.") -> RawItem:
    return RawItem(
        source="demo-portal",
        kind="article",
        external_id="",
        url=ARTICLE_URL,
        title="카톡 먹통 이틀째",
        text=text,
        published_at="2022-10-16T09:00:00+09:00",
    )


def _article(text: str = "판교 데이터센터 화재로 카카오 서비스가 멈췄다.") -> Document:
    return _doc(_article_item(text))


def _comment(n: int, text: str = "복구 언제 되나요", likes: int = 3) -> Document:
    return _doc(
        RawItem(
            source="demo-portal",
            kind="comment",
            external_id=f"c{n}",
            text=text,
            author=f"닉네임{n}",
            published_at="2022-10-16T10:00:00+09:00",
            article_url=ARTICLE_URL,
            likes=likes,
            dislikes=1,
        )
    )


def _count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_migrate_twice_applies_nothing_the_second_time(engine: Engine) -> None:
    assert db.migrate(engine) == []
    assert db.schema_version(engine) == db.MIGRATIONS[-1][0]


def test_upsert_is_idempotent(engine: Engine) -> None:
    docs = [_article(), *(_comment(n) for n in range(5))]
    first = store.upsert_documents(engine, docs)
    second = store.upsert_documents(engine, docs)
    assert (first.new, first.duplicate) == (6, 0)
    assert (second.new, second.duplicate, second.updated) == (0, 6, 0)
    assert _count(engine, schema.documents) == 6


def test_same_id_twice_in_one_batch_is_one_row(engine: Engine) -> None:
    result = store.upsert_documents(engine, [_comment(1), _comment(1)])
    assert (result.new, result.duplicate) == (1, 1)
    assert _count(engine, schema.documents) == 1


def test_an_edited_copy_later_in_the_batch_counts_as_an_update_and_is_stored(
    engine: Engine,
) -> None:
    """Copies in one batch count as importing them one after another would: new, then updated."""
    edited = _comment(1, text="수정: 복구 완료됐네요")
    first = store.upsert_documents(engine, [_comment(1), edited])
    assert (first.new, first.updated, first.duplicate) == (1, 1, 0)
    assert (first.new_ids, first.updated_ids) == ([edited.doc_id], [])  # changed once: inserted
    again = store.upsert_documents(engine, [_comment(1), edited])  # stored: the edited text
    assert (again.new, again.updated, again.duplicate) == (0, 2, 0)
    assert (again.new_ids, again.updated_ids) == ([], [edited.doc_id])
    with engine.connect() as conn:
        assert conn.execute(select(schema.documents.c.text)).scalars().all() == [edited.text]


def test_changed_text_updates_and_new_counts_refresh(engine: Engine) -> None:
    store.upsert_documents(engine, [_comment(1, likes=3)])
    more_likes = store.upsert_documents(engine, [_comment(1, likes=40)])
    edited = store.upsert_documents(engine, [_comment(1, text="수정: 복구 완료됐네요")])
    assert (more_likes.duplicate, edited.updated) == (1, 1)
    assert edited.updated_ids == [_comment(1).doc_id]
    with engine.connect() as conn:
        row = conn.execute(select(schema.documents)).mappings().one()
    assert row["text"] == "수정: 복구 완료됐네요"
    assert row["likes"] == 3  # the edited row carried likes=3 again
    assert row["published_at"] == datetime(2022, 10, 16, 1, 0, tzinfo=UTC)


def _run_ids(engine: Engine) -> dict[str, int | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(schema.documents.c.doc_id, schema.documents.c.run_id))
        return {doc_id: run_id for doc_id, run_id in rows}


def test_each_document_records_the_run_that_stored_its_content(engine: Engine) -> None:
    first, second = store.start_run(engine, "a"), store.start_run(engine, "b")
    store.upsert_documents(engine, [_comment(1), _comment(2)], first)
    # a like count refreshed is not a new version; edited text is
    store.upsert_documents(engine, [_comment(1, likes=99), _comment(2, text="수정됨")], second)
    assert _run_ids(engine) == {_comment(1).doc_id: first, _comment(2).doc_id: second}


def test_migration_2_adds_the_run_to_a_database_made_before_it(engine: Engine) -> None:
    """A version-1 database (documents without run_id) keeps its rows and gains the column."""
    store.upsert_documents(engine, [_comment(1)])
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_documents_run_source"))
        conn.execute(text("ALTER TABLE documents DROP COLUMN run_id"))
        conn.execute(delete(schema.schema_migrations).where(schema.schema_migrations.c.version > 1))
    assert db.schema_version(engine) == 1
    assert db.migrate(engine) == [version for version, _, _ in db.MIGRATIONS[1:]]
    assert _run_ids(engine) == {_comment(1).doc_id: None}
    run = store.start_run(engine, "after")
    store.upsert_documents(engine, [_comment(2)], run)
    assert _run_ids(engine)[_comment(2).doc_id] == run
    with engine.connect() as conn:
        names = {index["name"] for index in inspect(conn).get_indexes("documents")}
    assert "ix_documents_run_source" in names


def test_authors_are_stored_only_as_salted_hashes(engine: Engine) -> None:
    store.upsert_documents(engine, [_comment(7)])
    with engine.connect() as conn:
        row = conn.execute(select(schema.documents)).mappings().one()
    assert "닉네임7" not in json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
    assert row["author_hash"] and len(row["author_hash"]) == 32


def test_comments_inherit_their_articles_companies(engine: Engine) -> None:
    article = _article()
    comments = [_comment(1), _comment(2, text="네이버는 괜찮던데")]
    store.upsert_documents(engine, [article, *comments])
    store.tag_companies(engine, [*comments, article], COMPANIES)  # order must not matter
    store.tag_companies(engine, [*comments, article], COMPANIES)  # and twice changes nothing
    with engine.connect() as conn:
        rows = conn.execute(select(schema.document_companies)).all()
    tags = {(doc_id, company) for doc_id, company in rows}
    assert tags == {
        (article.doc_id, "kakao"),
        (comments[0].doc_id, "kakao"),
        (comments[1].doc_id, "kakao"),
        (comments[1].doc_id, "naver"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KT 화재 때도 그랬다", ["kt"]),
        ("KTX 타고 가는 중", []),
        ("kakao 서버", ["kakao"]),
        ("네이버와 카톡 둘 다", ["kakao", "naver"]),
    ],
)
def test_alias_matching(text: str, expected: list[str]) -> None:
    from minsim.companies import CompanyMatcher

    assert sorted(CompanyMatcher(COMPANIES).match(text)) == expected


@dataclass
class _Aspect:
    aspect: str
    compound: float
    label: str
    inherited: bool


@dataclass
class _Score:
    compound: float
    label: str
    pos: float = 0.0
    neg: float = 0.0
    neu: float = 1.0
    aspects: list[_Aspect] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"compound": self.compound})


def _terms(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        query = select(schema.document_terms).order_by(*schema.document_terms.c)
        return [tuple(row) for row in conn.execute(query)]


def test_terms_follow_the_latest_scoring_of_a_document(engine: Engine) -> None:
    one, two = _comment(1), _comment(2)
    store.upsert_documents(engine, [one, two])
    first = _Score(-0.5, "neg", terms=["보상", "먹통", "보상"])
    store.save_scores(engine, [one.doc_id, two.doc_id], [first, _Score(0.1, "pos")], "v1")
    assert _terms(engine) == [(one.doc_id, "먹통"), (one.doc_id, "보상")]
    # scored again (a new version, or its text changed): its terms are the new ones only
    store.save_scores(engine, [one.doc_id], [_Score(0.2, "pos", terms=["사과"])], "v2")
    assert _terms(engine) == [(one.doc_id, "사과")]
    store.delete_other_versions(engine, "v2")
    assert _terms(engine) == [(one.doc_id, "사과")]


def test_scores_are_keyed_by_version_and_replaced(engine: Engine) -> None:
    doc = _comment(1)
    store.upsert_documents(engine, [doc])
    first = _Score(-0.5, "neg", aspects=[_Aspect("apology", -0.5, "neg", False)])
    store.save_scores(engine, [doc.doc_id], [first], "v1")
    again = _Score(0.4, "pos", aspects=[_Aspect("outage", 0.4, "pos", True)])
    store.save_scores(engine, [doc.doc_id], [again], "v1")
    store.save_scores(engine, [doc.doc_id], [first], "v2")
    with engine.connect() as conn:
        v1 = conn.execute(select(schema.scores).where(schema.scores.c.scorer_version == "v1"))
        assert [(r.compound, r.label) for r in v1] == [(0.4, "pos")]
        aspects = conn.execute(
            select(schema.aspect_scores.c.aspect, schema.aspect_scores.c.inherited).where(
                schema.aspect_scores.c.scorer_version == "v1"
            )
        ).all()
    assert aspects == [("outage", True)]
    assert store.delete_other_versions(engine, "v2") == 1
    assert _count(engine, schema.scores) == 1
    assert _count(engine, schema.aspect_scores) == 1


def test_runs_and_cursors(engine: Engine) -> None:
    run_id = store.start_run(engine, "demo-replay")
    store.finish_run(engine, run_id, "ok", {"fetched": 3, "new": 2, "duplicate": 1}, None)
    store.set_cursor(engine, "demo-replay", "2022-10-16T00:00:00+00:00")
    store.set_cursor(engine, "demo-replay", "2022-10-16T06:00:00+00:00")
    assert store.get_cursor(engine, "demo-replay") == "2022-10-16T06:00:00+00:00"
    assert store.get_cursor(engine, "unknown") is None
    with engine.connect() as conn:
        run = conn.execute(select(schema.runs)).mappings().one()
    assert run["status"] == "ok"
    assert json.loads(run["counters"]) == {"duplicate": 1, "fetched": 3, "new": 2}
    assert run["finished_at"] >= run["started_at"]


def _stat(engine: Engine, index: str) -> list[str]:
    with engine.connect() as conn:
        stat = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE idx = :i"), {"i": index})
        return str(stat.scalar_one()).split()


def _finish_a_run(engine: Engine, docs: list[Document]) -> None:
    store.upsert_documents(engine, docs)
    store.finish_run(engine, store.start_run(engine, "demo-portal"), "ok", {}, None)


@pytest.fixture
def sqlite_engine(sqlite_url: str):  # noqa: ANN201 (an Engine, closed after the test)
    engine = db.open_engine(sqlite_url)
    db.migrate(engine)
    yield engine
    engine.dispose()


def test_a_finished_run_leaves_planner_statistics_and_retakes_stale_ones(
    sqlite_engine: Engine,
) -> None:
    _finish_a_run(sqlite_engine, [_article(), _comment(1), _comment(2)])
    # Three documents at two published times (about 2 a time): what lets the planner start a
    # time-window query from this index.
    assert _stat(sqlite_engine, "ix_documents_published_at") == ["3", "2"]
    _finish_a_run(sqlite_engine, [_comment(3)])  # 4 rows: a third more than when taken
    assert _stat(sqlite_engine, "ix_documents_published_at")[0] == "4"
    _finish_a_run(sqlite_engine, [_comment(n) for n in range(4, 40)])
    assert _stat(sqlite_engine, "ix_documents_published_at")[0] == "40"
    _finish_a_run(sqlite_engine, [_comment(40)])  # 41 rows: within a tenth, not retaken
    assert _stat(sqlite_engine, "ix_documents_published_at")[0] == "40"


def test_statistics_that_cannot_be_taken_never_fail_a_run(
    sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    import sqlite3

    from sqlalchemy import event

    def refuse_analyze(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API object)
        # Stands in for a database locked past the busy timeout, or a full disk.
        dbapi_connection.set_authorizer(
            lambda action, *_: (
                sqlite3.SQLITE_DENY if action == sqlite3.SQLITE_ANALYZE else sqlite3.SQLITE_OK
            )
        )

    sqlite_engine.dispose()
    event.listen(sqlite_engine, "connect", refuse_analyze)
    with caplog.at_level("WARNING", logger="minsim.db"):
        _finish_a_run(sqlite_engine, [_article(), _comment(1)])
    assert "cannot refresh planner statistics" in caplog.text
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(schema.runs.c.status)).scalar_one() == "ok"
    assert _count(sqlite_engine, schema.documents) == 2


def test_a_scoring_pass_retakes_the_statistics_of_the_scores(sqlite_engine: Engine, scorer) -> None:
    from minsim.scoring import score_pending

    store.upsert_documents(sqlite_engine, [_article(), _comment(1), _comment(2)])
    assert score_pending(sqlite_engine, scorer) == 3
    assert _stat(sqlite_engine, "ix_scores_version") == ["3", "3"]


def test_save_scenario_is_idempotent(engine: Engine) -> None:
    from minsim.models import Event
    from minsim.scenario import AspectLabel, Scenario

    scenario = Scenario(
        path=None,  # type: ignore[arg-type]
        name="t",
        title="t",
        companies=COMPANIES,
        events=(Event(NOW, "kakao", "데이터센터 화재"),),
        aspects=(AspectLabel("apology", "사과"),),
        aspects_path=None,  # type: ignore[arg-type]
        demo_dir=None,  # type: ignore[arg-type]
    )
    store.save_scenario(engine, scenario)
    store.save_scenario(engine, scenario)
    assert _count(engine, schema.events) == 1
    assert _count(engine, schema.companies) == 3


def test_a_failed_batch_keeps_what_was_stored(engine: Engine) -> None:
    store.upsert_documents(engine, [_article()])
    broken = _comment(1)
    object.__setattr__(broken, "published_at", None)  # violates NOT NULL inside the transaction
    with pytest.raises(StoreError, match="cannot store documents"):
        store.upsert_documents(engine, [_comment(2), broken])
    assert _count(engine, schema.documents) == 1  # the earlier batch survives, the bad one is gone


def test_unreachable_database_names_the_masked_url() -> None:
    with pytest.raises(StoreError) as info:
        db.open_engine("postgresql://postgres:hunter2@127.0.0.1:1/test")
    assert "cannot reach the database" in str(info.value)
    assert "hunter2" not in str(info.value)
    assert "***" in str(info.value)


def test_a_reader_never_creates_a_missing_sqlite_file(tmp_path) -> None:
    path = tmp_path / "no" / "such" / "minsim.db"
    with pytest.raises(db.DatabaseMissing, match=f"database file {path} does not exist"):
        db.open_engine(f"sqlite:///{path}", create=False)
    assert not (tmp_path / "no").exists()
    writer = db.open_engine(f"sqlite:///{path}")  # a writer makes the file and its folders
    writer.dispose()
    assert path.is_file()
    db.open_engine(f"sqlite:///{path}", create=False).dispose()


def test_a_value_longer_than_its_column_is_refused_the_same_on_every_backend(
    engine: Engine,
) -> None:
    """PostgreSQL would refuse it without naming the row and SQLite would store it whole."""
    store.upsert_documents(engine, [_article()])
    too_long = replace(_comment(2), source="s" * (MAX_SOURCE_CHARS + 1))
    with pytest.raises(
        StoreError,
        match=f"^cannot store documents: doc_id {too_long.doc_id}: source is 101 characters, "
        "the column holds 100$",
    ):
        store.upsert_documents(engine, [_comment(1), too_long])
    assert _count(engine, schema.documents) == 1  # nothing of that batch, the earlier one kept


def test_a_run_label_longer_than_its_column_is_cut(engine: Engine) -> None:
    """An import's run is named after its file, whose name may be longer than runs.source."""
    label = "import:" + "카카오_먹통_댓글_" * 20 + ".csv"
    run_id = store.start_run(engine, label)
    store.finish_run(engine, run_id, "ok", {"new": 1}, None)
    with engine.connect() as conn:
        stored = conn.execute(select(schema.runs.c.source)).scalar_one()
    assert stored == label[: store.RUN_LABEL_CHARS] and store.RUN_LABEL_CHARS == 100


def _raw_comment(n: int, **fields: object) -> RawItem:
    base: dict[str, object] = {
        "source": "demo-portal",
        "kind": "comment",
        "external_id": f"c{n}",
        "text": f"복구 언제 되나요 {n}",
        "published_at": "2022-10-16T10:00:00+09:00",
        "article_url": ARTICLE_URL,
    }
    return RawItem(**(base | fields))  # type: ignore[arg-type]


def _ingest(engine: Engine, items: list[RawItem], scorer: object = None, **options: object):
    counters = RunCounters()
    ingest(
        engine,
        items,
        scenario=load_scenario(SCENARIO),
        scorer=scorer,
        counters=counters,
        salt="test-salt",
        run_id=None,  # these tests store without a run
        collected_at=NOW,
        **options,  # type: ignore[arg-type]
    )
    return counters


def _stored_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(schema.documents.c.external_id)).scalars())


def test_one_over_long_source_is_dropped_and_the_good_rows_of_its_batch_are_stored(
    engine: Engine,
) -> None:
    """On PostgreSQL the one bad row used to fail its batch: the good rows with it were lost and
    the run stopped there (earlier batches stayed stored)."""
    too_long = _raw_comment(99, source="s" * (MAX_SOURCE_CHARS + 1))
    items = [_raw_comment(n) for n in range(1, 4)] + [too_long, *(_raw_comment(n) for n in (4, 5))]
    counters = _ingest(engine, items, batch_size=3)  # the bad row lies in the second batch
    assert _stored_ids(engine) == {f"c{n}" for n in range(1, 6)}
    assert counters.counts == {"fetched": 6, "new": 5, "duplicate": 0, "dropped/source_too_long": 1}


def test_values_the_database_cannot_hold_never_fail_a_batch(engine: Engine) -> None:
    """An id too long or holding NUL is dropped; an article with a very long URL is stored whole."""
    long_url = "https://demo.minsim.invalid/news/2?" + "&".join(f"p{n}={n}" for n in range(300))
    items = [
        _raw_comment(1),
        _raw_comment(2, external_id="c" * (MAX_EXTERNAL_ID_CHARS + 1)),
        _raw_comment(3, external_id="c3\x00"),
        _raw_comment(4, text="이모지 반쪽 \ud83d", author="닉\udca9"),
        RawItem(
            source="demo-portal",
            kind="article",
            external_id=long_url,
            url=long_url,
            title="카카오 먹통",
            text="본문",
            published_at="2022-10-16T09:00:00+09:00",
        ),
    ]
    counters = _ingest(engine, items)
    assert counters.counts == {
        "fetched": 5,
        "new": 3,
        "duplicate": 0,
        "dropped/external_id_too_long": 1,
        "dropped/bad_external_id": 1,
    }
    with engine.connect() as conn:
        rows = conn.execute(
            select(schema.documents.c.kind, schema.documents.c.url, schema.documents.c.text)
        ).all()
    assert sorted(rows) == [
        ("article", long_url, "본문"),
        ("comment", None, "복구 언제 되나요 1"),
        ("comment", None, "이모지 반쪽"),
    ]


@pytest.fixture(scope="module")
def scorer():
    """The real scorer with the scenario's aspects (loads Kiwi once for this module)."""
    return Scorer(aspects_path=SCENARIO / "aspects.toml")


def test_a_document_twice_in_one_batch_is_stored_tagged_and_scored_once(
    engine: Engine, scorer
) -> None:
    article = _article_item("판교 데이터센터 화재로 카카오 서비스가 멈췄다.")
    edited = _article_item("카카오가 사과했지만 보상안은 없었다.")
    items = [article, _raw_comment(1), article, _raw_comment(1), edited]
    counters = _ingest(engine, items, scorer=scorer)
    assert counters.counts == {"fetched": 5, "new": 2, "duplicate": 2, "updated": 1, "scored": 2}
    with engine.connect() as conn:
        texts = conn.execute(
            select(schema.documents.c.text).where(schema.documents.c.kind == "article")
        ).scalars()
        assert list(texts) == [edited.text]  # the last copy is the one stored
        scored = conn.execute(select(schema.scores.c.hits)).scalars().all()
        tags = conn.execute(select(schema.document_companies.c.company)).scalars().all()
    assert len(scored) == 2
    assert sorted(tags) == ["kakao", "kakao"]  # the article and its comment, once each


def test_copies_in_one_batch_count_as_a_reimport_of_them_would(engine: Engine, scorer) -> None:
    article = _article_item("판교 데이터센터 화재로 카카오 서비스가 멈췄다.")
    edited = _article_item("카카오가 사과했지만 보상안은 없었다.")
    one_by_one = RunCounters()
    for item in (article, article, edited):
        for key, n in _ingest(engine, [item], scorer=scorer).counts.items():
            one_by_one.add(key, n)
    with engine.begin() as conn:  # start again from an empty store
        conn.execute(schema.scores.delete())
        conn.execute(schema.documents.delete())
    in_one_batch = _ingest(engine, [article, article, edited], scorer=scorer)
    assert one_by_one.counts == {"fetched": 3, "new": 1, "duplicate": 1, "updated": 1, "scored": 2}
    assert in_one_batch.counts == {**one_by_one.counts, "scored": 1}  # scored once, as one batch


def test_migration_3_indexes_the_times_the_live_dashboard_reads(engine: Engine) -> None:
    """A version-2 database gains the indexes on the newest collection and scoring times."""
    names = ("ix_documents_collected_at", "ix_scores_scored_at")
    with engine.begin() as conn:
        for name in names:
            conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(delete(schema.schema_migrations).where(schema.schema_migrations.c.version > 2))
    assert db.migrate(engine) == [version for version, _, _ in db.MIGRATIONS[2:]]
    with engine.connect() as conn:
        found = {
            index["name"]
            for table in ("documents", "scores")
            for index in inspect(conn).get_indexes(table)
        }
    assert set(names) <= found


def test_migration_4_adds_the_terms_table_and_readers_know_when_it_is_missing(
    engine: Engine,
) -> None:
    """A version-3 database gains document_terms; until then `db.has_terms` says it lacks them."""
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE document_terms"))
        conn.execute(delete(schema.schema_migrations).where(schema.schema_migrations.c.version > 3))
    assert not db.has_terms(engine)
    assert db.migrate(engine) == [4, 5, 6, 7, 8]
    assert db.has_terms(engine)
    assert inspect(engine).has_table("document_terms")
