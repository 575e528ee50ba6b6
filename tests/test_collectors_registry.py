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
        '[[sources]]\nname = "f"\nkind = "rss"\ninterval = "1h"\nurl = "x"\nfull_txt = true\n',
        encoding="utf-8",
    )
    with pytest.raises(SettingsError, match="full_txt"):
        load_settings(config)
