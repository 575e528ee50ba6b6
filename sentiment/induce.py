"""Learn lexicon weights from labeled `text<TAB>label` files (smoothed, shrunk log-odds).

Each morpheme key is counted once per document (Bernoulli naive Bayes style). Its weight is the
log ratio of the share of positive and negative documents that contain it, with additive
smoothing, shrunk towards 0 by n / (n + shrink) so rare keys stay weak, and scaled onto [-4, 4].
A fixed, deterministic part of every input file (by a hash of the text) is kept out, so the
same rows can be used to measure the result: `is_held_out(text)`.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sentiment import rules as R
from sentiment.evaluate import LabeledFileError, read_labeled
from sentiment.lexicon_loader import LEXICON_DIR, MAX_ABS_WEIGHT, MODIFIERS_FILE, load_modifiers
from sentiment.tokenizer import tokenize_many

# Held-out part: rows whose text hash falls in bucket 0 of 10 (10 %) are never induced from.
HOLDOUT_BUCKETS = 10
HOLDOUT_BUCKET = 0
# Tags worth a weight: content words, roots, interjections, jamo marks and emoji. Proper nouns
# are left out on purpose: names of films or people would be memorised, not generalised.
INDUCE_TAGS = frozenset({"NNG", "VV", "VA", "MAG", "XR", "IC", "SW", "W_EMOJI", "VX"})
# Defaults (chosen on the held-out reviews split, never on comments_dev.tsv).
DEFAULT_MIN_COUNT = 20  # documents a key must occur in
DEFAULT_SMOOTHING = 1.0  # Laplace smoothing of both document counts
DEFAULT_SHRINK = 50.0  # n / (n + shrink) pulls rare keys towards 0
DEFAULT_SCALE = 1.0  # weight per unit of natural-log odds
DEFAULT_MIN_ABS = 0.3  # smaller weights are dropped as noise
# Texts tokenized per batch while counting.
INDUCE_BATCH = 5000


@dataclass(frozen=True)
class InduceSettings:
    """Everything that decides the induced weights; written into the file header."""

    corpus: str
    min_count: int = DEFAULT_MIN_COUNT
    smoothing: float = DEFAULT_SMOOTHING
    shrink: float = DEFAULT_SHRINK
    scale: float = DEFAULT_SCALE
    min_abs: float = DEFAULT_MIN_ABS


def is_held_out(text: str) -> bool:
    """True for the fixed 10 % of rows kept out of induction (sha1 of the text, bucket 0 of 10)."""
    bucket = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % HOLDOUT_BUCKETS
    return bucket == HOLDOUT_BUCKET


def count_keys(
    texts: Sequence[str], labels: Sequence[str], excluded: frozenset[str]
) -> tuple[Counter[str], Counter[str], int, int]:
    """Documents per key in positive and negative texts, and the number of each."""
    pos: Counter[str] = Counter()
    neg: Counter[str] = Counter()
    for start in range(0, len(texts), INDUCE_BATCH):
        batch = texts[start : start + INDUCE_BATCH]
        for label, sentences in zip(
            labels[start : start + INDUCE_BATCH], tokenize_many(batch), strict=True
        ):
            keys = {
                m.key
                for sentence in sentences
                for m in sentence.morphemes
                if m.tag in INDUCE_TAGS and m.key not in excluded
            }
            (pos if label == "pos" else neg).update(keys)
    return pos, neg, sum(1 for x in labels if x == "pos"), sum(1 for x in labels if x == "neg")


def weigh(
    pos: Counter[str], neg: Counter[str], n_pos: int, n_neg: int, settings: InduceSettings
) -> list[tuple[str, float, int, int]]:
    """(key, weight, positive docs, negative docs) for keys that pass the thresholds."""
    out = []
    a = settings.smoothing
    for key in pos.keys() | neg.keys():
        cp, cn = pos[key], neg[key]
        n = cp + cn
        if n < settings.min_count:
            continue
        log_odds = math.log((cp + a) / (n_pos + a)) - math.log((cn + a) / (n_neg + a))
        weight = log_odds * n / (n + settings.shrink) * settings.scale
        weight = max(-MAX_ABS_WEIGHT, min(MAX_ABS_WEIGHT, weight))
        if abs(weight) >= settings.min_abs:
            out.append((key, round(weight, 3), cp, cn))
    out.sort(key=lambda row: (-row[1], row[0]))
    return out


def induce(files: Sequence[Path], output: Path, settings: InduceSettings) -> int:
    """Learn from the non-held-out rows of `files` and write the lexicon; returns rows written."""
    texts: list[str] = []
    labels: list[str] = []
    held = 0
    for path in files:
        kind, rows = read_labeled(Path(path))
        if kind != "document":
            raise LabeledFileError(f"{path}: induction needs a text<TAB>label file")
        for text, _, label in rows:
            if label == "neu":
                continue
            if is_held_out(text):
                held += 1
                continue
            texts.append(text)
            labels.append(label)
    excluded = R.EVENT_WORDS | frozenset(load_modifiers(LEXICON_DIR / MODIFIERS_FILE))
    pos, neg, n_pos, n_neg = count_keys(texts, labels, excluded)
    rows = weigh(pos, neg, n_pos, n_neg, settings)
    source = f"induced:{settings.corpus}"
    header = [
        f"# Induced lexicon: morpheme weights learned from labeled text by `minsim lexicon induce`"
        f" (sentiment/induce.py) on {date.today().isoformat()}.",
        f"# corpus: {settings.corpus}; files: {', '.join(Path(p).name for p in files)}",
        f"# rows used: {len(texts)} ({n_pos} pos / {n_neg} neg); held out: {held} rows whose "
        f"sha1(text) % {HOLDOUT_BUCKETS} == {HOLDOUT_BUCKET} (never induced from, used to measure)",
        f"# method: document-level log-odds, smoothing {settings.smoothing}, shrink n/(n+"
        f"{settings.shrink}), scale {settings.scale}, min count {settings.min_count}, "
        f"min |weight| {settings.min_abs}; tags {' '.join(sorted(INDUCE_TAGS))}",
        "# columns: weight is the learned value; note holds positive/negative document counts",
        "# licence: derived data; see the corpus licence (NSMC: CC0 1.0, github.com/e9t/nsmc)",
        "key\tweight\tsource\tnote",
    ]
    body = [f"{key}\t{weight:g}\t{source}\tpos={cp} neg={cn}" for key, weight, cp, cn in rows]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    return len(rows)
