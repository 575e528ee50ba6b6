"""Accuracy of the scorer on every labeled file given: a table and JSON (never run by tests).

    .venv/bin/python bench/accuracy.py                      # ../shared/data, reviews held-out part
    .venv/bin/python bench/accuracy.py --data DIR FILE.tsv  # any labeled files as well

reviews_train.tsv is judged only on its held-out part (sentiment.induce.is_held_out), the rows
the shipped induced lexicon never saw.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402

from sentiment import Scorer  # noqa: E402
from sentiment.evaluate import evaluate, format_evaluation, read_labeled  # noqa: E402
from sentiment.induce import is_held_out  # noqa: E402

DEFAULT_DATA = Path("../shared/data")
# Files in the data folder that were induced from: only their held-out rows are judged.
INDUCED_FROM = frozenset({"reviews_train.tsv"})
DEFAULT_FILES = ("comments_dev.tsv", "reviews_train.tsv")
REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = (REPO / "tests/data/sentences.tsv", REPO / "tests/data/aspect_sentences.tsv")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="extra labeled files")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labeled data folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    scorer = Scorer(aspects_path=REPO / "seeds/kakao-2022/aspects.toml")
    paths = [args.data / name for name in DEFAULT_FILES if (args.data / name).exists()]
    paths += [p for p in PROJECT_FILES if p.exists()] + list(args.files)
    results = []
    for path in paths:
        kind, rows = read_labeled(path)
        label = str(path)
        if path.name in INDUCED_FROM:
            rows = [row for row in rows if is_held_out(row[0])]
            label = f"{path} [held-out: sha1(text) % 10 == 0]"
        result = evaluate(scorer, Path(label), rows, kind)
        print(format_evaluation(result))
        results.append(result.to_dict())
    report = {"scorer_version": scorer.version, "results": results}
    emit(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
