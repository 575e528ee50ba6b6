"""The one settings file (minsim.toml), read once into frozen dataclasses and passed explicitly.

Precedence: command-line flag > environment (MINSIM_DATABASE_URL) > file > default. Unknown keys,
missing required keys, wrong types and values a source's kind does not allow (out of range, not
one of its choices, a URL that is not http(s); each kind declares its options in
collectors/registry.py) stop the program before any command runs, with one message naming the
file and every problem found, each with its table and key.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any

from minsim.errors import SettingsError

CONFIG_ENV = "MINSIM_CONFIG"
DATABASE_URL_ENV = "MINSIM_DATABASE_URL"
DEFAULT_CONFIG_NAME = "minsim.toml"
DEFAULT_DATABASE_URL = "sqlite:///data/minsim.db"
DEFAULT_SCENARIO = "seeds/kakao-2022"
DEFAULT_SALT_ENV = "MINSIM_SALT"
DEFAULT_SALT_FILE = "data/salt"
DEFAULT_WEBHOOK_ENV = "MINSIM_SURGE_WEBHOOK"
DEFAULT_BRIEF_WEBHOOK_ENV = "MINSIM_BRIEF_WEBHOOK"
DEFAULT_BRIEF_HOURS = 24

# "15m", "1h", "30s", "2d" or a bare number of seconds.
_INTERVAL_RE = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_INTERVAL_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# A source polled more often than this would hammer the sites we read.
MIN_INTERVAL_SECONDS = 1


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DATABASE_URL


@dataclass(frozen=True)
class ScenarioSettings:
    path: Path = Path(DEFAULT_SCENARIO)


@dataclass(frozen=True)
class ScorerSettings:
    extra_lexicons: tuple[Path, ...] = ()


@dataclass(frozen=True)
class PrivacySettings:
    salt_env: str = DEFAULT_SALT_ENV
    salt_file: Path = Path(DEFAULT_SALT_FILE)


@dataclass(frozen=True)
class SurgeSettings:
    # The environment variable holding the webhook URL surges are posted to (`minsim run`).
    webhook_env: str = DEFAULT_WEBHOOK_ENV
    # Words whose documents are watched for surges of their own (minsim.aggregate.watched),
    # written as topic terms are (no spaces, Latin in lower case but acronyms).
    watch: tuple[str, ...] = ()


@dataclass(frozen=True)
class BriefSettings:
    # KST times of day at which `minsim run` writes the brief of the `hours` before (none: no
    # brief is written on a schedule).
    at: tuple[time, ...] = ()
    hours: int = DEFAULT_BRIEF_HOURS
    # Only these companies (ids); none: all.
    companies: tuple[str, ...] = ()
    # Where each brief is written as a Markdown file, and the environment variable holding the
    # webhook URL it is posted to: at least one of them when `at` is set.
    folder: Path | None = None
    webhook_env: str = DEFAULT_BRIEF_WEBHOOK_ENV


@dataclass(frozen=True)
class SourceSettings:
    name: str
    kind: str
    interval_seconds: int
    enabled: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    path: Path | None
    database: DatabaseSettings = DatabaseSettings()
    scenario: ScenarioSettings = ScenarioSettings()
    scorer: ScorerSettings = ScorerSettings()
    privacy: PrivacySettings = PrivacySettings()
    surges: SurgeSettings = SurgeSettings()
    brief: BriefSettings = BriefSettings()
    sources: tuple[SourceSettings, ...] = ()

    def source(self, name: str) -> SourceSettings:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise SettingsError(f"no source named {name!r} in {self.path} (configured: {known})")


# A brief (scheduled, or `minsim brief --hours`) covers at most a month: longer periods are
# better read on the dashboard.
MAX_BRIEF_HOURS = 24 * 31
# More briefs a day than this is a feed, not a brief.
MAX_BRIEF_TIMES = 24
_TIME_OF_DAY_RE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
# What the `*_env` keys name: an environment variable (a URL or key written there instead is a
# secret in the wrong place, and is never repeated in a message). Shells take letters, digits
# and _; systemd and container runtimes also pass on names with . and -.
_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
ENV_KEYS = (("privacy", "salt_env"), ("surges", "webhook_env"), ("brief", "webhook_env"))

# table -> key -> (expected type(s), description used in messages)
_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "database": {"url": (str, "a database URL string")},
    "scenario": {"path": (str, "a folder path string")},
    "scorer": {"extra_lexicons": (list, "a list of lexicon file paths")},
    "privacy": {"salt_env": (str, "an environment variable name"), "salt_file": (str, "a path")},
    "surges": {
        "webhook_env": (str, "an environment variable name"),
        "watch": (list, "a list of words to watch"),
    },
    "brief": {
        "at": (list, 'a list of KST times of day such as ["08:00", "18:00"]'),
        "hours": (int, f"a whole number of hours from 1 to {MAX_BRIEF_HOURS}"),
        "companies": (list, "a list of company ids"),
        "folder": (str, "a folder path"),
        "webhook_env": (str, "an environment variable name"),
    },
}
_SOURCE_COMMON = {"name", "kind", "interval", "enabled"}
# A source's name is stored in runs.source and cursors.source (String(100) in minsim/schema.py;
# tests/test_settings.py keeps them equal): a longer one would fail every run on PostgreSQL.
MAX_SOURCE_NAME_CHARS = 100
# Source options that name files or folders: resolved against the settings file's folder.
PATH_OPTIONS = frozenset({"folder", "demo_dir"})


def resolve_config_path(path: str | Path | None) -> tuple[Path, bool]:
    """The settings file to read, and whether the user named it (then it must exist)."""
    if path is not None:
        return Path(path), True
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]), True
    return Path(DEFAULT_CONFIG_NAME), False


def load_settings(path: str | Path | None = None, *, database_url: str | None = None) -> Settings:
    """Read the settings file once; `database_url` is the command-line flag (highest precedence)."""
    config_path, explicit = resolve_config_path(path)
    if config_path.is_file():
        raw = _read_toml(config_path)
        settings = _parse(raw, config_path)
    elif explicit:
        raise SettingsError(f"settings file {config_path} does not exist")
    else:
        settings = Settings(path=None)
    url = database_url or os.environ.get(DATABASE_URL_ENV) or settings.database.url
    base = config_path.resolve().parent if settings.path else Path.cwd()
    return Settings(
        path=settings.path,
        database=DatabaseSettings(url=_resolve_sqlite_url(url, base)),
        scenario=ScenarioSettings(path=_resolve(settings.scenario.path, base)),
        scorer=ScorerSettings(tuple(_resolve(p, base) for p in settings.scorer.extra_lexicons)),
        privacy=PrivacySettings(
            salt_env=settings.privacy.salt_env,
            salt_file=_resolve(settings.privacy.salt_file, base),
        ),
        surges=settings.surges,
        brief=replace(
            settings.brief,
            folder=_resolve(settings.brief.folder, base) if settings.brief.folder else None,
        ),
        sources=tuple(_resolve_source_paths(source, base) for source in settings.sources),
    )


def _resolve_source_paths(source: SourceSettings, base: Path) -> SourceSettings:
    options = dict(source.options)
    for key in PATH_OPTIONS & set(options):
        if isinstance(options[key], str) and options[key]:
            options[key] = str(_resolve(Path(options[key]), base))
    return replace(source, options=options)


def parse_interval(value: object, where: str) -> int:
    """Seconds from "15m" / "1h" / "30s" / "1d" / 900."""
    if isinstance(value, bool):
        raise SettingsError(f'{where}: expected an interval like "15m" or seconds, got {value!r}')
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str) and (match := _INTERVAL_RE.match(value)):
        seconds = int(match.group(1)) * _INTERVAL_UNITS[match.group(2)]
    else:
        raise SettingsError(
            f'{where}: expected an interval like "30s", "15m", "1h", "1d" or a number of '
            f"seconds, got {value!r}"
        )
    if seconds < MIN_INTERVAL_SECONDS:
        raise SettingsError(f"{where}: interval must be at least {MIN_INTERVAL_SECONDS}s")
    return seconds


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read settings file: {exc.strerror}") from exc


def _parse(raw: dict[str, Any], path: Path) -> Settings:
    """The settings in `raw`; every problem found is reported at once, naming the file."""
    problems: list[str] = []
    unknown = set(raw) - set(_SCHEMA) - {"sources"}
    if unknown:
        problems.append(
            f"unknown setting(s) {', '.join(sorted(unknown))}; "
            f"known tables: {', '.join(sorted([*_SCHEMA, 'sources']))}"
        )
    tables = {name: _table(raw, name, problems) for name in _SCHEMA}
    lexicons = tables["scorer"].get("extra_lexicons", [])
    for index, item in enumerate(lexicons):
        if not isinstance(item, str):
            problems.append(
                f"[scorer] extra_lexicons[{index}] must be a path string (got {item!r})"
            )
    watch = _watched_words(tables["surges"].get("watch", []), problems)
    brief = _brief(tables["brief"], problems)
    _environment_names(tables, problems)
    sources = _sources(raw.get("sources", []), problems)
    _stop_on(problems, path)
    privacy = tables["privacy"]
    return Settings(
        path=path,
        database=DatabaseSettings(url=tables["database"].get("url", DEFAULT_DATABASE_URL)),
        scenario=ScenarioSettings(path=Path(tables["scenario"].get("path", DEFAULT_SCENARIO))),
        scorer=ScorerSettings(extra_lexicons=tuple(Path(p) for p in lexicons)),
        privacy=PrivacySettings(
            salt_env=privacy.get("salt_env", DEFAULT_SALT_ENV),
            salt_file=Path(privacy.get("salt_file", DEFAULT_SALT_FILE)),
        ),
        surges=SurgeSettings(
            webhook_env=tables["surges"].get("webhook_env", DEFAULT_WEBHOOK_ENV), watch=watch
        ),
        brief=brief,
        sources=sources,
    )


def _stop_on(problems: list[str], path: Path) -> None:
    """Raise one SettingsError naming the file and every problem (one line, as all errors are)."""
    if len(problems) == 1:
        raise SettingsError(f"{path}: {problems[0]}")
    if problems:
        listed = "; ".join(f"({number}) {text}" for number, text in enumerate(problems, 1))
        raise SettingsError(f"{path}: {len(problems)} problems: {listed}")


# More watched words than this is a topic list, not a watch: the Topics page is for that.
MAX_WATCHED_WORDS = 50


def _watched_words(words: list[object], problems: list[str]) -> tuple[str, ...]:
    """`[surges] watch` as terms are written (each once), or problems naming the bad items."""
    if not words:
        return ()  # every command reads the settings: the term rules load only when needed
    from minsim.aggregate.terms import TERM_SHAPE, as_term

    if len(words) > MAX_WATCHED_WORDS:
        problems.append(f"[surges] watch holds {len(words)} words; at most {MAX_WATCHED_WORDS}")
        return ()
    found: dict[str, None] = {}
    for index, word in enumerate(words):
        term = as_term(word) if isinstance(word, str) else None
        if term is None:
            problems.append(
                f"[surges] watch[{index}] must be a word of {TERM_SHAPE} (got {str(word)[:40]!r})"
            )
            continue
        found[term] = None
    return tuple(found)


def _brief(table: dict[str, Any], problems: list[str]) -> BriefSettings:
    """`[brief]`: times of day as "HH:MM" (each once, in order), hours in range, company ids as
    strings; the problems name the bad items."""
    times: dict[time, None] = {}
    for index, item in enumerate(table.get("at", [])):
        found = _time_of_day(item)
        if found is None:
            problems.append(
                f'[brief] at[{index}] must be a time of day as "HH:MM", 00:00 to 23:59 '
                f"(got {str(item)[:40]!r})"
            )
            continue
        times[found] = None
    if len(times) > MAX_BRIEF_TIMES:
        problems.append(f"[brief] at holds {len(times)} times; at most {MAX_BRIEF_TIMES}")
    hours = table.get("hours", DEFAULT_BRIEF_HOURS)
    if isinstance(hours, bool) or not 1 <= hours <= MAX_BRIEF_HOURS:
        problems.append(
            f"[brief] hours must be a whole number of hours from 1 to {MAX_BRIEF_HOURS} "
            f"(got {hours!r})"
        )
        hours = DEFAULT_BRIEF_HOURS
    companies = table.get("companies", [])
    for index, company in enumerate(companies):
        if not isinstance(company, str) or not company.strip():
            problems.append(f"[brief] companies[{index}] must be a company id (got {company!r})")
    folder = table.get("folder")
    if folder is not None and not folder.strip():
        problems.append("[brief] folder must be a folder path, not empty")
    return BriefSettings(
        at=tuple(sorted(times)),
        hours=hours,
        companies=tuple(dict.fromkeys(c for c in companies if isinstance(c, str) and c.strip())),
        folder=Path(folder) if folder and folder.strip() else None,
        webhook_env=table.get("webhook_env", DEFAULT_BRIEF_WEBHOOK_ENV),
    )


def _time_of_day(item: object) -> time | None:
    """ "08:00", or a TOML local time on the minute (08:00:00), as a time; None otherwise."""
    if isinstance(item, time):
        whole = item.tzinfo is None and item.second == 0 and item.microsecond == 0
        return item if whole else None
    matched = _TIME_OF_DAY_RE.fullmatch(item) if isinstance(item, str) else None
    return time(int(matched[1]), int(matched[2])) if matched else None


def _environment_names(tables: dict[str, dict[str, Any]], problems: list[str]) -> None:
    """Each `*_env` key must name a variable; its value is not repeated, in case it is the
    secret itself."""
    for table, key in ENV_KEYS:
        value = tables[table].get(key)
        if value is not None and not _ENV_NAME_RE.fullmatch(value):
            problems.append(
                f"[{table}] {key} must be the name of an environment variable (letters, digits, "
                "_, . and -, not starting with a digit); its value is not shown, in case it is a "
                "secret"
            )


def _table(raw: dict[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    """The keys of table `name` that are known and well typed; the others become problems."""
    table = raw.get(name, {})
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table")
        return {}
    schema = _SCHEMA[name]
    valid: dict[str, Any] = {}
    for key, value in table.items():
        if key not in schema:
            problems.append(
                f"unknown key {key!r} in [{name}]; known keys: {', '.join(sorted(schema))}"
            )
            continue
        expected, description = schema[key]
        if not isinstance(value, expected):
            problems.append(f"[{name}] {key} must be {description} (got {value!r})")
            continue
        valid[key] = value
    return valid


def _sources(raw_sources: object, problems: list[str]) -> tuple[SourceSettings, ...]:
    """Every [[sources]] table checked against its kind's declared options (collectors/registry)."""
    if not isinstance(raw_sources, list):
        problems.append("sources must be an array of tables ([[sources]])")
        return ()
    sources: list[SourceSettings] = []
    seen: set[str] = set()
    for index, table in enumerate(raw_sources):
        source = _source(table, f"[[sources]] #{index + 1}", seen, problems)
        if source is not None:
            sources.append(source)
    return tuple(sources)


def _source(
    table: object, where: str, seen: set[str], problems: list[str]
) -> SourceSettings | None:
    """One [[sources]] table (`where` names it until its name is known), or None when anything
    is wrong with it; every problem found goes to `problems`."""
    from collectors.registry import KINDS  # late import: settings must load without collectors

    if not isinstance(table, dict):
        problems.append(f"{where} must be a table")
        return None
    problems.extend(
        f"{where}: missing required key {key!r}"
        for key in ("name", "kind", "interval")
        if key not in table
    )
    name = _source_name(table, seen, where, problems)
    if name is not None:
        where = _source_label(name)
    interval = 0
    if "interval" in table:
        try:
            interval = parse_interval(table["interval"], f"{where} interval")
        except SettingsError as exc:
            problems.append(str(exc))
    kind = table.get("kind")
    if "kind" in table and (not isinstance(kind, str) or kind not in KINDS):
        problems.append(f"{where}: unknown kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    if not isinstance(kind, str) or kind not in KINDS:
        return None  # its options cannot be checked without a known kind
    # a kind may default to off (naver_comments reads an undocumented endpoint)
    enabled = table.get("enabled", KINDS[kind].default_enabled)
    if not isinstance(enabled, bool):
        problems.append(f"{where}: enabled must be true or false (got {enabled!r})")
    options = {k: v for k, v in table.items() if k not in _SOURCE_COMMON}
    resolved = _source_options(options, KINDS[kind].options, where, problems)
    if problems or name is None:
        return None
    return SourceSettings(name, kind, interval, bool(enabled), resolved)


def _source_name(
    table: dict[str, Any], seen: set[str], where: str, problems: list[str]
) -> str | None:
    """The source's name when it is a usable one (non-empty, not used before), else None."""
    if "name" not in table:
        return None
    name = table["name"]
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: name must be a non-empty string (got {name!r})")
        return None
    if len(name) > MAX_SOURCE_NAME_CHARS:
        problems.append(
            f"{where}: name must be at most {MAX_SOURCE_NAME_CHARS} characters (got {len(name)})"
        )
        return None
    if name in seen:
        problems.append(f"{_source_label(name)}: the name is used by another source")
    seen.add(name)
    return name


def _source_label(name: str) -> str:
    """How messages name a source: `[[sources]] "inbox"` (quoted as TOML would)."""
    return f"[[sources]] {json.dumps(name, ensure_ascii=False)}"


def _source_options(
    options: dict[str, Any], spec: Mapping[str, Any], where: str, problems: list[str]
) -> Mapping[str, Any]:
    """The kind's options with defaults filled in; every value is checked against its
    declaration (type, range, choices, form), so a wrong value stops the program here and not
    at each collection."""
    unknown = set(options) - set(spec)
    if unknown:
        known = ", ".join(sorted([*_SOURCE_COMMON, *spec]))
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: {known}")
    resolved: dict[str, Any] = {}
    for key, option in spec.items():
        if key not in options:
            if option.required:
                problems.append(f"{where}: missing required key {key!r} ({option.doc})")
            resolved[key] = option.default
            continue
        problems.extend(f"{where}: {problem}" for problem in option.problems(key, options[key]))
        resolved[key] = options[key]
    return resolved


def _resolve(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else base / path


def _resolve_sqlite_url(url: str, base: Path) -> str:
    """Make a relative SQLite file path relative to the settings file, not the current folder."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith("sqlite:////") or url == "sqlite:///:memory:":
        return url
    return prefix + str(base / url[len(prefix) :])


def mask_url(url: str) -> str:
    """A database URL safe for messages: any password replaced by ***."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
