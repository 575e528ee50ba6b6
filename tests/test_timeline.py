"""The timeline's events: a scenario file's events follow the file, events added by hand stay,
numbering as `minsim impact` numbers, and the migration that records where events come from.
Real SQLite files and the real PostgreSQL server."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, insert, select, text

from minsim import aggregate, db, schema, store
from minsim.aggregate import Filters
from minsim.errors import ScenarioError
from minsim.models import Company, Event
from minsim.scenario import AspectLabel, Scenario, load_scenario
from minsim.timeline import (
    ADDED,
    MAX_TITLE_CHARS,
    StoredEvent,
    TimelineError,
    as_toml,
    check_title,
    origin_label,
    scenario_origin,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "kakao-2022"
FIRE = datetime(2022, 10, 15, 6, 33, tzinfo=UTC)
APOLOGY = datetime(2022, 10, 19, 1, 0, tzinfo=UTC)
COMPANIES = (Company("kakao", "카카오", ("카카오",)), Company("naver", "네이버", ("네이버",)))


def _scenario(name: str, *events: Event) -> Scenario:
    return Scenario(
        path=Path("scn"),
        name=name,
        title=name,
        companies=COMPANIES,
        events=events,
        aspects=(AspectLabel("apology", "사과"),),
        aspects_path=Path("scn/aspects.toml"),
        demo_dir=Path("scn/demo"),
    )


def _stored(engine: Engine) -> list[tuple[datetime, str, str, str | None]]:
    return [(e.at, e.company, e.title, e.origin) for e in aggregate.stored_events(engine)]


def test_a_scenarios_events_follow_its_file(engine: Engine) -> None:
    fire, press = Event(FIRE, "kakao", "화재"), Event(APOLOGY, "kakao", "사과 기자회견")
    assert store.save_scenario(engine, _scenario("kakao-2022", fire, press)) == []
    store.add_event(engine, APOLOGY + timedelta(hours=5), "kakao", "보상안 발표")
    with engine.begin() as conn:  # stored before origins were recorded
        conn.execute(
            insert(schema.events),
            [{"at": FIRE, "company": "naver", "title": "네이버 일부 장애"},
             {"at": APOLOGY, "company": "naver", "title": "네이버 발표"}],
        )  # fmt: skip
    another = _scenario("other", Event(FIRE, "naver", "다른 시나리오"))
    assert store.save_scenario(engine, another) == []
    # The file now retitles the press conference, drops the fire and lists an event stored
    # before origins were recorded.
    retitled = Event(APOLOGY, "kakao", "사과 기자회견·대표 사퇴")
    edited = _scenario("kakao-2022", retitled, Event(FIRE, "naver", "네이버 일부 장애"))
    left_out = [(FIRE, "kakao", "화재"), (APOLOGY, "kakao", "사과 기자회견")]
    # A collector storing the scenario (a stale copy of the file, say) only reports them ...
    reported = store.save_scenario(engine, edited)
    assert [(e.at, e.company, e.title) for e in reported] == left_out
    assert len(aggregate.stored_events(engine)) == 7
    # ... `minsim init` takes them off.
    removed = store.save_scenario(engine, edited, prune=True)
    assert [(e.at, e.company, e.title) for e in removed] == left_out
    own, other = scenario_origin("kakao-2022"), scenario_origin("other")
    assert _stored(engine) == [
        (FIRE, "naver", "네이버 일부 장애", own),
        (FIRE, "naver", "다른 시나리오", other),  # another scenario's events are its own
        (APOLOGY, "naver", "네이버 발표", None),  # unknown origin: never removed by a file
        (APOLOGY, "kakao", "사과 기자회견·대표 사퇴", own),  # stored after it: ties go by id
        (APOLOGY + timedelta(hours=5), "kakao", "보상안 발표", ADDED),
    ]
    assert store.save_scenario(engine, edited, prune=True) == []  # idempotent


def test_an_added_event_the_file_lists_becomes_the_files(engine: Engine) -> None:
    store.save_scenario(engine, _scenario("s"))
    store.add_event(engine, APOLOGY, "kakao", "사과")
    store.save_scenario(engine, _scenario("s", Event(APOLOGY, "kakao", "사과")))
    assert _stored(engine) == [(APOLOGY, "kakao", "사과", scenario_origin("s"))]
    # ... and goes when the file drops it again
    assert len(store.save_scenario(engine, _scenario("s"), prune=True)) == 1
    assert _stored(engine) == []


def test_adding_checks_the_company_and_repeats(engine: Engine) -> None:
    store.save_scenario(engine, _scenario("s", Event(FIRE, "kakao", "화재")))
    with pytest.raises(TimelineError, match="unknown company kako; known: kakao, naver"):
        store.add_event(engine, APOLOGY, "kako", "사과")
    with pytest.raises(TimelineError, match="already holds this event"):
        store.add_event(engine, FIRE, "kakao", "화재")
    assert len(aggregate.stored_events(engine)) == 1


def test_removing_an_event_that_is_gone_says_so(engine: Engine) -> None:
    store.save_scenario(engine, _scenario("s", Event(FIRE, "kakao", "화재")))
    store.add_event(engine, APOLOGY, "kakao", "사과")
    fire, added = aggregate.stored_events(engine)
    store.remove_event(engine, added.id)
    assert [e.title for e in aggregate.stored_events(engine)] == ["화재"]
    with pytest.raises(TimelineError, match="removed meanwhile; list the events again"):
        store.remove_event(engine, added.id)


def test_editing_checks_as_adding_does_and_makes_the_event_added_by_hand(engine: Engine) -> None:
    store.save_scenario(engine, _scenario("s", Event(FIRE, "kakao", "화재")))
    store.add_event(engine, APOLOGY, "kakao", "사과")
    fire, added = aggregate.stored_events(engine)
    store.edit_event(engine, fire.id, FIRE + timedelta(minutes=5), "naver", "화재 (정정)")
    assert _stored(engine) == [
        (FIRE + timedelta(minutes=5), "naver", "화재 (정정)", ADDED),
        (APOLOGY, "kakao", "사과", ADDED),
    ]
    with pytest.raises(TimelineError, match="unknown company kako; known: kakao, naver"):
        store.edit_event(engine, added.id, APOLOGY, "kako", "사과")
    with pytest.raises(TimelineError, match="already holds this event"):
        store.edit_event(engine, added.id, FIRE + timedelta(minutes=5), "naver", "화재 (정정)")
    store.remove_event(engine, added.id)
    with pytest.raises(TimelineError, match="removed meanwhile; list the events again"):
        store.edit_event(engine, added.id, APOLOGY, "kakao", "사과")
    assert len(aggregate.stored_events(engine)) == 1


def test_events_are_numbered_as_impact_numbers_them(engine: Engine) -> None:
    # Three events at one time: ties go by the order they were stored, on both databases.
    store.save_scenario(engine, _scenario("s", Event(APOLOGY, "naver", "b")))
    for title in ("c", "a"):
        store.add_event(engine, APOLOGY, "kakao", title)
    store.add_event(engine, FIRE, "kakao", "z")
    listed = aggregate.stored_events(engine)
    assert [(e.number, e.title) for e in listed] == [(1, "z"), (2, "b"), (3, "c"), (4, "a")]
    assert list(aggregate.events_between(engine, Filters())["title"]) == ["z", "b", "c", "a"]
    kakao = aggregate.stored_events(engine, ["kakao"])
    assert [(e.number, e.title) for e in kakao] == [(1, "z"), (2, "c"), (3, "a")]
    by_company = aggregate.events_between(engine, Filters(companies=("kakao",)))
    assert list(by_company["title"]) == ["z", "c", "a"]


def test_a_database_from_before_origins_is_read_then_migrated(engine: Engine) -> None:
    store.save_scenario(engine, _scenario("s", Event(FIRE, "kakao", "화재")))
    with engine.begin() as conn:  # the database as migration 4 left it
        conn.execute(text("ALTER TABLE events DROP COLUMN origin"))
        conn.execute(
            delete(schema.schema_migrations).where(schema.schema_migrations.c.version >= 5)
        )
    assert db.schema_version(engine) == 4 and not db.has_origins(engine)
    (old,) = aggregate.stored_events(engine)  # a reader does not migrate
    assert (old.title, old.origin) == ("화재", None)
    assert db.migrate(engine) == [5, 6, 7, 8]  # the later tables are there: they are kept
    with engine.connect() as conn:
        assert conn.execute(select(schema.events.c.origin)).scalars().all() == [None]
    store.save_scenario(engine, _scenario("s", Event(FIRE, "kakao", "화재")))
    assert _stored(engine) == [(FIRE, "kakao", "화재", scenario_origin("s"))]


def test_titles_are_checked() -> None:
    assert check_title("  사과문 발표 ") == "사과문 발표"
    assert check_title("🙇\u200d♂️ 사과") == "🙇\u200d♂️ 사과"  # an emoji's joiner is fine
    for bad, message in (
        ("   ", "the event's title is empty"),
        ("가" * (MAX_TITLE_CHARS + 1), f"201 characters long; at most {MAX_TITLE_CHARS}"),
        ("사과\x1b[2J", "invisible character U+001B at position 3"),
        ("사과\n발표", "invisible character U+000A at position 3"),
        ("\u202e표발", "invisible character U+202E at position 1"),
        ("사과\u2028발표", "invisible character U+2028 at position 3"),
        ("사\u200b과", "invisible character U+200B at position 2"),  # looks like 사과
        ("사\u00ad과", "invisible character U+00AD at position 2"),
        ("\ufeff사과", "invisible character U+FEFF at position 1"),
        ("\u3164\u3164", "invisible character U+3164 at position 1"),  # a Hangul filler
        ("사과\udcff", "invisible character U+DCFF at position 3"),  # an argument not UTF-8
        ("사과\u2065", "invisible character U+2065 at position 3"),  # unassigned
    ):
        with pytest.raises(TimelineError, match=re.escape(message)):
            check_title(bad)


def _event(title: str, company: str = "kakao") -> StoredEvent:
    return StoredEvent(1, 1, APOLOGY, company, title, ADDED)


# Titles as the database may hold them from before titles were checked: anything but lone
# surrogates, which no UTF-8 file can hold.
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_events_written_as_toml_read_back_the_same(title: str) -> None:
    tables = tomllib.loads(as_toml([_event(title), _event("둘째", "naver")]))["event"]
    assert [t["title"] for t in tables] == [title, "둘째"]
    assert tables[0]["at"] == "2022-10-19T10:00:00+09:00" and tables[1]["company"] == "naver"


def test_toml_of_events_loads_as_a_scenarios_events(tmp_path: Path) -> None:
    folder = tmp_path / "scn"
    folder.mkdir()
    for name in ("scenario.toml", "companies.toml", "aspects.toml"):
        (folder / name).write_text((SEEDS / name).read_text(encoding="utf-8"), encoding="utf-8")
    moved = replace(_event('보상안 "1차" 발표 \\ 추가'), at=APOLOGY + timedelta(seconds=30))
    (folder / "events.toml").write_text(as_toml([moved]), encoding="utf-8")
    (event,) = load_scenario(folder).events
    assert (event.at, event.company, event.title) == (moved.at, "kakao", moved.title)
    assert origin_label(scenario_origin("kakao-2022")) == "events.toml of kakao-2022"
    assert (origin_label(ADDED), origin_label(None)) == ("added", "stored earlier")


def test_a_scenario_event_must_name_a_company_and_a_title(tmp_path: Path) -> None:
    folder = tmp_path / "scn"
    folder.mkdir()
    for name in ("scenario.toml", "companies.toml", "aspects.toml"):
        (folder / name).write_text((SEEDS / name).read_text(encoding="utf-8"), encoding="utf-8")
    events = folder / "events.toml"
    first = '[[event]]\nat = "2022-10-15T15:30:00+09:00"\ncompany = "kakao"\ntitle = "화재"\n'
    events.write_text(
        first + '[[event]]\nat = "2022-10-19T10:00:00+09:00"\ncompany = "kako"\ntitle = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as unknown:
        load_scenario(folder)
    assert str(unknown.value) == (
        f"{events}: event #2 names company 'kako', which companies.toml does not define "
        "(known: kakao, naver, skcc, kt, toss)"
    )
    events.write_text(first.replace('"화재"', '"  "'), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"event #1: the event's title is empty"):
        load_scenario(folder)
    # a title in the file is held to what `minsim events add` accepts
    events.write_text(first.replace('"화재"', '"화재\\n#2 가짜 사건"'), encoding="utf-8")
    with pytest.raises(ScenarioError) as hostile:
        load_scenario(folder)
    assert str(hostile.value) == (
        f"{events}: event #1: the event's title holds the invisible character U+000A at "
        "position 3; write it without one"
    )
