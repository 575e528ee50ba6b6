"""`minsim impact` as a user runs it: a child process on a real SQLite file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cli_support import run_minsim, write_sqlite_config
from sqlalchemy import insert
from test_aggregate_fixtures import APOLOGY_AT, add_scored_comments, build_database

from minsim import schema

# Opens a terminal escape sequence; an event title holding one must be shown, not obeyed.
ESCAPE = "\x1b[2J"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shared fixture (two Kakao events) with twelve negative apology comments in the six
    hours before the press conference and twelve positive ones after it, and a Naver event
    whose title holds a terminal escape."""
    engine = build_database(tmp_path / "minsim.db")
    minutes = [30 * (i + 1) for i in range(12)]
    add_scored_comments(engine, "pre", APOLOGY_AT, [-m for m in minutes], [-0.6] * 12)
    add_scored_comments(engine, "post", APOLOGY_AT, minutes, [0.5] * 12)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.events),
            [{"at": APOLOGY_AT + timedelta(days=1), "company": "naver",
              "title": f"네이버 {ESCAPE}발표"}],
        )  # fmt: skip
    engine.dispose()
    write_sqlite_config(tmp_path)
    return tmp_path


def test_one_line_per_event_with_the_change_and_verdict(folder: Path) -> None:
    result = run_minsim("impact", cwd=folder)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("scorer version: v-test-1; 24 hours either side")
    fire, press, naver = lines[1:]
    assert fire.startswith("#1 ") and "before     0" in fire and "too_few" in fire
    assert press.startswith("#2 ") and "2022-10-19 11:00 KST" in press
    assert "better" in press and press.endswith("사과 기자회견·대표 사퇴")
    assert "\\x1b[2J" in naver and ESCAPE not in result.stdout


def test_one_event_by_aspect_and_as_json(folder: Path) -> None:
    result = run_minsim("impact", "--event", "2", "--hours", "6", cwd=folder)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[2:]}
    # After: eleven of the twelve (the one six hours later is past the window's end) and the
    # fixture's Kakao apology comment (-0.6) at 15:43 KST.
    assert "before    12 -0.60  after    12 +0.41  +1.01 [+0.81, +1.21]" in rows["apology"]
    assert rows["apology"].endswith("better  사과")
    data = json.loads(run_minsim("impact", "--event", "2", "--json", cwd=folder).stdout)
    apology = next(r for r in data if r["aspect"] == "apology")
    assert apology["event"] == 2 and apology["company"] == "kakao"
    assert apology["at"] == "2022-10-19T11:00:00+09:00" and apology["verdict"] == "better"
    every = json.loads(run_minsim("impact", "--json", cwd=folder).stdout)
    fire = next(r for r in every if r["event"] == 1 and r["aspect"] == "")
    assert fire["n_before"] == 0 and fire["mean_before"] is None and fire["change"] is None


def test_filters_and_bad_arguments(folder: Path) -> None:
    naver = run_minsim("impact", "--company", "naver", cwd=folder)
    assert naver.returncode == 0 and len(naver.stdout.splitlines()) == 2
    assert "no scored documents" not in naver.stdout  # Naver's own comments, after its event
    for args, message in (
        (("--company", "nope"), "unknown company nope; known: kakao, naver, skcc"),
        (("--source", "x"), "unknown source x; known: demo-portal, demo-video, portal"),
        (("--event", "9"), "no event 9; the events are numbered 1 to 3"),
        (("--hours", "0"), "expected whole hours from 1 to 168, not '0'"),
        (("--hours", "1e3"), "expected whole hours from 1 to 168, not '1e3'"),
    ):
        result = run_minsim("impact", *args, cwd=folder)
        assert result.returncode == 2, args
        assert message in result.stderr, result.stderr
