"""Shape of the project's labeled Korean tables (tests/data): columns, labels, counts, aspects.

These tests pin the tables themselves, not the scorer's accuracy on them.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from sentiment.evaluate import read_labeled

DATA_DIR = Path(__file__).resolve().parent / "data"
SENTENCES = DATA_DIR / "sentences.tsv"
ASPECT_SENTENCES = DATA_DIR / "aspect_sentences.tsv"
ASPECTS_TOML = Path(__file__).resolve().parent.parent / "seeds" / "kakao-2022" / "aspects.toml"
LABELS = {"pos", "neg", "neu"}
# Floors from issue 3: at least 300 sentences, at least 150 aspect-labelled rows.
MIN_SENTENCES = 300
MIN_ASPECT_ROWS = 150
# Mixed sentences (one text, two aspects, opposite labels) the aspect table must hold; issue 3
# asks for them ("사과는 좋았는데 사퇴는 보여주기 같다"), ten keeps the case well represented.
MIN_MIXED_SENTENCES = 10
# Each label must be a real share of the sentence table, not a token row: 5%.
MIN_LABEL_SHARE = 0.05


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return header, list(reader)


def _aspect_ids() -> set[str]:
    with ASPECTS_TOML.open("rb") as handle:
        return {entry["id"] for entry in tomllib.load(handle)["aspect"]}


@pytest.mark.parametrize(
    ("path", "header"),
    [(SENTENCES, ["text", "label"]), (ASPECT_SENTENCES, ["text", "aspect", "label"])],
)
def test_table_has_header_and_clean_rows(path: Path, header: list[str]) -> None:
    found_header, rows = _rows(path)
    assert found_header == header
    for number, row in enumerate(rows, start=2):
        assert len(row) == len(header), f"{path.name}:{number}: {row}"
        text, label = row[0], row[-1]
        assert text and text == text.strip(), f"{path.name}:{number}: blank or padded text"
        assert label in LABELS, f"{path.name}:{number}: label {label!r}"


def test_sentences_count_unique_and_labels_spread() -> None:
    _, rows = _rows(SENTENCES)
    texts = [row[0] for row in rows]
    assert len(rows) >= MIN_SENTENCES
    duplicates = [text for text, n in Counter(texts).items() if n > 1]
    assert not duplicates
    shares = Counter(row[1] for row in rows)
    for label in LABELS:
        assert shares[label] / len(rows) >= MIN_LABEL_SHARE, (label, shares)


def test_aspect_rows_count_unique_and_cover_every_aspect() -> None:
    _, rows = _rows(ASPECT_SENTENCES)
    assert len(rows) >= MIN_ASPECT_ROWS
    pairs = Counter((row[0], row[1]) for row in rows)
    assert not [pair for pair, n in pairs.items() if n > 1]
    used = {row[1] for row in rows}
    defined = _aspect_ids()
    assert used <= defined, f"aspects not in aspects.toml: {used - defined}"
    assert defined <= used, f"aspects without a row: {defined - used}"


def test_aspect_table_holds_mixed_sentences() -> None:
    _, rows = _rows(ASPECT_SENTENCES)
    labels_by_text: dict[str, set[str]] = defaultdict(set)
    for text, _aspect, label in rows:
        labels_by_text[text].add(label)
    mixed = [text for text, labels in labels_by_text.items() if {"pos", "neg"} <= labels]
    assert len(mixed) >= MIN_MIXED_SENTENCES


@pytest.mark.parametrize(("path", "kind"), [(SENTENCES, "document"), (ASPECT_SENTENCES, "aspect")])
def test_eval_reader_accepts_tables(path: Path, kind: str) -> None:
    found_kind, rows = read_labeled(path)
    assert found_kind == kind
    assert len(rows) == len(_rows(path)[1])
