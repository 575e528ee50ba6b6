"""Judge the scorer on labeled TSV files (text,label or text,aspect,label): accuracy, F1..."""

from __future__ import annotations

import csv
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sentiment.lexicon_loader import LexiconError

LABELS = ("pos", "neg", "neu")
# Texts scored at once: keeps Kiwi's threads busy and memory flat on big files.
EVAL_BATCH = 2000


class LabeledFileError(LexiconError):
    """A labeled file cannot be read or has a header other than text,label / text,aspect,label."""


@dataclass
class Evaluation:
    """Figures for one labeled file; neutral answers count as wrong on pos/neg gold labels."""

    path: str
    kind: str  # document | aspect
    n: int = 0
    unlabeled: int = 0  # rows whose label is still empty (a sample not labelled to the end)
    correct: int = 0
    confusion: dict[str, dict[str, int]] = field(
        default_factory=lambda: {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    )

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def coverage(self) -> float:
        answered = sum(row[p] for row in self.confusion.values() for p in ("pos", "neg"))
        return answered / self.n if self.n else 0.0

    @property
    def macro_f1(self) -> float:
        gold_labels = [g for g in LABELS if sum(self.confusion[g].values())]
        scores = []
        for label in gold_labels:
            tp = self.confusion[label][label]
            predicted = sum(self.confusion[g][label] for g in LABELS)
            actual = sum(self.confusion[label].values())
            precision = tp / predicted if predicted else 0.0
            recall = tp / actual if actual else 0.0
            scores.append(2 * precision * recall / (precision + recall) if tp else 0.0)
        return sum(scores) / len(scores) if scores else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.path,
            "kind": self.kind,
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "coverage": round(self.coverage, 4),
            "unlabeled": self.unlabeled,
            "confusion": self.confusion,
        }


def read_labeled(
    path: Path, aspects: Collection[str] | None = None, *, unlabeled_ok: bool = False
) -> tuple[str, list[tuple[str, str, str]]]:
    """Rows (text, aspect or "", label) and the file kind; quoting is disabled (texts hold ").

    Given the scorer's aspect ids, an aspect row naming any other id is an error: the scorer
    never finds an aspect it does not know, so such a row would silently count as wrong. With
    `unlabeled_ok`, a row whose label is empty (a sample being labelled) comes back with the
    label "" instead of being an error.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise LabeledFileError(f"{path}: cannot read labeled file: {exc}") from exc
    if header == ["text", "label"]:
        kind = "document"
    elif header == ["text", "aspect", "label"]:
        kind = "aspect"
    else:
        raise LabeledFileError(f"{path}:1: header must be text,label or text,aspect,label")
    out: list[tuple[str, str, str]] = []
    width = len(header)
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if unlabeled_ok and kind == "document" and len(row) == 1:
            row = [row[0], ""]  # an editor that trims trailing whitespace took the tab
        if len(row) == width and unlabeled_ok and not row[-1].strip():
            row[-1] = ""
        elif len(row) != width or row[-1] not in LABELS:
            empty = " (the label is empty)" if len(row) == width and not row[-1].strip() else ""
            raise LabeledFileError(
                f"{path}:{number}: expected {width} columns ending in pos|neg|neu{empty}"
            )
        if kind == "aspect" and aspects is not None and row[1] not in aspects:
            raise LabeledFileError(f"{path}:{number}: {_unknown_aspect(row[1], aspects)}")
        out.append((row[0], row[1] if kind == "aspect" else "", row[-1]))
    return kind, out


def _unknown_aspect(aspect: str, known: Collection[str]) -> str:
    if not known:
        return f"unknown aspect {aspect!r}: the scorer has no aspects (no scenario aspects.toml)"
    return f"unknown aspect {aspect!r}; known aspects: {', '.join(sorted(known))}"


def evaluate(
    scorer: object,
    path: Path,
    rows: Sequence[tuple[str, str, str]] | None = None,
    kind: str | None = None,
) -> Evaluation:
    """Score every row of a labeled file (or the given rows) and count the outcomes; a file's
    aspect rows must name aspects the scorer knows. Rows whose label is still empty are
    skipped and counted (`unlabeled`); a file none of whose rows is labelled is an error."""
    if rows is None or kind is None:
        known = [a.id for a in getattr(scorer, "aspects", ())]
        kind, rows = read_labeled(path, known, unlabeled_ok=True)
    result = Evaluation(str(path), kind)
    labelled = [row for row in rows if row[2]]
    result.unlabeled = len(rows) - len(labelled)
    if not labelled:
        raise LabeledFileError(
            f"{path}: no row has a label yet: write pos, neg or neu in the label column"
        )
    rows = labelled
    for start in range(0, len(rows), EVAL_BATCH):
        batch = rows[start : start + EVAL_BATCH]
        scores = scorer.score_many([text for text, _, _ in batch])  # type: ignore[attr-defined]
        for (_, aspect, gold), score in zip(batch, scores, strict=True):
            if kind == "aspect":
                found = [a for a in score.aspects if a.aspect == aspect]
                predicted = found[0].label if found else "neu"
            else:
                predicted = score.label
            result.n += 1
            result.correct += predicted == gold
            result.confusion[gold][predicted] += 1
    return result


def format_evaluation(result: Evaluation) -> str:
    """A terminal table: figures, then the confusion matrix (rows gold, columns predicted)."""
    lines = [
        f"{result.path} ({result.kind})",
        f"  n={result.n}  accuracy={result.accuracy:.4f}  macro-F1={result.macro_f1:.4f}  "
        f"coverage={result.coverage:.4f}"
        + (f"  ({result.unlabeled} rows without a label skipped)" if result.unlabeled else ""),
        "  gold\\pred " + "".join(f"{p:>8}" for p in LABELS),
    ]
    for gold in LABELS:
        lines.append(f"  {gold:<9} " + "".join(f"{result.confusion[gold][p]:>8}" for p in LABELS))
    return "\n".join(lines)
