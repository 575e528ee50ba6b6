"""Load a scenario folder (seeds/<name>/): companies and aliases, aspects, events, demo corpus."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from minsim.errors import ScenarioError
from minsim.models import Company, Event
from minsim.normalize import parse_datetime
from minsim.timeline import TimelineError, check_title

# Company and aspect ids are keys of String(64) columns (minsim/schema.py; tests/test_seeds.py
# keeps them equal): a longer one would fail storing the scenario on PostgreSQL.
MAX_ID_CHARS = 64


@dataclass(frozen=True)
class AspectLabel:
    id: str
    label: str


@dataclass(frozen=True)
class Scenario:
    path: Path
    name: str
    title: str
    companies: tuple[Company, ...]
    events: tuple[Event, ...]
    aspects: tuple[AspectLabel, ...]
    aspects_path: Path
    demo_dir: Path


def load_scenario(path: Path) -> Scenario:
    """Read scenario.toml, companies.toml, events.toml and the ids/labels of aspects.toml."""
    if not path.is_dir():
        raise ScenarioError(
            f"scenario folder {path} does not exist; set [scenario] path in minsim.toml, "
            "point --config or MINSIM_CONFIG at the settings file, or run from the project folder"
        )
    meta = _read(path / "scenario.toml")
    companies = tuple(
        _company(entry, path / "companies.toml", i)
        for i, entry in enumerate(_list(path / "companies.toml", "company"))
    )
    known = [c.id for c in companies]
    events = tuple(
        _event(entry, path / "events.toml", i, known)
        for i, entry in enumerate(_list(path / "events.toml", "event"))
    )
    aspects_path = path / "aspects.toml"
    aspects = tuple(
        AspectLabel(id=_id(e, aspects_path, i), label=str(e.get("label", e["id"])))
        for i, e in enumerate(_list(aspects_path, "aspect"))
    )
    name = str(meta.get("name", path.name))
    if not name.strip() or len(name) > MAX_ID_CHARS:
        # the name marks the scenario's events in the database (events.origin)
        raise ScenarioError(
            f"{path / 'scenario.toml'}: name must be 1 to {MAX_ID_CHARS} characters (got {name!r})"
        )
    return Scenario(
        path=path,
        name=name,
        title=str(meta.get("title", path.name)),
        companies=companies,
        events=events,
        aspects=aspects,
        aspects_path=aspects_path,
        demo_dir=path / "demo",
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ScenarioError(f"scenario file {path} is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from exc


def _list(path: Path, key: str) -> list[dict[str, Any]]:
    entries = _read(path).get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ScenarioError(f"{path}: expected [[{key}]] tables")
    return entries


def _need(entry: dict[str, Any], key: str, path: Path, index: int) -> Any:
    if key not in entry:
        raise ScenarioError(f"{path}: entry #{index + 1} lacks {key!r}")
    return entry[key]


def _id(entry: dict[str, Any], path: Path, index: int) -> str:
    """A company or aspect id: stored in String(64) columns (companies.id, aspects.id, tags)."""
    value = str(_need(entry, "id", path, index))
    if not value.strip() or len(value) > MAX_ID_CHARS:
        raise ScenarioError(
            f"{path}: entry #{index + 1} id must be 1 to {MAX_ID_CHARS} characters (got {value!r})"
        )
    return value


def _company(entry: dict[str, Any], path: Path, index: int) -> Company:
    aliases = _need(entry, "aliases", path, index)
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ScenarioError(f"{path}: company #{index + 1} aliases must be non-empty strings")
    return Company(
        id=_id(entry, path, index),
        name=str(_need(entry, "name", path, index)),
        aliases=tuple(aliases),
    )


def _event(entry: dict[str, Any], path: Path, index: int, companies: list[str]) -> Event:
    at = parse_datetime(_need(entry, "at", path, index))
    if at is None:
        raise ScenarioError(f"{path}: event #{index + 1} has an unreadable date {entry['at']!r}")
    company = str(_need(entry, "company", path, index))
    if company not in companies:
        # an event of an unknown id would never show: every chart filters events by company
        raise ScenarioError(
            f"{path}: event #{index + 1} names company {company!r}, which companies.toml does "
            f"not define (known: {', '.join(companies) or 'none'})"
        )
    try:  # a title from the file is held to what `minsim events add` accepts
        title = check_title(str(_need(entry, "title", path, index)))
    except TimelineError as exc:
        raise ScenarioError(f"{path}: event #{index + 1}: {exc}") from exc
    return Event(at=at, company=company, title=title)
