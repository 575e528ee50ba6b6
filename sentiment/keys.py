"""Print the lexicon keys Kiwi gives a text: `python -m sentiment.keys "실망스럽네 ㅋㅋ"`."""

from __future__ import annotations

import sys

from sentiment.tokenizer import tokenize_one


def main(argv: list[str]) -> int:
    """Show each sentence's morphemes as `form -> key`, so lexicon writers copy exact keys."""
    for text in argv:
        for sentence in tokenize_one(text):
            print(" ".join(m.key for m in sentence.morphemes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
