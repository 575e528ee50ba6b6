"""`minsim events` as a crisis team runs it: child processes on a real SQLite file with the
shipped scenario, or a copy of it whose events.toml the test edits."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from cli_support import run_minsim, write_sqlite_config

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "kakao-2022"
# The shipped scenario's events.
SHIPPED = len(tomllib.loads((SEEDS / "events.toml").read_text(encoding="utf-8"))["event"])
# Between the shipped 10-19 press conference and the 10-24 audit: number 8 of the timeline.
WHEN, TITLE = "2022-10-20 14:00", '보상 기준 "1차" 발표'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_sqlite_config(tmp_path)
    assert run_minsim("init", cwd=tmp_path).returncode == 0
    return tmp_path


def _ok(*args: str, cwd: Path) -> str:
    result = run_minsim(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _error(*args: str, cwd: Path) -> str:
    result = run_minsim(*args, cwd=cwd)
    assert result.returncode == 2 and not result.stdout, (result.stdout, result.stderr)
    return result.stderr.strip()


def test_an_event_added_is_listed_numbered_and_compared(folder: Path) -> None:
    out = _ok("events", "add", WHEN, "kakao", f"  {TITLE} ", cwd=folder)
    assert out.splitlines() == [
        f"added #8 2022-10-20 14:00 KST  kakao  {TITLE}",
        "The dashboard draws it within a minute; `minsim impact --event 8` compares the hours "
        "either side of it.",
    ]
    listed = _ok("events", "list", cwd=folder).splitlines()
    assert len(listed) == SHIPPED + 1
    assert listed[0].endswith("(events.toml of kakao-2022)")
    assert listed[7] == f"#8 2022-10-20 14:00 KST  kakao  {TITLE}  (added)"
    impact = _ok("impact", "--event", "8", cwd=folder).splitlines()
    assert impact[1] == f"#8 2022-10-20 14:00 KST kakao {TITLE}"
    kakao = _ok("events", "list", "--company", "kakao", "--json", cwd=folder)
    added = next(e for e in json.loads(kakao) if e["origin"] == "added")
    assert added == {"number": 6, "at": "2022-10-20T14:00:00+09:00", "company": "kakao",
                     "title": TITLE, "origin": "added"}  # fmt: skip
    assert _ok("impact", "--company", "kakao", "--event", "6", cwd=folder).splitlines()[1] == (
        impact[1].replace("#8", "#6")
    )


def test_the_toml_of_added_events_makes_them_the_scenarios(tmp_path: Path) -> None:
    scenario = tmp_path / "scn"
    shutil.copytree(SEEDS, scenario, ignore=shutil.ignore_patterns("demo*"))
    (tmp_path / "minsim.toml").write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/minsim.db"\n[scenario]\npath = "{scenario}"\n',
        encoding="utf-8",
    )
    _ok("init", cwd=tmp_path)
    _ok("events", "add", WHEN, "kakao", TITLE, cwd=tmp_path)
    tables = _ok("events", "list", "--toml", cwd=tmp_path)
    assert tomllib.loads(tables)["event"] == [
        {"at": "2022-10-20T14:00:00+09:00", "company": "kakao", "title": TITLE}
    ]
    events_file = scenario / "events.toml"
    shipped = events_file.read_text(encoding="utf-8")
    events_file.write_text(shipped + "\n" + tables, encoding="utf-8")
    assert _ok("init", cwd=tmp_path).splitlines()[1:] == []
    assert _ok("events", "list", "--toml", cwd=tmp_path) == ""
    assert (
        _ok("events", "list", cwd=tmp_path)
        .splitlines()[7]
        .endswith(f"{TITLE}  (events.toml of kakao-2022)")
    )
    # Retitled in the file: the old title leaves the timeline, and init says so.
    events_file.write_text(shipped + "\n" + tables.replace("1차", "2차"), encoding="utf-8")
    said = _ok("init", cwd=tmp_path).splitlines()[1]
    assert said == (
        f"removed 1 event(s) that {events_file} no longer lists: 2022-10-20 14:00 KST kakao {TITLE}"
    )
    assert "2차" in _ok("events", "list", cwd=tmp_path).splitlines()[7]
    assert _error("events", "remove", "8", cwd=tmp_path) == (
        f'minsim: error: event 8 (보상 기준 "2차" 발표) comes from the scenario\'s events.toml '
        f"({events_file}); take it out of that file and run `minsim init`"
    )


def test_removing_an_added_event(folder: Path) -> None:
    _ok("events", "add", WHEN, "naver", "네이버 입장문", cwd=folder)
    _ok("events", "add", "2022-10-21 09:00", "naver", "네이버 후속 발표", cwd=folder)
    naver = _ok("events", "list", "--company", "naver", cwd=folder).splitlines()
    assert [line.split("  ")[-2:] for line in naver[1:3]] == [
        ["네이버 입장문", "(added)"],
        ["네이버 후속 발표", "(added)"],
    ]
    removed = _ok("events", "remove", "--company", "naver", "2", cwd=folder)
    assert removed == "removed #2 2022-10-20 14:00 KST  naver  네이버 입장문\n"
    titles = [line.split("  ")[-2] for line in _ok("events", "list", cwd=folder).splitlines()]
    assert "네이버 입장문" not in titles and "네이버 후속 발표" in titles
    assert len(titles) == SHIPPED + 1


def test_what_cannot_be_added_or_removed_is_said(folder: Path) -> None:
    _ok("events", "add", WHEN, "kakao", TITLE, cwd=folder)
    for args, message in (
        (("add", WHEN, "kakao", TITLE), "the timeline already holds this event as #8"),
        (("add", WHEN, "kako", "x"), "unknown company kako; known: kakao, kt, naver, skcc, toss"),
        (("add", WHEN, "kakao", "사과\x1b[2J"), "the event's title holds the control character "
         "U+001B at position 3; write it without one"),
        (("add", WHEN, "kakao", " "), "the event's title is empty"),
        (("remove", "99"), f"no event 99; the events are numbered 1 to {SHIPPED + 1}"),
        (("remove", "1"), "event 1 (카카오톡·다음·카카오T 등 서비스 장애 시작) comes from"),
        (("list", "--company", "kako"), "unknown company kako; known: kakao, kt, naver, skcc"),
    ):  # fmt: skip
        assert _error("events", *args, cwd=folder).startswith(f"minsim: error: {message}")
    bad_time = run_minsim("events", "add", "tomorrow", "kakao", "x", cwd=folder)
    assert bad_time.returncode == 2
    assert "expected a KST time as 'YYYY-MM-DD HH:MM', not 'tomorrow'" in bad_time.stderr
    assert len(_ok("events", "list", cwd=folder).splitlines()) == SHIPPED + 1


def test_listing_needs_a_database(tmp_path: Path) -> None:
    write_sqlite_config(tmp_path)
    assert "run `minsim init` first" in _error("events", "list", cwd=tmp_path)
    assert not (tmp_path / "minsim.db").exists()
