"""`minsim prune`: old documents go with everything that hangs on them, an article stays while
comments on it stay; on real SQLite files and the real PostgreSQL server, and as a child
process."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from cli_support import run_minsim, write_sqlite_config
from sqlalchemy import Engine, create_engine, func, insert, select
from test_aggregate_fixtures import COLLECTED_AT, build_database, fill

from minsim import aggregate, schema, store
from minsim.timefmt import KST

# The fixture's first two KST days (10-15 and 10-16): 4 articles and their 12 comments.
CUTOFF = datetime(2022, 10, 17, tzinfo=KST)
DEPENDENTS = (schema.scores, schema.aspect_scores, schema.document_companies, schema.document_terms)


def _late_comment(engine: Engine) -> None:
    """A comment after the cutoff on the first article (a00), and topic terms on both."""
    with engine.begin() as conn:
        conn.execute(
            insert(schema.documents),
            [{"doc_id": "late", "kind": "comment", "source": "demo-video", "external_id": "late",
              "parent_id": "a00", "url": None, "title": None, "text": "아직도 보상 얘기",
              "author_hash": None, "published_at": CUTOFF + timedelta(hours=1),
              "collected_at": COLLECTED_AT, "likes": 0, "dislikes": 0, "content_hash": "late"}],
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
    assert (found.articles, found.comments, found.articles_kept) == (3, 12, 1)
    assert "a00" not in found.doc_ids and "late" not in found.doc_ids
    heard: list[int] = []
    assert store.delete_documents(engine, found.doc_ids, heard.append) == 15
    assert heard == [15]
    left = _ids(engine, schema.documents)
    assert len(left) == 12 * 3 + 12 + 1 - 15 and {"a00", "late"} <= left
    for table in DEPENDENTS:  # nothing of a removed document is left behind
        assert not (_ids(engine, table) & set(found.doc_ids)), table.name
    assert _ids(engine, schema.document_terms) == {"late"}
    # Run again, nothing more goes: the kept article still has its comment.
    again = aggregate.prunable_documents(engine, CUTOFF)
    assert (again.doc_ids, again.articles_kept) == ([], 1)


def test_a_source_filter_takes_only_that_sources_documents(engine: Engine) -> None:
    fill(engine)
    comments = aggregate.prunable_documents(engine, CUTOFF, ["demo-video"])
    # the articles (demo-portal) stay, so every old comment can go
    assert (comments.articles, comments.comments, comments.articles_kept) == (0, 12, 0)
    articles = aggregate.prunable_documents(engine, CUTOFF, ["demo-portal"])
    # their comments (demo-video) stay, so no article can go
    assert (articles.doc_ids, articles.articles_kept) == ([], 4)
    store.delete_documents(engine, comments.doc_ids)
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
    done = run_minsim("prune", "--before", "2022-10-17", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"removed {what}."
    assert "VACUUM" in done.stdout.splitlines()[1]
    status = run_minsim("status", cwd=tmp_path).stdout
    assert "documents by kind: article 8, comment 24" in status
    assert run_minsim("prune", "--before", "2022-10-17", cwd=tmp_path).stdout == (
        "no documents published before 2022-10-17 00:00 KST to remove\n"
    )
    # Every fixture day is long past: keeping today only would take all that is left.
    keep = run_minsim("prune", "--keep-days", "1", cwd=tmp_path).stdout
    assert keep.startswith("would remove 32 document(s) (8 articles, 24 comments) published ")


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
        ((), "one of the arguments --before --keep-days is required"),
    ):
        result = run_minsim("prune", *args, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    with engine.connect() as conn:  # nothing went
        assert conn.execute(select(func.count()).select_from(schema.documents)).scalar() == 48
    engine.dispose()
