"""The settings file: defaults, precedence, and one clear message for every kind of mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from minsim.errors import SettingsError
from minsim.settings import BriefSettings, load_settings, parse_interval

REPO = Path(__file__).resolve().parent.parent
FEED = "https://news.example.test/rss.xml"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "minsim.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINSIM_CONFIG", raising=False)
    monkeypatch.delenv("MINSIM_DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.path is None
    assert settings.database.url == f"sqlite:///{tmp_path}/data/minsim.db"
    assert settings.scenario.path == tmp_path / "seeds/kakao-2022"
    assert settings.sources == ()


def test_relative_paths_follow_the_settings_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[database]\nurl = "sqlite:///db/x.db"\n[scorer]\nextra_lexicons = ["my.tsv"]\n'
        '[[sources]]\nname = "drop"\nkind = "file"\ninterval = "1m"\nfolder = "inbox"\n',
    )
    settings = load_settings(path)
    assert settings.database.url == f"sqlite:///{tmp_path}/db/x.db"
    assert settings.scorer.extra_lexicons == (tmp_path / "my.tsv",)
    assert settings.sources[0].options["folder"] == str(tmp_path / "inbox")
    assert settings.sources[0].interval_seconds == 60


def test_precedence_flag_over_environment_over_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, '[database]\nurl = "sqlite:////from/file.db"\n')
    monkeypatch.delenv("MINSIM_DATABASE_URL", raising=False)
    assert load_settings(path).database.url == "sqlite:////from/file.db"
    monkeypatch.setenv("MINSIM_DATABASE_URL", "sqlite:////from/env.db")
    assert load_settings(path).database.url == "sqlite:////from/env.db"
    flagged = load_settings(path, database_url="sqlite:////from/flag.db")
    assert flagged.database.url == "sqlite:////from/flag.db"


def test_config_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, '[scenario]\npath = "elsewhere"\n')
    monkeypatch.setenv("MINSIM_CONFIG", str(path))
    assert load_settings().scenario.path == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[databse]\nurl = 'x'\n", "unknown setting(s) databse"),
        ("[database]\nuri = 'x'\n", "unknown key 'uri' in [database]"),
        ("[database]\nurl = 5\n", "[database] url must be a database URL string (got 5)"),
        ("[scorer]\nextra_lexicons = 'a.tsv'\n", "extra_lexicons must be a list"),
        ("[[sources]]\nname = 'a'\nkind = 'rss'\n", "missing required key 'interval'"),
        ("[[sources]]\nname = 'a'\nkind = 'telegram'\ninterval = 60\n", "unknown kind 'telegram'"),
        (
            f"[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = '5 minutes'\nurl = '{FEED}'\n",
            '[[sources]] "a" interval: expected an interval',
        ),
        ("[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\n", "missing required key 'url'"),
        (
            f"[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\nurl = '{FEED}'\nurls = 'v'\n",
            "unknown key(s) urls",
        ),
        (
            f"[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\nurl = '{FEED}'\n"
            "max_items = 'all'\n",
            "max_items must be a whole number >= 1 (got 'all')",
        ),
        (
            f"[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\nurl = '{FEED}'\n"
            "enabled = 'yes'\n",
            "enabled must be true or false",
        ),
        (
            f"[[sources]]\nname='a'\nkind='rss'\ninterval=60\nurl='{FEED}'\n"
            f"[[sources]]\nname='a'\nkind='rss'\ninterval=60\nurl='{FEED}'\n",
            '[[sources]] "a": the name is used by another source',
        ),
        ("[database\nurl = 'x'\n", "not valid TOML"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_a_named_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("value", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("2d", 172800), (45, 45)]
)
def test_intervals(value: object, seconds: int) -> None:
    assert parse_interval(value, "x") == seconds


@pytest.mark.parametrize("value", ["0s", "soon", True, -5, 1.5])
def test_bad_intervals(value: object) -> None:
    with pytest.raises(SettingsError):
        parse_interval(value, "x")


def test_the_shipped_settings_file_loads() -> None:
    settings = load_settings(Path(__file__).resolve().parent.parent / "minsim.toml")
    kinds = {source.kind for source in settings.sources}
    assert {"rss", "naver_news", "naver_comments", "youtube", "file", "replay"} <= kinds


def test_the_surge_webhook_variable_is_named_in_the_settings(tmp_path: Path) -> None:
    assert load_settings(_write(tmp_path, "")).surges.webhook_env == "MINSIM_SURGE_WEBHOOK"
    named = load_settings(_write(tmp_path, '[surges]\nwebhook_env = "CHAT_HOOK"\n'))
    assert named.surges.webhook_env == "CHAT_HOOK"
    # A URL written in the file itself is refused: the file names variables, never secrets.
    with pytest.raises(SettingsError, match="unknown key 'webhook' in \\[surges\\]"):
        load_settings(_write(tmp_path, '[surges]\nwebhook = "https://hooks.example/x"\n'))


def test_watched_words_are_written_as_terms_and_bad_ones_named(tmp_path: Path) -> None:
    assert load_settings(_write(tmp_path, "")).surges.watch == ()
    body = '[surges]\nwatch = ["불매", "Kakao", " 소 송 ", "불매", "CEO", "\\u202e탈퇴"]\n'
    # cleaned as stored text is: an invisible bidi override is dropped, not watched for
    watched = load_settings(_write(tmp_path, body)).surges.watch
    assert watched == ("불매", "kakao", "소송", "CEO", "탈퇴")
    bad = '[surges]\nwatch = ["불매", "evil.com", 3, "가", "5G망"]\n'
    with pytest.raises(SettingsError) as caught:
        load_settings(_write(tmp_path, bad))
    message = str(caught.value)
    assert "4 problems" in message
    for index, shown in ((1, "'evil.com'"), (2, "'3'"), (3, "'가'"), (4, "'5G망'")):
        assert (
            f"[surges] watch[{index}] must be a word of Hangul and Latin letters, 2 to 30 "
            f"characters (got {shown})" in message
        ), index
    with pytest.raises(SettingsError, match="watch must be a list of words to watch"):
        load_settings(_write(tmp_path, '[surges]\nwatch = "불매"\n'))
    many = "[surges]\nwatch = [" + ", ".join(f'"말{n:02d}"' for n in range(51)) + "]\n"
    with pytest.raises(SettingsError, match="watch holds 51 words; at most 50"):
        load_settings(_write(tmp_path, many))


def test_brief_times_are_read_in_order_and_bad_values_named(tmp_path: Path) -> None:
    assert load_settings(_write(tmp_path, "")).brief == BriefSettings()
    body = '[brief]\nat = ["18:00", "08:00", "18:00"]\nhours = 12\ncompanies = ["kakao"]\n'
    brief = load_settings(_write(tmp_path, body + 'folder = "briefs"\n')).brief
    assert brief.at == (time(8, 0), time(18, 0))
    assert (brief.hours, brief.companies) == (12, ("kakao",))
    assert brief.folder == tmp_path / "briefs"  # relative to the settings file
    assert brief.webhook_env == "MINSIM_BRIEF_WEBHOOK"
    bad = '[brief]\nat = ["8:00", "24:00", 800, "07:30"]\nhours = 0\ncompanies = [""]\n'
    with pytest.raises(SettingsError) as caught:
        load_settings(_write(tmp_path, bad + 'folder = " "\n'))
    message = str(caught.value)
    assert "6 problems" in message
    for index, shown in ((0, "'8:00'"), (1, "'24:00'"), (2, "'800'")):
        assert (
            f'[brief] at[{index}] must be a time of day as "HH:MM", 00:00 to 23:59 (got {shown})'
        ) in message
    assert "[brief] hours must be a whole number of hours from 1 to 744 (got 0)" in message
    assert "[brief] companies[0] must be a company id (got '')" in message
    assert "[brief] folder must be a folder path, not empty" in message
    with pytest.raises(SettingsError, match="hours must be a whole number .* \\(got True\\)"):
        load_settings(_write(tmp_path, "[brief]\nhours = true\n"))
    many = "[brief]\nat = [" + ", ".join(f'"{h:02d}:30"' for h in range(24)) + ', "00:00"]\n'
    with pytest.raises(SettingsError, match="at holds 25 times; at most 24"):
        load_settings(_write(tmp_path, many))
    # TOML's own local times are times of day too, on the minute; a trailing newline is not.
    local = load_settings(_write(tmp_path, "[brief]\nat = [08:00:00, 18:30:00]\n")).brief
    assert local.at == (time(8, 0), time(18, 30))
    for item in ("08:00:30", '"08:00\\n"'):
        with pytest.raises(SettingsError, match=r"at\[0\] must be a time of day"):
            load_settings(_write(tmp_path, f"[brief]\nat = [{item}]\n"))


@pytest.mark.parametrize(("table", "key"), [("surges", "webhook_env"), ("brief", "webhook_env"),
                                            ("privacy", "salt_env")])  # fmt: skip
def test_a_secret_written_where_a_variable_name_goes_is_refused_unrepeated(
    tmp_path: Path, table: str, key: str
) -> None:
    body = f'[{table}]\n{key} = "https://hooks.example/services/T0/B0/key-9d1e"\n'
    with pytest.raises(SettingsError) as caught:
        load_settings(_write(tmp_path, body))
    assert f"[{table}] {key} must be the name of an environment variable" in str(caught.value)
    assert "key-9d1e" not in str(caught.value) and "hooks.example" not in str(caught.value)


def test_naver_comments_is_off_unless_enabled(tmp_path: Path) -> None:
    body = "[[sources]]\nname = 'c'\nkind = 'naver_comments'\ninterval = '30m'\n"
    assert load_settings(_write(tmp_path, body)).sources[0].enabled is False
    body += "enabled = true\n"
    assert load_settings(_write(tmp_path, body)).sources[0].enabled is True


class _Bare(str):
    """A TOML value written as it is (inf, nan), not quoted."""


INF, NAN = _Bare("inf"), _Bare("nan")


def _source(kind: str, **keys: object) -> str:
    """One [[sources]] table named "s" of `kind` with `keys` written as TOML values."""
    lines = ["[[sources]]", 'name = "s"', f'kind = "{kind}"', 'interval = "15m"']
    lines += [f"{key} = {_toml(value)}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Bare):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return str(value)


def test_a_bad_source_option_stops_the_load_naming_file_source_key_and_value(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, _source("rss", url=FEED, max_items=-3).replace('"s"', '"yna"'))
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(info.value) == (
        f'{path}: [[sources]] "yna": max_items must be a whole number >= 1 (got -3)'
    )


def test_every_problem_of_every_source_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        f"[[sources]]\nname = 'feed'\nkind = 'rss'\ninterval = '15m'\nurl = '{FEED}'\n"
        "max_items = -3\n"
        "[[sources]]\nname = 'news'\nkind = 'naver_news'\ninterval = '10m'\nquery = 'q'\n"
        "display = 500\n"
        "[[sources]]\nname = 'demo'\nkind = 'replay'\ninterval = '30s'\nhours_per_run = 0\n"
        "start = 'yesterday'\n"
        "[[sources]]\nname = 'web'\nkind = 'rss'\ninterval = 'often'\nurl = 'not a url'\n"
    )
    path = _write(tmp_path, body)
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"{path}: 6 problems: (1) ")
    for problem in (
        '[[sources]] "feed": max_items must be a whole number >= 1 (got -3)',
        '[[sources]] "news": display must be a whole number from 1 to 100 (got 500)',
        '[[sources]] "demo": hours_per_run must be a number above 0 (got 0)',
        '[[sources]] "demo": start must be empty or an ISO 8601 time',
        "(got 'yesterday')",
        '[[sources]] "web" interval: expected an interval',
        "[[sources]] \"web\": url must be an absolute http:// or https:// URL (got 'not a url')",
    ):
        assert problem in message
    assert "\n" not in message  # errors are one line on stderr


@pytest.mark.parametrize(
    ("kind", "keys", "problem"),
    [
        ("rss", {"url": "not a url"}, "url must be an absolute http:// or https:// URL"),
        ("rss", {"url": "file:///etc/passwd"}, "url must be an absolute http:// or https://"),
        ("rss", {"url": "ftp://example.test/feed"}, "url must be an absolute http://"),
        ("rss", {"url": "https://"}, "url must be an absolute http://"),
        ("rss", {"url": FEED, "max_items": 0}, "max_items must be a whole number >= 1 (got 0)"),
        ("rss", {"url": FEED, "keywords": ["카카오", ""]}, "keywords[1] must be a non-empty"),
        ("naver_news", {"query": "q", "display": 0}, "display must be a whole number from 1 to"),
        ("naver_news", {"query": "q", "display": 101}, "from 1 to 100 (got 101)"),
        ("naver_news", {"query": "q", "max_start": 1001}, "max_start must be a whole number from"),
        ("naver_news", {"query": " "}, "query must be a non-empty string"),
        ("naver_news", {"query": "q", "endpoint": "openapi.naver.com/v1"}, "endpoint must be an"),
        ("naver_news", {"query": "q", "client_id_env": "MY ID"}, "an environment variable name"),
        ("naver_comments", {"page_size": 0}, "page_size must be a whole number from 1 to 100"),
        ("naver_comments", {"page_size": 101}, "page_size must be a whole number from 1 to 100"),
        ("naver_comments", {"max_pages": 0}, "max_pages must be a whole number >= 1"),
        ("naver_comments", {"max_articles": -1}, "max_articles must be a whole number >= 1"),
        ("naver_comments", {"sort": "new"}, 'sort must be one of "NEW", "OLD", "FAVORITE"'),
        ("naver_comments", {"article_urls": ["n.news.naver.com/x"]}, "article_urls[0] must be"),
        ("naver_comments", {"endpoint": "file:///tmp/cbox"}, "endpoint must be an absolute"),
        ("youtube", {"order": "date"}, 'order must be one of "time", "relevance" (got \'date\')'),
        ("youtube", {"max_pages": 0}, "max_pages must be a whole number >= 1"),
        ("youtube", {"endpoint": "www.googleapis.com/youtube/v3"}, "endpoint must be an"),
        ("file", {"folder": ""}, "folder must be a non-empty string"),
        ("file", {"folder": "in", "patterns": []}, "patterns must be a non-empty list"),
        ("replay", {"hours_per_run": -1}, "hours_per_run must be a number above 0 (got -1)"),
        ("replay", {"hours_per_run": INF}, "hours_per_run must be a number above 0 (got inf)"),
        ("replay", {"hours_per_run": NAN}, "hours_per_run must be a number above 0 (got nan)"),
        ("replay", {"hours_per_run": True}, "hours_per_run must be a number above 0 (got True)"),
        ("replay", {"start": "yesterday"}, "start must be empty or an ISO 8601 time"),
    ],
)
def test_values_a_kind_does_not_allow_stop_the_load(
    tmp_path: Path, kind: str, keys: dict[str, object], problem: str
) -> None:
    path = _write(tmp_path, _source(kind, **keys))
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(info.value).startswith(f'{path}: [[sources]] "s": ')
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        ("rss", {"url": "https://news.google.com/rss/search?q=카카오&hl=ko&gl=KR&ceid=KR:ko"}),
        ("rss", {"url": "http://127.0.0.1:8080/feed.xml", "max_items": 1}),
        ("naver_news", {"query": "카카오 먹통", "display": 1, "max_start": 1000}),
        ("naver_news", {"query": "카카오", "display": 100, "max_start": 1}),
        ("naver_comments", {"page_size": 100, "sort": "FAVORITE", "max_pages": 1}),
        ("youtube", {"video_ids": ["kAk0Ap0l0gy"], "order": "relevance"}),
        ("file", {"folder": "inbox", "patterns": ["*.tsv"]}),
        ("replay", {"hours_per_run": 0.5, "start": "2022-10-15T15:00:00+09:00"}),
        ("replay", {"hours_per_run": 6, "start": ""}),
    ],
)
def test_values_at_the_limits_load(tmp_path: Path, kind: str, keys: dict[str, object]) -> None:
    [source] = load_settings(_write(tmp_path, _source(kind, **keys))).sources
    for key, value in keys.items():
        if key != "folder":  # resolved against the settings file's folder
            assert source.options[key] == value


def test_collect_with_a_bad_option_stops_before_collecting(tmp_path: Path) -> None:
    database = tmp_path / "minsim.db"
    path = _write(
        tmp_path,
        f'[database]\nurl = "sqlite:///{database}"\n'
        + _source("rss", url="http://127.0.0.1:9/feed.xml", max_items=-3),
    )
    result = subprocess.run(
        [sys.executable, "-m", "minsim", "--config", str(path), "collect"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout
    assert result.stderr.strip().splitlines() == [
        f'minsim: error: {path}: [[sources]] "s": max_items must be a whole number >= 1 (got -3)'
    ]
    assert result.stdout == ""
    assert not database.exists()  # stopped before anything was opened or collected


def test_a_source_name_must_fit_the_columns_that_store_it(tmp_path: Path) -> None:
    from minsim import schema
    from minsim.settings import MAX_SOURCE_NAME_CHARS

    for column in (schema.runs.c.source, schema.cursors.c.source, schema.documents.c.source):
        assert column.type.length == MAX_SOURCE_NAME_CHARS, column
    fits = "n" * MAX_SOURCE_NAME_CHARS
    path = _write(tmp_path, _source("rss", url=FEED).replace('"s"', f'"{fits}"'))
    assert load_settings(path).sources[0].name == fits
    path = _write(tmp_path, _source("rss", url=FEED).replace('"s"', f'"{fits}x"'))
    with pytest.raises(SettingsError, match=f"name must be at most {MAX_SOURCE_NAME_CHARS}"):
        load_settings(path)
