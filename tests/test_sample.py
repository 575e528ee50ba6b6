"""Labelling samples: the draw (reproducible, the same on SQLite and PostgreSQL, a larger one
holding a smaller), repeated texts drawn once, one line per text, the filters, and `minsim
sample` then `minsim eval` of the file half labelled, as real processes."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import run_minsim, write_sqlite_config
from sqlalchemy import Engine, update
from test_aggregate_fixtures import N_COMMENTS, add_comments, build_database, fill

from minsim import schema
from minsim.aggregate import Filters
from minsim.db import migrate, open_engine
from minsim.sample import as_tsv, draw_sample, one_line
from sentiment.evaluate import LabeledFileError, evaluate, read_labeled

INBOX_AT = datetime(2022, 10, 22, 0, 0, tzinfo=UTC)
INBOX = Filters(sources=("inbox",), kinds=("comment",))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_engine(db_url)
    migrate(engine)
    fill(engine)
    add_comments(engine, source="inbox", count=40, start=INBOX_AT, prefix="x")
    yield engine
    engine.dispose()


def _expected(seed: int, count: int, size: int) -> list[str]:
    """The texts of the inbox comments in the documented order: sha1 of "seed:doc_id"."""
    ids = sorted((f"x{i:04d}" for i in range(count)),
                 key=lambda d: hashlib.sha1(f"{seed}:{d}".encode()).hexdigest())  # fmt: skip
    return [f"가져온 댓글 {int(doc_id[1:])}" for doc_id in ids[:size]]


def test_a_draw_is_reproducible_on_both_databases_and_a_larger_one_holds_it(
    engine: Engine,
) -> None:
    ten = draw_sample(engine, INBOX, 10, seed=0)
    assert ten.texts == _expected(0, 40, 10)
    assert (ten.matching, ten.repeats) == (40, 0)
    twenty_five = draw_sample(engine, INBOX, 25, seed=0)
    assert twenty_five.texts[:10] == ten.texts  # labelling more keeps what was labelled
    other = draw_sample(engine, INBOX, 10, seed=7)
    assert other.texts == _expected(7, 40, 10) and other.texts != ten.texts
    everything = draw_sample(engine, INBOX, 100, seed=0)
    assert sorted(everything.texts) == sorted(f"가져온 댓글 {i}" for i in range(40))


def test_repeated_texts_are_drawn_once_and_every_text_is_one_line(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(schema.documents).where(schema.documents.c.doc_id == "x0001")
                     .values(text="줄\r\n바꿈\t\t탭  그리고\u2028끝 "))  # fmt: skip
        conn.execute(update(schema.documents).where(schema.documents.c.doc_id == "x0002")
                     .values(text="줄 바꿈 탭 그리고 끝"))  # fmt: skip
        conn.execute(update(schema.documents).where(schema.documents.c.doc_id == "x0003")
                     .values(text=" \n\t "))  # fmt: skip
    drawn = draw_sample(engine, INBOX, 100, seed=0)
    assert "줄 바꿈 탭 그리고 끝" in drawn.texts
    assert drawn.repeats == 1 and len(drawn.texts) == 38  # a repeat and a blank left out
    assert all("\t" not in t and "\n" not in t and t == t.strip() for t in drawn.texts)
    # The fixture's comments repeat three texts under twelve articles.
    fixture = draw_sample(engine, Filters(sources=("demo-video",)), 100, seed=0)
    assert fixture.matching == N_COMMENTS
    assert fixture.repeats == N_COMMENTS - len(fixture.texts) > 0


def test_a_draw_keeps_to_the_filters(engine: Engine) -> None:
    naver = draw_sample(engine, Filters(companies=("naver",), kinds=("article",)), 100, seed=0)
    assert naver.texts and all("카카오" not in t for t in naver.texts)
    unhappy = draw_sample(engine, Filters(kinds=("comment",), text="실망"), 100, seed=0)
    assert unhappy.texts == ["카카오 사과가 너무 늦었다 진짜 실망"]
    none = draw_sample(engine, Filters(sources=("nowhere",)), 5, seed=0)
    assert (none.texts, none.matching) == ([], 0)


def test_the_file_is_what_eval_reads(tmp_path: Path) -> None:
    assert one_line(" a\tb\n\nc ") == "a b c"
    assert as_tsv(["가", "나"]) == "text\tlabel\n가\t\n나\t\n"
    assert as_tsv([]) == "text\tlabel\n"
    path = tmp_path / "half.tsv"
    path.write_text(as_tsv(["가", "나"]).replace("가\t", "가\tpos"), encoding="utf-8")
    rows = [("가", "", "pos"), ("나", "", "")]
    assert read_labeled(path, unlabeled_ok=True) == ("document", rows)
    # Learning from a file still needs every label: a row left empty is an error there.
    with pytest.raises(LabeledFileError, match=r"half.tsv:3: expected .* \(the label is empty\)"):
        read_labeled(path)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Settings for a SQLite file holding the fixture and 40 comments of the source "inbox"."""
    engine = build_database(tmp_path / "minsim.db")
    add_comments(engine, source="inbox", count=40, start=INBOX_AT, prefix="x")
    engine.dispose()
    return write_sqlite_config(tmp_path)


@pytest.mark.slow
def test_minsim_sample_then_eval_of_a_file_labelled_in_part(tmp_path: Path, config: Path) -> None:
    target = tmp_path / "sample.tsv"
    made = run_minsim("--config", str(config), "sample", "8", "--source", "inbox",
                      "-o", str(target), cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("drew 8 of 40 comments (seed 0); wrote ")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "text\tlabel"
    assert [line.removesuffix("\t") for line in lines[1:]] == _expected(0, 40, 8)
    # Printed instead, the same file, with the report on stderr.
    printed = run_minsim("--config", str(config), "sample", "8", "--source", "inbox",
                         cwd=tmp_path)  # fmt: skip
    assert printed.stdout == target.read_text(encoding="utf-8")
    assert printed.stderr.strip() == "drew 8 of 40 comments (seed 0)"
    unlabelled = run_minsim("eval", str(target), cwd=tmp_path)
    assert unlabelled.returncode == 2
    assert "no row has a label yet" in unlabelled.stderr
    # A team labels five rows and measures.
    labels = ["neu", "neu", "pos", "neu", "neg"]
    rows = [f"{row}{label}" for row, label in zip(lines[1:6], labels, strict=True)]
    labelled = [lines[0], *rows]
    target.write_text("\n".join([*labelled, *lines[6:]]) + "\n", encoding="utf-8")
    measured = run_minsim("eval", str(target), "--json", cwd=tmp_path)
    assert measured.returncode == 0, measured.stderr
    [result] = json.loads(measured.stdout)
    assert (result["n"], result["unlabeled"]) == (5, 3)
    text = run_minsim("eval", str(target), cwd=tmp_path).stdout
    assert "n=5 " in text and "(3 rows without a label skipped)" in text
    asked_too_many = run_minsim("--config", str(config), "sample", "50", "--source", "inbox",
                                "-o", str(tmp_path / "all.tsv"), cwd=tmp_path)  # fmt: skip
    assert "drew 40 of 40 comments (seed 0); fewer than the 50 asked for" in asked_too_many.stdout
    assert (tmp_path / "all.tsv").stat().st_mode & 0o777 == 0o600  # comment text: owner only


def test_a_labelled_file_is_extended_never_written_over_by_surprise(
    tmp_path: Path, config: Path
) -> None:
    target = tmp_path / "sample.tsv"

    def sample(*extra: str) -> subprocess.CompletedProcess[str]:
        return run_minsim("--config", str(config), "sample", *extra, "--source", "inbox",
                          "-o", str(target), cwd=tmp_path)  # fmt: skip

    assert sample("4").returncode == 0
    first = target.read_text(encoding="utf-8").splitlines()
    # Two rows labelled by hand; new comments arrive that take places early in the draw.
    labelled = [first[0], first[1] + "pos", first[2] + "neg", *first[3:]]
    target.write_text("\n".join(labelled) + "\n", encoding="utf-8")
    more = open_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    add_comments(more, source="inbox", count=60, start=INBOX_AT + timedelta(hours=2), prefix="y")
    more.dispose()
    refused = sample("10")
    assert refused.returncode == 2
    assert f"{target} exists: --extend keeps its rows and labels" in refused.stderr
    assert target.read_text(encoding="utf-8").splitlines() == labelled  # untouched
    extended = sample("10", "--extend")
    assert extended.returncode == 0, extended.stderr
    assert "drew 6 new of 100 comments (seed 0, 4 row(s) of the file kept" in extended.stdout
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[:5] == labelled and len(rows) == 11
    assert len(set(rows[1:])) == 10 and all(row.endswith("\t") for row in rows[5:])
    assert sample("3", "--force").returncode == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    # Without -o there is no file to extend.
    alone = run_minsim("--config", str(config), "sample", "3", "--extend", cwd=tmp_path)
    assert alone.returncode == 2 and "--extend and --force need -o FILE" in alone.stderr


def test_eval_reads_a_row_whose_tab_was_trimmed_as_unlabelled(tmp_path: Path) -> None:
    path = tmp_path / "trimmed.tsv"
    path.write_text("text\tlabel\n좋다\tpos\n별로다\n", encoding="utf-8")
    assert read_labeled(path, unlabeled_ok=True) == (
        "document",
        [("좋다", "", "pos"), ("별로다", "", "")],
    )
    with pytest.raises(LabeledFileError, match="trimmed.tsv:3: expected 2 columns"):
        read_labeled(path)
    header_only = tmp_path / "header.tsv"
    header_only.write_text("text\tlabel\n", encoding="utf-8")
    with pytest.raises(LabeledFileError, match="no row has a label yet"):
        evaluate(None, header_only)
