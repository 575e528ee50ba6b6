"""Check that every lexicon key is what Kiwi actually produces for the examples in its note.

Each row's note ends with `e.g. <surface>, <surface>`: the key must appear as consecutive
morpheme keys when one of those surfaces is tokenized, alone or after an adverb (Kiwi tags some
words differently in isolation). Run:

    .venv/bin/python -m sentiment.lexicon.tools.check_tags sentiment/lexicon/core.tsv ...
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from sentiment.lexicon_loader import parse_key
from sentiment.tokenizer import tokenize_many

# Marker before the example surfaces in a row's note.
EXAMPLE_MARKER = "e.g. "
# Adverb put before a surface to see how Kiwi tags it inside a sentence.
CONTEXT_PREFIX = "진짜 "
# Header line of a polarity file (lexicon/README.md).
HEADER = "key\tweight\tsource\tnote"


def read_rows(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """Yield (line number, key, example surfaces) for each data row of a lexicon file."""
    seen_header = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not seen_header:
            seen_header = line == HEADER
            continue
        key, _weight, _source, note = line.split("\t")
        examples = note.split(EXAMPLE_MARKER, 1)[1].split(", ") if EXAMPLE_MARKER in note else []
        yield number, key, examples


def contains(keys: list[str], phrase: list[str]) -> bool:
    """True when `phrase` occurs as consecutive items of `keys`."""
    size = len(phrase)
    return any(keys[i : i + size] == phrase for i in range(len(keys) - size + 1))


def check_file(path: Path) -> list[str]:
    """Return one `file:line` problem per key that none of its examples produces."""
    rows = list(read_rows(path))
    texts = [t for _, _, examples in rows for e in examples for t in (e, CONTEXT_PREFIX + e)]
    analysed = iter(tokenize_many(texts))
    problems: list[str] = []
    for number, key, examples in rows:
        found = False
        for _ in range(len(examples) * 2):
            sentences = next(analysed)
            keys = [m.key for s in sentences for m in s.morphemes]
            found = found or contains(keys, list(parse_key(key, f"{path}:{number}")))
        if not found:
            problems.append(f"{path}:{number}: {key!r} not produced by its examples {examples}")
    return problems


def main(argv: list[str]) -> int:
    """Check the given lexicon files; exit code 1 when any key does not match Kiwi."""
    problems = [p for name in argv for p in check_file(Path(name))]
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
