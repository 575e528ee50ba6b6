"""`minsim prune`: old documents go with everything that hangs on them, an article stays while
comments on it stay; on real SQLite files and the real PostgreSQL server, and as a child
process."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import run_minsim, write_sqlite_config
from sqlalchemy import Engine, create_engine, func, insert, select
from test_aggregate_fixtures import COLLECTED_AT, VERSION, build_database, fill

from minsim import aggregate, schema, store
from minsim.cli_prune import _first_kept_day
from minsim.timefmt import KST

# The fixture's first two KST days (10-15 and 10-16): 4 articles and their 12 comments.
CUTOFF = datetime(2022, 10, 17, tzinfo=KST)
DEPENDENTS = (schema.scores, schema.aspect_scores, schema.document_companies, schema.document_terms)


def _document(doc_id: str, kind: str, published: datetime, parent: str | None = None) -> dict:
    return {"doc_id": doc_id, "kind": kind, "source": "demo-video", "external_id": doc_id,
            "parent_id": parent, "url": None, "title": None, "text": "아직도 보상 얘기",
            "author_hash": None, "published_at": published, "collected_at": COLLECTED_AT,
            "likes": 0, "dislikes": 0, "content_hash": doc_id}  # fmt: skip


def _late_comment(engine: Engine) -> None:
    """A comment after the cutoff on the first article (a00), topic terms on it and on an old
    comment, and two articles either side of the cutoff as KST draws it (UTC 10-16 14:30 is
    23:30 KST, 15:30 is 00:30 KST the next day)."""
    with engine.begin() as conn:
        conn.execute(
            insert(schema.documents),
            [_document("late", "comment", CUTOFF + timedelta(hours=1), parent="a00"),
             _document("kst-before", "article", datetime(2022, 10, 16, 14, 30, tzinfo=UTC)),
             _document("kst-after", "article", datetime(2022, 10, 16, 15, 30, tzinfo=UTC))],
        )  # fmt: skip
        conn.execute(
            insert(schema.document_terms),
            [{"doc_id": "c000", "term": "데이터센터"}, {"doc_id": "late", "term": "보상"}],
        )


def _ids(engine: Engine, table: schema.Table) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(table.c.doc_id)).scalars())


def test_old_documents_go_with_all_that_hangs_on_them(engine: Engine) -> None:
    fill(engine)
    _late_comment(engine)
    found = aggregate.prunable_documents(engine, CUTOFF)
    assert (found.articles, found.comments, found.articles_kept) == (4, 12, 1)
    ids = list(aggregate.prunable_ids(engine, CUTOFF))
    assert len(ids) == found.total == 16
    assert "kst-before" in ids and "kst-after" not in ids
    assert "a00" not in ids and "late" not in ids
    with engine.connect() as conn:
        rows = conn.execute(select(schema.documents.c.doc_id, schema.documents.c.kind)).all()
        kind_of = dict(rows)
    kinds = [kind_of[doc_id] for doc_id in ids]
    assert kinds == ["comment"] * 12 + ["article"] * 4  # every comment before every article
    assert list(aggregate.prunable_ids(engine, CUTOFF, batch=3)) == ids  # read 3 at a time
    heard: list[int] = []
    # streamed 3 ids a query while they are removed: what goes is what was listed
    going = aggregate.prunable_ids(engine, CUTOFF, batch=3)
    assert store.delete_documents(engine, going, heard.append) == 16
    assert heard == [16]
    left = _ids(engine, schema.documents)
    assert len(left) == 12 * 3 + 12 + 3 - 16 and {"a00", "late", "kst-after"} <= left
    for table in DEPENDENTS:  # nothing of a removed document is left behind
        assert not (_ids(engine, table) & set(ids)), table.name
    assert _ids(engine, schema.document_terms) == {"late"}
    # Run again, nothing more goes: the kept article still has its comment.
    again = aggregate.prunable_documents(engine, CUTOFF)
    assert (again.total, again.articles_kept) == (0, 1)
    assert list(aggregate.prunable_ids(engine, CUTOFF)) == []


def test_a_stop_part_way_leaves_no_comment_without_its_article(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(engine)
    monkeypatch.setattr(store, "IN_CHUNK", 5)

    def stop(done: int) -> None:
        if done >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.delete_documents(engine, aggregate.prunable_ids(engine, CUTOFF, batch=4), stop)
    with engine.connect() as conn:
        parents = set(
            conn.execute(
                select(schema.documents.c.parent_id).where(schema.documents.c.kind == "comment")
            ).scalars()
        )
    assert parents <= _ids(engine, schema.documents)  # every comment still has its article
    assert len(_ids(engine, schema.documents)) == 48 - 10


def test_an_article_a_comment_came_in_for_meanwhile_stays(engine: Engine) -> None:
    fill(engine)
    ids = list(aggregate.prunable_ids(engine, CUTOFF))
    with engine.begin() as conn:  # collected between the listing and the removal
        conn.execute(insert(schema.documents), [_document("new", "comment", CUTOFF, parent="a01")])
        # and a score a scoring pass wrote for a document already gone
        conn.execute(insert(schema.scores), [{"doc_id": "gone", "scorer_version": VERSION,
                     "compound": 0.0, "label": "neu", "pos": 0.0, "neg": 0.0, "neu": 1.0,
                     "hits": "[]", "scored_at": COLLECTED_AT}])  # fmt: skip
    assert store.delete_documents(engine, ids) == len(ids) - 1
    assert {"a01", "new"} <= _ids(engine, schema.documents)
    assert store.delete_orphan_rows(engine) == 1
    assert "gone" not in _ids(engine, schema.scores)


def test_keep_days_counts_today_as_the_first_day_kept() -> None:
    assert _first_kept_day(1, date(2026, 3, 1)) == date(2026, 3, 1)
    assert _first_kept_day(90, date(2026, 3, 1)) == date(2025, 12, 2)


def test_a_source_filter_takes_only_that_sources_documents(engine: Engine) -> None:
    fill(engine)
    comments = aggregate.prunable_documents(engine, CUTOFF, ["demo-video"])
    # the articles (demo-portal) stay, so every old comment can go
    assert (comments.articles, comments.comments, comments.articles_kept) == (0, 12, 0)
    articles = aggregate.prunable_documents(engine, CUTOFF, ["demo-portal"])
    # their comments (demo-video) stay, so no article can go
    assert (articles.total, articles.articles_kept) == (0, 4)
    store.delete_documents(engine, aggregate.prunable_ids(engine, CUTOFF, ["demo-video"]))
    after = aggregate.prunable_documents(engine, CUTOFF, ["demo-portal"])
    assert (after.articles, after.comments, after.articles_kept) == (4, 0, 0)


def test_prune_says_what_would_go_then_removes_it(tmp_path: Path) -> None:
    build_database(tmp_path / "minsim.db").dispose()
    write_sqlite_config(tmp_path)
    dry = run_minsim("prune", "--before", "2022-10-17", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    what = (
        "16 document(s) (4 articles, 12 comments) published before 2022-10-17 00:00 KST, "
        "with their scores, aspect scores, company tags and topic terms"
    )
    assert dry.stdout == f"would remove {what}. Run again with --yes to remove them.\n"
    assert "pruned:" not in run_minsim("status", cwd=tmp_path).stdout  # a dry run records none
    done = run_minsim("prune", "--before", "2022-10-17", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.splitlines()[0] == f"removed {what.replace(' (4 articles, 12 comments)', '')}."
    )
    assert done.stdout.splitlines()[1] == (
        "Surges, before/after comparisons and rising topic words no longer look back past "
        "2022-10-17 00:00 KST (`minsim prune --forget` undoes that)."
    )
    assert "VACUUM" in done.stdout.splitlines()[2]
    status = run_minsim("status", cwd=tmp_path).stdout
    assert "documents by kind: article 8, comment 24" in status
    assert "pruned: documents of every source published before 2022-10-17 00:00 KST (on " in status
    impact = run_minsim("impact", cwd=tmp_path).stdout.splitlines()
    assert impact[1].startswith(
        "documents published before 2022-10-17 00:00 KST were removed by minsim prune on "
    )  # the fire's hours before reach past the cutoff
    late = run_minsim("impact", "--event", "2", "--hours", "6", cwd=tmp_path).stdout
    assert "minsim prune" not in late  # the press conference's six hours before do not
    surges = run_minsim("surges", cwd=tmp_path).stdout.splitlines()
    assert surges[1].endswith(": comparisons count only what came after it")
    only_video = run_minsim("prune", "--forget", "--source", "demo-video", cwd=tmp_path).stdout
    assert only_video == (
        "no recorded prune cutoffs to forget\n"
        "stays: every source before 2022-10-17 00:00 KST (forget it with --forget and no "
        "--source)\n"
    )
    forget = run_minsim("prune", "--forget", cwd=tmp_path).stdout
    assert forget == (
        "would forget: every source before 2022-10-17 00:00 KST\n"
        "Run again with --yes to forget them.\n"
    )
    forgot = run_minsim("prune", "--forget", "--yes", cwd=tmp_path).stdout
    assert forgot.endswith("forgot 1 record(s): comparisons look back past those cutoffs again.\n")
    assert "minsim prune" not in run_minsim("impact", cwd=tmp_path).stdout
    assert run_minsim("prune", "--before", "2022-10-17", cwd=tmp_path).stdout == (
        "no documents published before 2022-10-17 00:00 KST to remove\n"
    )
    # Every fixture day is long past: keeping today only would take all that is left.
    keep = run_minsim("prune", "--keep-days", "1", cwd=tmp_path).stdout
    assert keep.startswith("would remove 32 document(s) (8 articles, 24 comments) published ")


def test_the_commands_say_how_a_prune_of_one_source_reaches_their_view(tmp_path: Path) -> None:
    build_database(tmp_path / "minsim.db").dispose()
    write_sqlite_config(tmp_path)
    done = run_minsim("prune", "--before", "2022-10-17", "--source", "demo-video", "--yes",
                      cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    removed = "documents of demo-video published before 2022-10-17 00:00 KST were removed by "
    # demo-portal was never pruned: all sources are compared across the cutoff, and told so
    for command in (("impact",), ("surges",)):
        note = run_minsim(*command, cwd=tmp_path).stdout.splitlines()[1]
        assert note.startswith(removed), command
        assert note.endswith(
            "; other sources read here were never pruned, so before 2022-10-17 00:00 KST "
            "comparisons miss the documents of demo-video (--source demo-video alone compares "
            "only after it)"
        ), command
    only = run_minsim("impact", "--source", "demo-video", cwd=tmp_path).stdout.splitlines()[1]
    assert only.startswith(removed) and only.endswith(": comparisons count only what came after it")
    # JSON says which events' hours before the cutoff cut (the fire's), and which it did not
    records = json.loads(run_minsim("impact", "--json", "--source", "demo-video",
                                    "--hours", "72", cwd=tmp_path).stdout)  # fmt: skip
    cut_at = {r["event"]: r["pruned_before"] for r in records}
    assert cut_at[1] == "2022-10-17T00:00:00+09:00"
    late = json.loads(run_minsim("impact", "--json", "--source", "demo-video", "--event", "2",
                                 "--hours", "6", cwd=tmp_path).stdout)  # fmt: skip
    assert late and {r["pruned_before"] for r in late} == {None}  # 10-19's hours before
    mixed = json.loads(run_minsim("impact", "--json", cwd=tmp_path).stdout)
    # demo-portal writes of kakao too and was never pruned: nothing is cut (the note says
    # what is missing)
    assert {r["pruned_before"] for r in mixed} == {None}
    topics = json.loads(run_minsim("topics", "--json", "--source", "demo-video",
                                   "--day", "2022-10-17", cwd=tmp_path).stdout)  # fmt: skip
    assert topics["pruned_before"] == "2022-10-17T00:00:00+09:00"


def test_prune_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    write_sqlite_config(tmp_path)
    missing = run_minsim("prune", "--before", "2022-10-17", cwd=tmp_path)
    assert missing.returncode == 2 and "run `minsim init` first" in missing.stderr
    assert not (tmp_path / "minsim.db").exists()
    build_database(tmp_path / "minsim.db").dispose()
    for args, message in (
        (("--before", "2022-10-17", "--source", "nope"), "unknown source nope; known: "),
        (("--keep-days", "0"), "expected whole days from 1 to 36500, not '0'"),
        (("--before", "17/10/2022"), "expected a date as YYYY-MM-DD, not '17/10/2022'"),
        ((), "one of the arguments --before --keep-days --forget is required"),
        (
            ("--before", "2999-01-01"),
            "--before 2999-01-01 is after tomorrow (KST) and would "
            "remove today's documents too; name a past day",
        ),
        (("--before", "0001-01-01"), "--before 0001-01-01 is before 1970-01-01; name a later day"),
    ):
        result = run_minsim("prune", *args, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    with engine.connect() as conn:  # nothing went
        assert conn.execute(select(func.count()).select_from(schema.documents)).scalar() == 48
    engine.dispose()
