"""`minsim surges` as a user runs it: a child process on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_minsim, write_sqlite_config
from sqlalchemy import create_engine, insert, text
from test_aggregate_fixtures import LIVE_SURGE_AT, SURGE_AT, add_burst, build_database

from minsim import schema


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shared fixture (a few documents an hour) with two bursts of 30 Kakao comments in
    half an hour: one inside its days, one holding the newest document."""
    engine = build_database(tmp_path / "minsim.db")
    add_burst(engine, SURGE_AT, "s")
    add_burst(engine, LIVE_SURGE_AT, "l")
    engine.dispose()
    write_sqlite_config(tmp_path)
    return tmp_path


def test_surges_newest_first_with_peak_and_baseline(folder: Path) -> None:
    result = run_minsim("surges", cwd=folder)
    assert result.returncode == 0, result.stderr
    head, live, earlier = result.stdout.splitlines()
    assert head == "scorer version: v-test-1; 2 surge(s) in all the data"
    assert live.startswith("2022-10-21 09:00 KST - 10:00  kakao     volume")
    assert live.endswith("30 docs  ongoing")
    assert earlier.startswith("2022-10-19 11:00 KST - 12:00  kakao     volume")
    assert "peak 10-19 11:00 30 docs/hour" in earlier and not earlier.endswith("ongoing")


def test_ongoing_days_and_json(folder: Path) -> None:
    result = run_minsim("surges", "--ongoing", "--json", cwd=folder)
    assert result.returncode == 0, result.stderr
    [surge] = json.loads(result.stdout)
    assert surge["company"] == "kakao" and surge["kind"] == "volume"
    assert surge["start"] == "2022-10-21T09:00:00+09:00"
    assert surge["ongoing"] is True and surge["docs"] == 30 and surge["hours"] == 1
    # One day back from the newest document leaves the 10-19 burst out.
    one_day = run_minsim("surges", "--days", "1", cwd=folder)
    assert one_day.stdout.splitlines()[0].endswith("1 surge(s) in the last 1 day(s)")
    naver = run_minsim("surges", "--company", "naver", "--json", cwd=folder)
    assert json.loads(naver.stdout) == []


def test_unknown_choices_and_bad_days_are_errors(folder: Path) -> None:
    unknown = run_minsim("surges", "--company", "nope", cwd=folder)
    assert unknown.returncode == 2
    assert "unknown company nope; known: kakao, naver, skcc" in unknown.stderr
    bad = run_minsim("surges", "--days", "0", cwd=folder)
    assert bad.returncode == 2 and "expected whole days from 1 to 366" in bad.stderr


def test_watched_words_from_the_settings_and_the_command_line(folder: Path) -> None:
    engine = create_engine(f"sqlite:///{folder / 'minsim.db'}")
    with engine.begin() as conn:  # six of the live burst's comments name 불매
        conn.execute(insert(schema.document_terms),
                     [{"doc_id": f"l{i:04d}", "term": "불매"} for i in range(6)])  # fmt: skip
    engine.dispose()
    plain = run_minsim("surges", cwd=folder)
    assert "watched words" not in plain.stdout  # none watched, none listed
    config = folder / "minsim.toml"
    config.write_text(config.read_text(encoding="utf-8") + '[surges]\nwatch = ["불매"]\n',
                      encoding="utf-8")  # fmt: skip
    result = run_minsim("surges", "--watch", "소송", cwd=folder)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3] == "watched words: 1 surge(s)"
    assert lines[4].startswith("2022-10-21 09:00 KST - 10:00  불매")
    assert lines[4].endswith(
        "watched    1 h  peak 10-21 09:00 6 docs/hour (before 0.0)  6 docs  ongoing"
    )
    records = json.loads(run_minsim("surges", "--ongoing", "--json", cwd=folder).stdout)
    assert [(r.get("company"), r.get("term"), r["kind"]) for r in records] == [
        ("kakao", None, "volume"),
        (None, "불매", "watched"),
    ]
    # both keys on every record: a reader of the companies' surges keeps working
    assert all({"company", "term"} <= set(record) for record in records)
    bad = run_minsim("surges", "--watch", "evil.com", cwd=folder)
    assert bad.returncode == 2
    assert "--watch 'evil.com': a watched word is Hangul and Latin letters, 2 to 30" in bad.stderr


def test_watched_words_on_a_database_without_terms_leave_the_companies_surges(
    folder: Path,
) -> None:
    engine = create_engine(f"sqlite:///{folder / 'minsim.db'}")
    with engine.begin() as conn:  # as a version-3 database
        conn.execute(text("DROP TABLE document_terms"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version > 3"))
    engine.dispose()
    result = run_minsim("surges", "--watch", "불매", "--json", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert [r["company"] for r in json.loads(result.stdout)] == ["kakao", "kakao"]
    assert "watched words not judged: this database has no topic terms yet" in result.stderr
