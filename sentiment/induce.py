"""Learn lexicon weights from labeled `text<TAB>label` files (smoothed, shrunk log-odds).

Each morpheme key, and each pair of adjacent morphemes, is counted once per document (Bernoulli
naive Bayes style); a content word under negation (안 좋다) counts for the other label, matching
what the scorer's negation rule will do with it. A key's weight is the log ratio of the share of
positive and negative documents that contain it, with additive smoothing, shrunk towards 0 by
n / (n + shrink) so rare keys stay weak, and clipped to [-4, 4]. A pair is kept only when it
says more than its two parts (the scorer matches the longest phrase, replacing the parts);
pairs are formed of content words only.
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
from sentiment.engine import SentenceEngine
from sentiment.evaluate import LabeledFileError, read_labeled
from sentiment.lexicon_loader import (
    LEXICON_DIR,
    MAX_ABS_WEIGHT,
    MODIFIERS_FILE,
    Lexicon,
    load_modifiers,
)
from sentiment.tokenizer import Sentence, tokenize_many

# Held-out part: rows whose text hash falls in bucket 0 of 10 (10 %) are never induced from.
HOLDOUT_BUCKETS = 10
HOLDOUT_BUCKET = 0
# Tags that may get a weight: content words, and also endings and particles, which carry much of
# a Korean sentence's stance (-네요, -냐, -는데). Proper nouns (NNP) are left out on purpose:
# names of films or people would be memorised, not generalised; so are Latin letters (SL),
# which in reviews are mostly grades (C급, B급) that mean nothing in comments.
_INDUCE_TAG_TEXT = (
    "NNG VV VA MAG MAJ XR IC SW W_EMOJI EF EC ETM ETN EP JX JKS JKO JKB JKC JKG VX VCN XSN XSV "
    "XSA XPN NNB NP NR MM SF SO SP"
)
INDUCE_TAGS = frozenset(_INDUCE_TAG_TEXT.split(" "))
# Tags of content words: counted negation-aware and weighted in full; the others are scaled.
CONTENT_TAGS = frozenset({"NNG", "VV", "VA", "MAG", "XR", "IC", "SW", "W_EMOJI"})
# Light verbs and the copula: in nearly every text, they would only add noise.
STOP_KEYS = frozenset({"하다/VV", "되다/VV", "있다/VA", "이다/VCP"})
# Where a feeling sits, not which feeling: 마음이 아프다 and 마음이 따뜻하다 differ only in the
# predicate. Reviews praise films that hurt (가슴 아픈 영화), which would make these words (and
# their pairs: 가슴 속, 마음 아프다) praise in comments about a disaster too.
FEELING_SEATS = frozenset({"가슴/NNG", "마음/NNG"})
# Defaults (chosen on the held-out reviews split and on comments_dev.tsv, which is never
# induced from).
DEFAULT_MIN_COUNT = 3  # documents a single morpheme must occur in
DEFAULT_BIGRAM_MIN_COUNT = 10  # documents a pair of adjacent morphemes must occur in
DEFAULT_BIGRAM_MIN_GAIN = 0.7  # a pair is kept only if its weight differs this much from its parts
# Additive smoothing of both document counts: 0.5 (Jeffreys) rather than Laplace's 1 keeps more
# of the evidence of mid-frequency keys; comments 0.8541 -> 0.8625 with the scale below.
DEFAULT_SMOOTHING = 0.5
DEFAULT_SHRINK = 10.0  # n / (n + shrink) pulls rare keys towards 0
DEFAULT_SCALE = 1.0  # weight per unit of natural-log odds
# Endings and particles weigh three quarters of content words: they carry much of a comment's
# stance (-네요, -냐); 0.5 -> 0.75 measured comments 0.8541 -> 0.8601, held-out reviews +0.07 pt.
DEFAULT_FUNCTION_SCALE = 0.75
DEFAULT_MIN_ABS = 0.05  # smaller weights are dropped as noise
# Texts tokenized per batch while counting.
INDUCE_BATCH = 5000


@dataclass(frozen=True)
class InduceSettings:
    """Everything that decides the induced weights; written into the file header."""

    corpus: str
    min_count: int = DEFAULT_MIN_COUNT
    bigram_min_count: int = DEFAULT_BIGRAM_MIN_COUNT
    bigram_min_gain: float = DEFAULT_BIGRAM_MIN_GAIN
    smoothing: float = DEFAULT_SMOOTHING
    shrink: float = DEFAULT_SHRINK
    scale: float = DEFAULT_SCALE
    function_scale: float = DEFAULT_FUNCTION_SCALE
    min_abs: float = DEFAULT_MIN_ABS


def is_held_out(text: str) -> bool:
    """True for the fixed 10 % of rows kept out of induction (sha1 of the text, bucket 0 of 10)."""
    bucket = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % HOLDOUT_BUCKETS
    return bucket == HOLDOUT_BUCKET


def document_keys(
    sentences: list[Sentence], engine: SentenceEngine, excluded: frozenset[str]
) -> tuple[set[str], set[str]]:
    """Keys said plainly and content keys said under negation (counted for the other label),
    plus adjacent pairs, of one document."""
    plain: set[str] = set()
    negated: set[str] = set()
    for sentence in sentences:
        keys, tags = sentence.keys, sentence.tags
        covered = [False] * len(keys)
        usable = [
            tag in INDUCE_TAGS and key not in excluded for key, tag in zip(keys, tags, strict=True)
        ]
        for i, key in enumerate(keys):
            if not usable[i]:
                continue
            if tags[i] in CONTENT_TAGS and len(engine.negators_of(keys, tags, i, i, covered)) % 2:
                negated.add(key)
            else:
                plain.add(key)
            # pairs of content words only: pairs with endings learned film-review habits
            pair = i + 1 < len(keys) and usable[i + 1]
            if pair and tags[i] in CONTENT_TAGS and tags[i + 1] in CONTENT_TAGS:
                plain.add(f"{key} {keys[i + 1]}")
    return plain, negated


def count_keys(
    documents: Sequence[list[Sentence]], labels: Sequence[str], excluded: frozenset[str]
) -> tuple[Counter[str], Counter[str], int, int]:
    """Documents per key in positive and negative texts, and the number of each."""
    engine = SentenceEngine(Lexicon(), load_modifiers(LEXICON_DIR / MODIFIERS_FILE))
    counts = {"pos": Counter(), "neg": Counter()}
    other = {"pos": "neg", "neg": "pos"}
    for label, sentences in zip(labels, documents, strict=True):
        plain, negated = document_keys(sentences, engine, excluded)
        counts[label].update(plain)
        counts[other[label]].update(negated)
    n_pos = sum(1 for x in labels if x == "pos")
    return counts["pos"], counts["neg"], n_pos, len(labels) - n_pos


def tokenize_all(texts: Sequence[str]) -> list[list[Sentence]]:
    """Sentences of every text, tokenized in batches through the shared Kiwi."""
    documents: list[list[Sentence]] = []
    for start in range(0, len(texts), INDUCE_BATCH):
        documents.extend(tokenize_many(texts[start : start + INDUCE_BATCH]))
    return documents


def weigh(
    pos: Counter[str], neg: Counter[str], n_pos: int, n_neg: int, settings: InduceSettings
) -> list[tuple[str, float, int, int]]:
    """(key, weight, positive docs, negative docs) for keys that pass the thresholds."""
    a = settings.smoothing
    weights: dict[str, tuple[float, int, int]] = {}
    for key in pos.keys() | neg.keys():
        cp, cn = pos[key], neg[key]
        n = cp + cn
        pair = " " in key
        if n < (settings.bigram_min_count if pair else settings.min_count):
            continue
        log_odds = math.log((cp + a) / (n_pos + a)) - math.log((cn + a) / (n_neg + a))
        weight = log_odds * n / (n + settings.shrink) * settings.scale
        if not pair and key.rsplit("/", 1)[1] not in CONTENT_TAGS:
            weight *= settings.function_scale
        weight = max(-MAX_ABS_WEIGHT, min(MAX_ABS_WEIGHT, weight))
        if abs(weight) >= settings.min_abs:
            weights[key] = (weight, cp, cn)
    out = []
    for key, (weight, cp, cn) in weights.items():
        if " " in key:
            first, second = key.split(" ")
            parts = weights.get(first, (0.0,))[0] + weights.get(second, (0.0,))[0]
            if abs(weight - parts) < settings.bigram_min_gain:
                continue  # the pair says nothing its two parts do not already say
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
    excluded = (
        R.EVENT_WORDS
        | STOP_KEYS
        | FEELING_SEATS
        | frozenset(load_modifiers(LEXICON_DIR / MODIFIERS_FILE))
    )
    pos, neg, n_pos, n_neg = count_keys(tokenize_all(texts), labels, excluded)
    rows = weigh(pos, neg, n_pos, n_neg, settings)
    source = f"induced:{settings.corpus}"
    header = [
        f"# Induced lexicon: morpheme weights learned from labeled text by `minsim lexicon induce`"
        f" (sentiment/induce.py) on {date.today().isoformat()}.",
        f"# corpus: {settings.corpus}; files: {', '.join(Path(p).name for p in files)}",
        f"# rows used: {len(texts)} ({n_pos} pos / {n_neg} neg); held out: {held} rows whose "
        f"sha1(text) % {HOLDOUT_BUCKETS} == {HOLDOUT_BUCKET} (never induced from, used to measure)",
        f"# method: document-level log-odds (negated content words count for the other label), "
        f"smoothing {settings.smoothing}, shrink n/(n+{settings.shrink}), scale {settings.scale}, "
        f"endings/particles x{settings.function_scale}, min count {settings.min_count}, "
        f"pairs: min count {settings.bigram_min_count}, min gain {settings.bigram_min_gain}, "
        f"min |weight| {settings.min_abs}",
        f"# tags: {' '.join(sorted(INDUCE_TAGS))}; left out: {' '.join(sorted(STOP_KEYS))} "
        f"{' '.join(sorted(FEELING_SEATS))}, event words, modifiers",
        "# columns: weight is the learned value; note holds positive/negative document counts",
        "# licence: derived data; see the corpus licence (NSMC: CC0 1.0, github.com/e9t/nsmc)",
        "key\tweight\tsource\tnote",
    ]
    body = [f"{key}\t{weight:g}\t{source}\tpos={cp} neg={cn}" for key, weight, cp, cn in rows]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    return len(rows)
