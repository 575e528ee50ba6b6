"""`minsim events` as a crisis team runs it: child processes on a real SQLite file with the
shipped scenario, or a copy of it whose events.toml the test edits."""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
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


@pytest.fixture
def own_copy(tmp_path: Path) -> Path:
    """A folder whose settings follow its own copy of the shipped scenario (`scn/`, without
    the demo), initialised."""
    scenario = tmp_path / "scn"
    shutil.copytree(SEEDS, scenario, ignore=shutil.ignore_patterns("demo*"))
    (tmp_path / "minsim.toml").write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/minsim.db"\n[scenario]\npath = "{scenario}"\n',
        encoding="utf-8",
    )
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
        "The charts draw it once they reach its time; `minsim impact --event 8` compares the "
        "hours either side of it.",
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


def test_the_toml_of_added_events_makes_them_the_scenarios(own_copy: Path) -> None:
    tmp_path, events_file = own_copy, own_copy / "scn" / "events.toml"
    _ok("events", "add", WHEN, "kakao", TITLE, cwd=tmp_path)
    tables = _ok("events", "list", "--toml", cwd=tmp_path)
    assert tomllib.loads(tables)["event"] == [
        {"at": "2022-10-20T14:00:00+09:00", "company": "kakao", "title": TITLE}
    ]
    shipped = events_file.read_text(encoding="utf-8")
    events_file.write_text(shipped + "\n" + tables, encoding="utf-8")
    assert _ok("init", cwd=tmp_path).splitlines()[1:] == []
    assert _ok("events", "list", "--toml", cwd=tmp_path) == ""
    assert (
        _ok("events", "list", cwd=tmp_path)
        .splitlines()[7]
        .endswith(f"{TITLE}  (events.toml of kakao-2022)")
    )
    # Retitled in the file: a collector storing the scenario only says so; init takes the old
    # title off the timeline and says how to put it back.
    events_file.write_text(shipped + "\n" + tables.replace("1차", "2차"), encoding="utf-8")
    colleague = run_minsim("events", "add", "2022-10-21 09:00", "kakao", "후속 발표", cwd=tmp_path)
    assert colleague.returncode == 0
    assert f"{events_file} no longer lists 1 event(s) stored from it" in colleague.stderr
    assert len(_ok("events", "list", cwd=tmp_path).splitlines()) == SHIPPED + 3
    assert _ok("init", cwd=tmp_path).splitlines()[1:] == [
        f"removed 1 event(s) that {events_file} no longer lists:",
        f"  2022-10-20 14:00 KST kakao {TITLE} (minsim events add -- '2022-10-20 14:00' kakao "
        f"'{TITLE}')",
    ]
    listed = _ok("events", "list", cwd=tmp_path).splitlines()
    assert len(listed) == SHIPPED + 2 and "2차" in listed[7]
    assert listed[9].endswith("후속 발표  (added)")
    assert _error("events", "remove", "8", cwd=tmp_path) == (
        f'minsim: error: event 8 (보상 기준 "2차" 발표) is listed in {events_file}, which '
        "would put it back: take it out of that file and run `minsim init`"
    )


def test_remove_numbers_as_list_does_while_the_file_changes(own_copy: Path) -> None:
    tmp_path, events_file = own_copy, own_copy / "scn" / "events.toml"
    _ok("events", "add", WHEN, "kakao", "추가 A", cwd=tmp_path)
    _ok("events", "add", "2022-10-21 09:00", "kakao", "추가 B", cwd=tmp_path)
    # A colleague takes the 10-16 event out of the file and has not run init yet.
    text = events_file.read_text(encoding="utf-8")
    cut = text.index("[[event]]", text.index("카카오톡 메시지 수발신 복구") - 200)
    events_file.write_text(text[:cut] + text[text.index("[[event]]", cut + 1) :], "utf-8")
    listed = _ok("events", "list", cwd=tmp_path).splitlines()
    number = next(line for line in listed if "추가 B" in line).split()[0].lstrip("#")
    removed = _ok("events", "remove", number, cwd=tmp_path).splitlines()
    assert removed == [
        f"removed #{number} 2022-10-21 09:00 KST  kakao  추가 B",
        "To put it back: minsim events add -- '2022-10-21 09:00' kakao '추가 B'",
    ]
    left = _ok("events", "list", cwd=tmp_path)
    assert "추가 A" in left and "추가 B" not in left
    # An event the file no longer lists, of a scenario no longer followed, can be removed.
    old = next(line for line in left.splitlines() if "수발신 복구" in line).split()[0]
    assert "removed" in _ok("events", "remove", old.lstrip("#"), cwd=tmp_path)


def test_removing_an_added_event(folder: Path) -> None:
    _ok("events", "add", WHEN, "naver", "네이버 입장문", cwd=folder)
    _ok("events", "add", "2022-10-21 09:00", "naver", "네이버 후속 발표", cwd=folder)
    naver = _ok("events", "list", "--company", "naver", cwd=folder).splitlines()
    assert [line.split("  ")[-2:] for line in naver[1:3]] == [
        ["네이버 입장문", "(added)"],
        ["네이버 후속 발표", "(added)"],
    ]
    removed = _ok("events", "remove", "--company", "naver", "2", cwd=folder)
    assert removed.splitlines() == [
        "removed #2 2022-10-20 14:00 KST  naver  네이버 입장문",
        "To put it back: minsim events add -- '2022-10-20 14:00' naver '네이버 입장문'",
    ]
    titles = [line.split("  ")[-2] for line in _ok("events", "list", cwd=folder).splitlines()]
    assert "네이버 입장문" not in titles and "네이버 후속 발표" in titles
    assert len(titles) == SHIPPED + 1


def test_what_cannot_be_added_or_removed_is_said(folder: Path) -> None:
    _ok("events", "add", WHEN, "kakao", TITLE, cwd=folder)
    for args, message in (
        (("add", WHEN, "kakao", TITLE), "the timeline already holds this event as #8"),
        (("add", WHEN, "kako", "x"), "unknown company kako; known: kakao, kt, naver, skcc, toss"),
        (("add", WHEN, "kakao", "사과\x1b[2J"), "the event's title holds the invisible "
         "character U+001B at position 3; write it without one"),
        (("add", WHEN, "kakao", " "), "the event's title is empty"),
        (("remove", "99"), f"no event 99; the events are numbered 1 to {SHIPPED + 1}"),
        (("remove", "1"), "event 1 (카카오톡·다음·카카오T 등 서비스 장애 시작) is listed in"),
        (("list", "--company", "kako"), "unknown company kako; known: kakao, kt, naver, skcc"),
    ):  # fmt: skip
        assert _error("events", *args, cwd=folder).startswith(f"minsim: error: {message}")
    typo = _ok("events", "add", "2202-10-20 14:00", "kakao", "오타", cwd=folder).splitlines()
    assert typo[-1].startswith("Note: it is ") and typo[-1].endswith(
        "days after the newest document and today; `minsim events remove 16` takes it off if "
        "that is a typo."
    )
    _ok("events", "remove", "16", cwd=folder)
    bad_time = run_minsim("events", "add", "tomorrow", "kakao", "x", cwd=folder)
    assert bad_time.returncode == 2
    assert "expected a KST time as 'YYYY-MM-DD HH:MM', not 'tomorrow'" in bad_time.stderr
    assert len(_ok("events", "list", cwd=folder).splitlines()) == SHIPPED + 1


def test_listing_needs_a_database(tmp_path: Path) -> None:
    write_sqlite_config(tmp_path)
    assert "run `minsim init` first" in _error("events", "list", cwd=tmp_path)
    assert not (tmp_path / "minsim.db").exists()


def test_an_event_removed_is_put_back_exactly_by_the_command_printed(folder: Path) -> None:
    _ok("events", "add", "--", "2022-10-20 14:00:30.5", "naver", "-3% 급락", cwd=folder)
    before = json.loads(_ok("events", "list", "--json", cwd=folder))
    printed = _ok("events", "remove", "8", cwd=folder).splitlines()[1]
    assert printed == (
        "To put it back: minsim events add -- '2022-10-20 14:00:30.500000' naver '-3% 급락'"
    )
    command = shlex.split(printed.removeprefix("To put it back: "))
    assert command[:3] == ["minsim", "events", "add"]
    _ok(*command[1:], cwd=folder)
    assert json.loads(_ok("events", "list", "--json", cwd=folder)) == before
    assert before[7]["at"] == "2022-10-20T14:00:30.500000+09:00"


def test_toml_leaves_out_what_the_file_could_not_take(own_copy: Path) -> None:
    scenario = own_copy / "scn"
    _ok("events", "add", WHEN, "toss", "토스 입장문", cwd=own_copy)
    # The file drops its 10-16 event and the company toss; init has not run yet.
    events_file, companies_file = scenario / "events.toml", scenario / "companies.toml"
    text = events_file.read_text(encoding="utf-8")
    cut = text.index("[[event]]", text.index("카카오톡 메시지 수발신 복구") - 200)
    events_file.write_text(text[:cut] + text[text.index("[[event]]", cut + 1) :], "utf-8")
    companies = companies_file.read_text(encoding="utf-8")
    companies_file.write_text(companies[: companies.index('[[company]]\nid = "toss"')], "utf-8")
    result = run_minsim("events", "list", "--toml", cwd=own_copy)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "left out #4 (카카오톡 메시지 수발신 복구): the file dropped it; `minsim init` takes it "
        "off the timeline",
        "left out #8 (토스 입장문): the scenario does not define toss",
    ]


def test_removing_needs_a_database(tmp_path: Path) -> None:
    write_sqlite_config(tmp_path)
    assert "run `minsim init` first" in _error("events", "remove", "1", cwd=tmp_path)
    assert not (tmp_path / "minsim.db").exists()


def test_an_event_edited_moves_and_the_command_printed_changes_it_back(folder: Path) -> None:
    _ok("events", "add", WHEN, "kakao", TITLE, cwd=folder)
    before = json.loads(_ok("events", "list", "--json", cwd=folder))
    # a mistyped time: after the 10-21 09:00 event of the scenario, so it moves to #9
    out = _ok("events", "edit", "8", "--at", "2022-10-21 14:00", "--title=-3% 급락", cwd=folder)
    lines = out.splitlines()
    assert lines[:2] == [
        f"changed #8 2022-10-20 14:00 KST  kakao  {TITLE}",
        "     to #9 2022-10-21 14:00 KST  kakao  -3% 급락",
    ]
    assert lines[2] == (
        f"To change it back: minsim events edit 9 '--at=2022-10-20 14:00' '--title={TITLE}'"
    )
    listed = json.loads(_ok("events", "list", "--json", cwd=folder))
    moved = listed[8]
    assert (moved["title"], moved["at"], moved["origin"]) == (
        "-3% 급락", "2022-10-21T14:00:00+09:00", "added"
    )  # fmt: skip
    assert _ok("impact", "--event", "9", cwd=folder).splitlines()[1].endswith("-3% 급락")
    command = shlex.split(lines[2].removeprefix("To change it back: "))
    _ok(*command[1:], cwd=folder)
    assert json.loads(_ok("events", "list", "--json", cwd=folder)) == before


def test_an_event_edited_keeps_the_numbering_asked_for(folder: Path) -> None:
    _ok("events", "add", WHEN, "naver", "네이버 입장문", cwd=folder)
    out = _ok("events", "edit", "--company", "naver", "2", "--title", "네이버 공식 입장",
              cwd=folder).splitlines()  # fmt: skip
    assert out[1] == "     to #2 2022-10-20 14:00 KST  naver  네이버 공식 입장"
    assert (
        out[2] == "To change it back: minsim events edit 2 --company=naver '--title=네이버 입장문'"
    )
    # moved to another company, it is numbered among all events
    out = _ok("events", "edit", "--company", "naver", "2", "--set-company", "kakao",
              cwd=folder).splitlines()  # fmt: skip
    assert out[1] == "     to #8 2022-10-20 14:00 KST  kakao  네이버 공식 입장"
    assert out[2] == "To change it back: minsim events edit 8 --set-company=naver"
    kakao = json.loads(_ok("events", "list", "--company", "kakao", "--json", cwd=folder))
    assert [e["title"] for e in kakao if e["origin"] == "added"] == ["네이버 공식 입장"]


def test_what_cannot_be_edited_is_said_and_nothing_changes(folder: Path) -> None:
    _ok("events", "add", WHEN, "kakao", TITLE, cwd=folder)
    _ok("events", "add", WHEN, "kakao", "후속 발표", cwd=folder)
    before = _ok("events", "list", "--json", cwd=folder)
    for args, message in (
        (("8",), "say what to change: --at, --title or --set-company"),
        (("8", "--title", TITLE), "event 8 already reads so; nothing to change"),
        (("9", "--title", TITLE), "the timeline already holds this event as #8"),
        (("8", "--set-company", "kako"), "unknown company kako; known: kakao, kt, naver, skcc"),
        (("8", "--title", "사과\u202e"), "the event's title holds the invisible character"),
        (("8", "--title", " "), "the event's title is empty"),
        (("99", "--title", "x"), f"no event 99; the events are numbered 1 to {SHIPPED + 2}"),
        (("1", "--title", "x"), "event 1 (카카오톡·다음·카카오T 등 서비스 장애 시작) is listed in"),
    ):  # fmt: skip
        assert _error("events", "edit", *args, cwd=folder).startswith(f"minsim: error: {message}")
    assert "change it in that file and run `minsim init`" in _error(
        "events", "edit", "1", "--title", "x", cwd=folder
    )
    bad_time = run_minsim("events", "edit", "8", "--at", "tomorrow", cwd=folder)
    assert bad_time.returncode == 2
    assert "expected a KST time as 'YYYY-MM-DD HH:MM', not 'tomorrow'" in bad_time.stderr
    assert _ok("events", "list", "--json", cwd=folder) == before
    typo = _ok("events", "edit", "8", "--at", "2202-10-20 14:00", cwd=folder).splitlines()
    assert typo[-1].startswith("Note: it is ") and typo[-1].endswith(
        "days after the newest document and today; check the time if that is a typo."
    )


def test_an_edited_event_of_the_file_stays_when_init_applies_the_file(own_copy: Path) -> None:
    """An event the file dropped is still the file's until `minsim init`; edited by hand, it
    is the team's, and init leaves it."""
    events_file = own_copy / "scn" / "events.toml"
    text = events_file.read_text(encoding="utf-8")
    first = text.index("[[event]]", text.index("[[event]]") + 1)
    events_file.write_text(text[:first], encoding="utf-8")  # keep only the first event
    dropped = [line for line in _ok("events", "list", cwd=own_copy).splitlines()][1]
    number = dropped.split()[0].lstrip("#")
    _ok("events", "edit", number, "--title", "손으로 고친 사건", cwd=own_copy)
    assert run_minsim("init", cwd=own_copy).returncode == 0
    titles = [e["title"] for e in json.loads(_ok("events", "list", "--json", cwd=own_copy))]
    assert titles == [titles[0], "손으로 고친 사건"]


def test_an_edit_that_no_command_can_undo_says_so(folder: Path) -> None:
    # a title stored before titles were checked, which `edit --title` would refuse today
    with sqlite3.connect(folder / "minsim.db") as conn:
        conn.execute("INSERT INTO events (at, company, title, origin) VALUES "
                     "('2022-10-20 05:00:00.000000', 'kakao', '줄\nbreak', NULL)")  # fmt: skip
    out = _ok("events", "edit", "8", "--title", "줄바꿈 없는 제목", cwd=folder).splitlines()
    assert out[2] == (
        "To change it back: it cannot be changed back as it was: the event's title holds the "
        "invisible character U+000A at position 2; write it without one"
    )
    # an edit that leaves such a title as it is can be undone
    with sqlite3.connect(folder / "minsim.db") as conn:
        conn.execute("UPDATE events SET title = '줄\nbreak' WHERE origin = 'added'")
    out = _ok("events", "edit", "8", "--at", "2022-10-20 06:00", cwd=folder).splitlines()
    assert out[2] == "To change it back: minsim events edit 8 '--at=2022-10-20 14:00'"
