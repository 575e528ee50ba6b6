"""Learn lexicon weights from labeled `text<TAB>label` files (smoothed, shrunk log-odds).

Each morpheme key, and each pair of adjacent morphemes, is counted once per document (Bernoulli
naive Bayes style); a content word under negation (안 좋다) counts for the other label, matching
what the scorer's negation rule will do with it. A key's weight is the log ratio of the share of
positive and negative documents that contain it, with additive smoothing, shrunk towards 0 by
n / (n + shrink) so rare keys stay weak, and clipped to [-4, 4]. Adjacent pairs are learned the
same way, as naive Bayes learns them: beside their words, not instead of them. The scorer adds a
pair's weight to its words' (a collocation), so pairs weigh less than words (--bigram-scale).
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
    KNOWN_TAGS,
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
# A pair holds at least one content word and may hold any grammatical morpheme, the copula
# too (재미/NNG 없다/VA, 좋다/VA 네요/EF, 최고/NNG 이다/VCP); punctuation ends a pair (다/EF ./SF
# is not one); names, numbers and foreign words stay out as they do for single keys, and so do
# jamo marks (ㅋㅋ, ㅠㅠ, ^^), whose meaning the echo and sarcasm rules decide from the comment.
PAIR_TAGS = KNOWN_TAGS - {
    *("SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"),
    *("NNP", "SL", "SN", "SH", "W_URL", "W_EMAIL", "W_HASHTAG", "W_MENTION", "W_SERIAL"),
}
# Light verbs and the copula: in nearly every text, they would only add noise.
STOP_KEYS = frozenset({"하다/VV", "되다/VV", "있다/VA", "이다/VCP"})
# Where a feeling sits, not which feeling: 마음이 아프다 and 마음이 따뜻하다 differ only in the
# predicate. Reviews praise films that hurt (가슴 아픈 영화), which would make these words (and
# their pairs: 가슴 속, 마음 아프다) praise in comments about a disaster too.
FEELING_SEATS = frozenset({"가슴/NNG", "마음/NNG"})
# Words a pair may not hold.
PAIR_EXCLUDED = R.EVENT_WORDS | FEELING_SEATS
# Defaults (chosen on the held-out reviews split and on comments_dev.tsv, which is never
# induced from).
DEFAULT_MIN_COUNT = 3  # documents a single morpheme must occur in
DEFAULT_BIGRAM_MIN_COUNT = 3  # documents a pair of adjacent morphemes must occur in
# A pair's weight adds to its words' weights, which already carry part of its evidence (naive
# Bayes counts it twice), so a pair weighs less than a word. Against the former pairs of content
# words that replaced their words (reviews 0.8289, comments 0.8666): held-out reviews 0.8432 and
# comments_dev 0.8666 at 0.6; 0.8447 / 0.8583 at 1.0; 0.8416 / 0.8676 at 0.45.
DEFAULT_BIGRAM_SCALE = 0.6
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
    bigram_scale: float = DEFAULT_BIGRAM_SCALE
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
    plus adjacent pairs (counted plainly: a pair holds its own negation, 안/MAG 되다/VV), of one
    document."""
    plain: set[str] = set()
    negated: set[str] = set()
    for sentence in sentences:
        keys, tags = sentence.keys, sentence.tags
        covered = [False] * len(keys)
        # A key with a space (Kiwi's multi-word names) could not be read back from the file.
        spaced = [" " in key for key in keys]
        usable = [
            tag in INDUCE_TAGS and key not in excluded and not space
            for key, tag, space in zip(keys, tags, spaced, strict=True)
        ]
        for i, key in enumerate(keys):
            if not usable[i]:
                continue
            if tags[i] in CONTENT_TAGS and len(engine.negators_of(keys, tags, i, i, covered)) % 2:
                negated.add(key)
            else:
                plain.add(key)
        # Pairs may hold modifiers (안/MAG 되다/VV, 없다/VA 다/EF): these get no weight of their
        # own, but the pair is evidence all the same. Event words and feeling seats stay out
        # (사과/NNG 하/XSV still only names what happened; 마음/NNG 이/JKS is praise in reviews).
        for i in range(len(keys) - 1):
            first, second = tags[i], tags[i + 1]
            if (
                first in PAIR_TAGS
                and second in PAIR_TAGS
                and (first in CONTENT_TAGS or second in CONTENT_TAGS)
                and not (spaced[i] or spaced[i + 1])
                and keys[i] not in PAIR_EXCLUDED
                and keys[i + 1] not in PAIR_EXCLUDED
            ):
                plain.add(f"{keys[i]} {keys[i + 1]}")
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
    out: list[tuple[str, float, int, int]] = []
    for key in pos.keys() | neg.keys():
        cp, cn = pos[key], neg[key]
        n = cp + cn
        pair = " " in key
        if n < (settings.bigram_min_count if pair else settings.min_count):
            continue
        log_odds = math.log((cp + a) / (n_pos + a)) - math.log((cn + a) / (n_neg + a))
        weight = log_odds * n / (n + settings.shrink) * settings.scale
        if pair:
            weight *= settings.bigram_scale
        elif key.rsplit("/", 1)[1] not in CONTENT_TAGS:
            weight *= settings.function_scale
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
        f"pairs (added to their words): min count {settings.bigram_min_count}, "
        f"scale {settings.bigram_scale}, "
        f"min |weight| {settings.min_abs}",
        f"# tags: {' '.join(sorted(INDUCE_TAGS))}; left out: {' '.join(sorted(STOP_KEYS))} "
        f"{' '.join(sorted(FEELING_SEATS))}, event words, modifiers",
        "# pairs: two adjacent morphemes, one a content word, neither punctuation, a jamo mark, "
        "a name, a number, a foreign word, an event word or a feeling seat",
        "# columns: weight is the learned value; note holds positive/negative document counts",
        "# licence: derived data; see the corpus licence (NSMC: CC0 1.0, github.com/e9t/nsmc)",
        "key\tweight\tsource\tnote",
    ]
    body = [f"{key}\t{weight:g}\t{source}\tpos={cp} neg={cn}" for key, weight, cp, cn in rows]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    return len(rows)
