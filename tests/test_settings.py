"""The settings file: defaults, precedence, and one clear message for every kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from minsim.errors import SettingsError
from minsim.settings import load_settings, parse_interval


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
        ("[database]\nurl = 5\n", "[database] url must be a database URL string, got 5"),
        ("[scorer]\nextra_lexicons = 'a.tsv'\n", "extra_lexicons must be a list"),
        ("[[sources]]\nname = 'a'\nkind = 'rss'\n", "missing required key 'interval'"),
        ("[[sources]]\nname = 'a'\nkind = 'telegram'\ninterval = 60\n", "unknown kind 'telegram'"),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = '5 minutes'\nurl = 'u'\n",
            "source 'a' interval: expected an interval",
        ),
        ("[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\n", "missing required key 'url'"),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\nurl = 'u'\nurls = 'v'\n",
            "unknown key(s) urls",
        ),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\nurl = 'u'\nmax_items = 'all'\n",
            "max_items must be an integer, got 'all'",
        ),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\ninterval = 60\nurl = 'u'\nenabled = 'yes'\n",
            "enabled must be true or false",
        ),
        (
            "[[sources]]\nname='a'\nkind='rss'\ninterval=60\nurl='u'\n"
            "[[sources]]\nname='a'\nkind='rss'\ninterval=60\nurl='u'\n",
            "the name is used by another source",
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


def test_naver_comments_is_off_unless_enabled(tmp_path: Path) -> None:
    body = "[[sources]]\nname = 'c'\nkind = 'naver_comments'\ninterval = '30m'\n"
    assert load_settings(_write(tmp_path, body)).sources[0].enabled is False
    body += "enabled = true\n"
    assert load_settings(_write(tmp_path, body)).sources[0].enabled is True
