"""A trained baseline beside the scorer: logistic regression on the same Kiwi morphemes.

    .venv/bin/python bench/baseline.py                 # ../shared/data
    .venv/bin/python bench/baseline.py --json out.json

Trains a bag-of-morphemes logistic regression (every morpheme key and every pair of adjacent
keys, present or not, seen in at least two training reviews) on the NSMC reviews the induced
lexicon learned from, and judges it and the scorer on the same rows: the held-out reviews
(sentiment.induce.is_held_out) and the KOTE comments. It shows what a trained, opaque model
reaches on each kind of text, measured in the same run; never part of the test run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402

from sentiment import Scorer  # noqa: E402
from sentiment.evaluate import read_labeled  # noqa: E402
from sentiment.induce import is_held_out, tokenize_all  # noqa: E402
from sentiment.tokenizer import Sentence  # noqa: E402

DEFAULT_DATA = Path("../shared/data")
REVIEWS = "reviews_train.tsv"
COMMENTS = "comments_dev.tsv"
# Features seen in fewer training documents are dropped (they cannot generalise).
MIN_DOCUMENTS = 2
# Full-batch Adam: steps, step size and L2 penalty (chosen on the held-out reviews).
STEPS = 300
LEARNING_RATE = 0.05
L2 = 1e-5
ADAM_BETAS = (0.9, 0.999)
ADAM_EPSILON = 1e-8


def features(sentences: list[Sentence]) -> set[str]:
    """Morpheme keys and adjacent pairs of one document."""
    found: set[str] = set()
    for sentence in sentences:
        keys = sentence.keys
        found.update(keys)
        found.update(f"{a} {b}" for a, b in zip(keys, keys[1:], strict=False))
    return found


class SparseRows:
    """Documents as (row, column) index pairs of their present features."""

    def __init__(self, documents: Sequence[set[str]], vocabulary: dict[str, int]) -> None:
        rows: list[int] = []
        columns: list[int] = []
        for row, found in enumerate(documents):
            for key in found:
                column = vocabulary.get(key)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
        self.rows = np.array(rows, dtype=np.int64)
        self.columns = np.array(columns, dtype=np.int64)
        self.count = len(documents)

    def margins(self, weights: np.ndarray, bias: float) -> np.ndarray:
        return np.bincount(self.rows, weights[self.columns], minlength=self.count) + bias


def train(data: SparseRows, signs: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """Logistic regression by full-batch Adam; signs are +1 (pos) and -1 (neg)."""
    weights = np.zeros(size)
    bias = 0.0
    first = np.zeros(size)
    second = np.zeros(size)
    beta1, beta2 = ADAM_BETAS
    for step in range(1, STEPS + 1):
        margins = data.margins(weights, bias)
        # d/dz log(1 + exp(-y z)) = -y / (1 + exp(y z)), averaged over documents
        slope = -signs / (1.0 + np.exp(np.clip(signs * margins, -50, 50))) / data.count
        gradient = np.bincount(data.columns, slope[data.rows], minlength=size) + L2 * weights
        bias -= LEARNING_RATE * float(slope.sum())
        first = beta1 * first + (1 - beta1) * gradient
        second = beta2 * second + (1 - beta2) * gradient * gradient
        corrected = first / (1 - beta1**step)
        scale = np.sqrt(second / (1 - beta2**step)) + ADAM_EPSILON
        weights -= LEARNING_RATE * corrected / scale
    return weights, bias


def accuracy(predicted: Sequence[str], labels: Sequence[str]) -> float:
    right = sum(p == label for p, label in zip(predicted, labels, strict=True))
    return round(right / len(labels), 4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labeled data folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    missing = [name for name in (REVIEWS, COMMENTS) if not (args.data / name).exists()]
    if missing:
        print(f"{args.data}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    _, review_rows = read_labeled(args.data / REVIEWS)
    _, comment_rows = read_labeled(args.data / COMMENTS)
    train_rows = [row for row in review_rows if not is_held_out(row[0])]
    sets = {
        "reviews held out": [row for row in review_rows if is_held_out(row[0])],
        "comments": comment_rows,
    }
    print(f"tokenizing {len(train_rows) + sum(map(len, sets.values()))} texts ...", flush=True)
    train_docs = [features(s) for s in tokenize_all([row[0] for row in train_rows])]
    seen = Counter(key for found in train_docs for key in found)
    vocabulary = {
        key: i for i, key in enumerate(k for k, n in sorted(seen.items()) if n >= MIN_DOCUMENTS)
    }
    signs = np.array([1.0 if row[2] == "pos" else -1.0 for row in train_rows])
    print(f"training on {len(train_rows)} reviews, {len(vocabulary)} features ...", flush=True)
    weights, bias = train(SparseRows(train_docs, vocabulary), signs, len(vocabulary))
    scorer = Scorer()
    results = []
    for name, rows in sets.items():
        texts = [row[0] for row in rows]
        labels = [row[2] for row in rows]
        docs = SparseRows([features(s) for s in tokenize_all(texts)], vocabulary)
        trained = ["pos" if m > 0 else "neg" for m in docs.margins(weights, bias)]
        ours = [score.label for score in scorer.score_many(texts)]
        result = {
            "set": name,
            "n": len(rows),
            "logistic_regression": accuracy(trained, labels),
            "scorer": accuracy(ours, labels),
        }
        trained_accuracy, scorer_accuracy = result["logistic_regression"], result["scorer"]
        print(
            f"{name:17s} n={len(rows):<6d} logistic regression {trained_accuracy:.4f}"
            f"  scorer {scorer_accuracy:.4f}",
            flush=True,
        )
        results.append(result)
    report = {
        "scorer_version": scorer.version,
        "features": len(vocabulary),
        "train_rows": len(train_rows),
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }
    emit(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
