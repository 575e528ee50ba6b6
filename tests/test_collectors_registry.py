"""The collector registry: every kind loads, declares documented options, and is in the docs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from collectors.registry import KINDS, get_kind
from minsim.errors import SettingsError
from minsim.settings import load_settings

SECTION = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_module_has_a_collect_generator_and_documented_options(name):
    module = importlib.import_module(f"collectors.{name}")
    assert callable(module.collect)
    kind = get_kind(name)
    assert kind.doc
    for key, option in kind.options.items():
        assert option.doc, f"{name}.{key} lacks a description"
        if not option.required:
            types = option.type if isinstance(option.type, tuple) else (option.type,)
            assert isinstance(option.default, types), f"{name}.{key} default has the wrong type"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_readme_section_documents_every_kind_and_option(name):
    text = SECTION.read_text(encoding="utf-8")
    match = re.search(rf"^### `{name}`.*?(?=^### |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no section for {name}"
    for key in KINDS[name].options:
        assert f"| `{key}` |" in match.group(0), f"{name}.{key} is not documented"


def test_only_naver_comments_is_off_by_default():
    assert [k.name for k in KINDS.values() if not k.default_enabled] == ["naver_comments"]


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(SettingsError, match="known kinds: file, naver_comments"):
        get_kind("twitter")


def test_settings_validate_kind_options_through_the_registry(tmp_path):
    config = tmp_path / "minsim.toml"
    config.write_text(
        '[[sources]]\nname = "d"\nkind = "replay"\ninterval = "30s"\nhours_per_run = 3\n',
        encoding="utf-8",
    )
    [source] = load_settings(config).sources
    assert source.options["hours_per_run"] == 3 and source.options["demo_dir"] == ""
    config.write_text(
        '[[sources]]\nname = "f"\nkind = "rss"\ninterval = "1h"\n'
        'url = "https://news.example.test/rss"\nfull_txt = true\n',
        encoding="utf-8",
    )
    with pytest.raises(SettingsError, match="full_txt"):
        load_settings(config)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_default_is_a_value_its_option_allows(name):
    for key, option in KINDS[name].options.items():
        if not option.required:
            assert option.problems(key, option.default) == [], (name, key)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_count_and_amount_has_a_lower_bound(name):
    # a count of 0 or less would make a source collect nothing, run after run, without failing
    for key, option in KINDS[name].options.items():
        types = option.type if isinstance(option.type, tuple) else (option.type,)
        if int in types or float in types:
            assert option.minimum is not None or option.above is not None, (name, key)


URL_PROBLEM = "url must be an absolute http:// or https:// URL"


@pytest.mark.parametrize(
    ("kind", "key", "value", "problems"),
    [
        ("naver_news", "display", 100, []),
        ("naver_news", "display", 1.5, ["display must be a whole number from 1 to 100 (got 1.5)"]),
        (
            "rss",
            "keywords",
            ["카카오", 3, " "],
            [
                "keywords[1] must be a non-empty string (got 3)",
                "keywords[2] must be a non-empty string (got ' ')",
            ],
        ),
        ("rss", "url", "HTTPS://News.Example.test/rss", []),
        ("rss", "url", " https://news.example.test/rss", [f"{URL_PROBLEM} (got ' https:/"]),
        ("rss", "url", "http://news.example.test:port/", [f"{URL_PROBLEM} (got 'http://news."]),
        ("replay", "hours_per_run", 0.25, []),
    ],
)
def test_an_option_names_each_problem_of_a_value(kind, key, value, problems):
    found = KINDS[kind].options[key].problems(key, value)
    assert len(found) == len(problems)
    for message, start in zip(found, problems, strict=True):
        assert message.startswith(start)
