"""The lexicon loader rejects malformed rows with file:line and handles user overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment.lexicon_loader import (
    LexiconError,
    load_lexicon,
    load_modifiers,
    read_polarity_file,
)

HEADER = "# test lexicon\nkey\tweight\tsource\tnote\n"


def write(tmp_path: Path, name: str, body: str, header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("좋다/VA\t2\tcurated\t\n나쁘다/VA\t-9\tcurated\t\n", "out of range"),
        ("좋다/VA\t0\tcurated\t\n", "out of range"),
        ("좋다/VA\tmany\tcurated\t\n", "not a number"),
        ("좋다/VA\tnan\tcurated\t\n", "out of range"),
        ("좋다/QQ\t2\tcurated\t\n", "unknown tag"),
        ("좋다\t2\tcurated\t\n", "malformed morpheme"),
        ("좋/VA\t2\tcurated\t\n", "must carry 다"),
        ("꼬리/NNG  자르다/VV\t-2\tcurated\t\n", "malformed key"),
        ("좋다/VA\t2\tmine\t\n", "source"),
        ("좋다/VA\t2\n", "columns"),
        ("좋다/VA\t2\tcurated\t\n좋다/VA\t1\tcurated\t\n", "duplicate key"),
        ("Good/SL\t2\tcurated\t\ngood/SL\t1\tcurated\t\n", "duplicate key"),
        ("꼬리/NNG 자르다/VV 기/ETN\t-1\tinduced:x\t\n", "one morpheme or a pair"),
    ],
)
def test_bad_rows_are_rejected_with_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, "bad.tsv", body)
    with pytest.raises(LexiconError) as error:
        read_polarity_file(path)
    assert message in str(error.value)
    # the comment is line 1, the header line 2: the bad row is the last line of the body
    assert str(error.value).startswith(f"{path}:{2 + body.count(chr(10))}:")


def test_missing_header_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "noheader.tsv", "좋다/VA\t2\tcurated\t\n", header="")
    with pytest.raises(LexiconError, match=rf"{path}:1: header"):
        read_polarity_file(path)


def test_phrases_and_induced_sources_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ok.tsv",
        "꼬리/NNG 자르다/VV 기/ETN\t-2.5\tdomain\ttail cutting\nㅋㅋ/SW\t0.8\tinduced:nsmc\n",
    )
    entries = read_polarity_file(path)
    assert [e.keys for e in entries] == [("꼬리/NNG", "자르다/VV", "기/ETN"), ("ㅋㅋ/SW",)]
    assert entries[0].origin == f"{path}:3"


def test_user_file_needs_override_note_to_replace_a_shipped_key(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    write(shipped, "core.tsv", "좋다/VA\t2\tcurated\t\n")
    (shipped / "modifiers.tsv").write_text("key\tkind\tnote\n안/MAG\tnegator_pre\t\n")
    plain = write(tmp_path, "mine.tsv", "좋다/VA\t3\tuser\t\n")
    with pytest.raises(
        LexiconError, match=r"mine\.tsv:3: key '좋다/VA' is already in .*core\.tsv:3"
    ):
        load_lexicon([plain], shipped)
    override = write(tmp_path, "mine2.tsv", "좋다/VA\t3\tuser\toverride: stronger here\n")
    lexicon = load_lexicon([override], shipped)
    assert lexicon.entries["좋다/VA"].weight == 3


def test_curated_row_wins_over_induced_row(tmp_path: Path) -> None:
    write(tmp_path, "core.tsv", "좋다/VA\t2\tcurated\t\n")
    write(tmp_path, "induced_x.tsv", "좋다/VA\t0.5\tinduced:x\t\n싫다/VA\t-1\tinduced:x\t\n")
    lexicon = load_lexicon((), tmp_path)
    assert lexicon.entries["좋다/VA"].source == "curated"
    assert lexicon.entries["싫다/VA"].weight == -1


def test_duplicates_across_curated_files_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "core.tsv", "좋다/VA\t2\tcurated\t\n")
    write(tmp_path, "domain.tsv", "좋다/VA\t1\tdomain\t\n")
    with pytest.raises(
        LexiconError, match=r"domain\.tsv:3: duplicate key '좋다/VA' \(first at .*core\.tsv:3\)"
    ):
        load_lexicon((), tmp_path)


def test_event_words_in_a_file_give_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "core.tsv", "화재/NNG\t-2\tcurated\t\n")
    lexicon = load_lexicon((), tmp_path, frozenset({"화재/NNG"}))
    assert lexicon.warnings and "event word" in lexicon.warnings[0]


def test_a_generated_pair_with_an_event_word_gives_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "induced_x.tsv", "사과/NNG 하/XSV\t-2\tinduced:x\t\n")
    lexicon = load_lexicon((), tmp_path, frozenset({"사과/NNG"}))
    assert lexicon.warnings == [
        f"{tmp_path / 'induced_x.tsv'}:3: generated pair '사과/NNG 하/XSV' holds an event word; "
        "the scorer ignores it"
    ]


def test_modifier_errors_quote_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "modifiers.tsv"
    path.write_text("key\tkind\tnote\n안/MAG\tnegator_pre\t\n너무/MAG\tshouting\t\n")
    with pytest.raises(LexiconError, match=rf"{path}:3: unknown modifier kind"):
        load_modifiers(path)


def test_shipped_lexicon_and_modifiers_load() -> None:
    lexicon = load_lexicon()
    modifiers = load_modifiers()
    assert "negator_pre" in modifiers["안/MAG"]
    assert "contrast" in modifiers["지만/EC"]
    assert len(lexicon.entries) > 100


def test_latin_words_are_read_lowercase_as_the_tokenizer_writes_them(tmp_path: Path) -> None:
    path = write(tmp_path, "user.tsv", "GREAT/SL 영화/NNG\t2\tuser\t\n")
    (entry,) = read_polarity_file(path)
    assert entry.keys == ("great/SL", "영화/NNG")


def test_user_induced_rows_yield_to_keys_defined_before_them(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    write(shipped, "core.tsv", "좋다/VA\t2\tcurated\t\n")
    write(shipped, "induced_nsmc.tsv", "지루/XR\t-1\tinduced:nsmc\t\n")
    mine = write(tmp_path, "mine.tsv", "뀨뀨/NNG\t2\tuser\t\n")
    induced = write(
        tmp_path,
        "induced.tsv",
        "좋다/VA\t0.4\tinduced:mine\t\n지루/XR\t-2\tinduced:mine\t\n"
        "뀨뀨/NNG\t-1\tinduced:mine\t\n꿀잼/NNG\t1.5\tinduced:mine\t\n",
    )
    lexicon = load_lexicon([mine, induced], shipped)
    assert lexicon.entries["좋다/VA"].source == "curated"
    assert lexicon.entries["지루/XR"].weight == -1  # the shipped induced row wins too
    assert lexicon.entries["뀨뀨/NNG"].source == "user"
    assert lexicon.entries["꿀잼/NNG"].weight == 1.5
    assert lexicon.skipped == {induced: 3}


def test_a_user_row_still_needs_override_after_an_induced_file(tmp_path: Path) -> None:
    write(tmp_path, "core.tsv", "좋다/VA\t2\tcurated\t\n")
    induced = write(tmp_path, "induced.tsv", "좋다/VA\t0.4\tinduced:mine\t\n")
    mine = write(tmp_path, "mine.tsv", "좋다/VA\t3\tuser\t\n")
    with pytest.raises(LexiconError, match=r"mine\.tsv:3: key '좋다/VA' is already in .*core"):
        load_lexicon([induced, mine], tmp_path)


def test_every_error_is_collected_when_a_list_is_given(tmp_path: Path) -> None:
    write(tmp_path, "core.tsv", "좋다/VA\t2\tcurated\t\n")
    mine = write(
        tmp_path,
        "mine.tsv",
        "좋다/VA\t3\tuser\t\n싫다/VA\t9\tuser\t\n뀨뀨/NNG\t1\n꿀잼/NNG\t1\tuser\t\n",
    )
    errors: list[LexiconError] = []
    lexicon = load_lexicon([mine], tmp_path, errors=errors)
    assert sorted(str(e).removeprefix(f"{mine}:").split(":")[0] for e in errors) == ["3", "4", "5"]
    assert "꿀잼/NNG" in lexicon.entries  # the good rows are kept
    headless = write(tmp_path, "headless.tsv", "좋다/VA\t2\tuser\t\n", header="")
    errors.clear()
    load_lexicon([headless], tmp_path, errors=errors)
    (error,) = errors  # a file without its header has no row to trust: one error, no entries
    assert str(error).startswith(f"{headless}:1: header must be")


def test_generated_pairs_are_collocations_and_written_ones_phrases(tmp_path: Path) -> None:
    write(tmp_path, "core.tsv", "꼬리/NNG 자르다/VV\t-2\tcurated\t\n")
    write(
        tmp_path, "induced_x.tsv", "재미/NNG 없다/VA\t-1.2\tinduced:x\t\n지루/XR\t-1\tinduced:x\t\n"
    )
    lexicon = load_lexicon((), tmp_path)
    # a generated pair adds to its words: it is not a phrase that would replace them
    assert lexicon.collocations == {"재미/NNG": {"없다/VA": lexicon.entries["재미/NNG 없다/VA"]}}
    assert [e.key for e in lexicon.phrases["꼬리/NNG"]] == ["꼬리/NNG 자르다/VV"]
    assert "재미/NNG" not in lexicon.phrases


def test_a_user_override_of_a_generated_pair_makes_it_a_phrase(tmp_path: Path) -> None:
    write(tmp_path, "induced_x.tsv", "재미/NNG 없다/VA\t-1.2\tinduced:x\t\n")
    mine = write(tmp_path, "mine.tsv", "재미/NNG 없다/VA\t-3\tuser\toverride: a phrase\n")
    lexicon = load_lexicon([mine], tmp_path)
    assert lexicon.collocations == {"재미/NNG": {}}
    assert [e.weight for e in lexicon.phrases["재미/NNG"]] == [-3]
