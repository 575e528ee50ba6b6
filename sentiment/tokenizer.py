"""One warmed Kiwi per process: lazy, thread-safe start-up and batch tokenization into sentences."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from kiwipiepy import Kiwi

# Kiwi's multi-threaded batch mode (kiwipiepy docs: num_workers; 0 is single-threaded).
KIWI_WORKERS_ENV = "MINSIM_KIWI_WORKERS"
# Default when the environment does not say: -1 lets Kiwi use every core.
DEFAULT_KIWI_WORKERS = -1
# Kiwi's irregular-conjugation suffixes on tags (VA-I, VV-R); keys use the base tag.
IRREGULAR_TAG_SUFFIXES = ("-I", "-R")
# Tags whose repeated-character runs are folded (ㅋㅋㅋㅋ -> ㅋㅋ), see lexicon/README.md rule 4.
RUN_FOLDED_TAGS = frozenset({"SW", "SP", "SO"})
# Length a folded run keeps: two characters, the way people write the short form (ㅋㅋ, ㅠㅠ).
FOLDED_RUN_LENGTH = 2
# Variation selector that some emoji carry; keys are written without it.
VARIATION_SELECTOR = "\ufe0f"
# Warm-up text: the first call pays for lazy model loading inside Kiwi.
WARMUP_TEXT = "카카오 먹통 사태에 대한 사과는 좋았지만 진정성은 없었다 ㅋㅋ"

# Control characters (but tab and newline) and lone surrogates, which Kiwi cannot encode.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

_lock = threading.Lock()
_kiwi: Kiwi | None = None


@dataclass(frozen=True, slots=True)
class Morpheme:
    """One Kiwi token reduced to what the scorer needs; `key` is the lexicon key `lemma/TAG`."""

    form: str
    tag: str
    key: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence as character offsets into the original text and its morphemes."""

    start: int
    end: int
    morphemes: tuple[Morpheme, ...]


def get_kiwi() -> Kiwi:
    """Return the process-wide Kiwi, starting and warming it on first use (thread-safe)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                workers = int(os.environ.get(KIWI_WORKERS_ENV, DEFAULT_KIWI_WORKERS))
                kiwi = Kiwi(num_workers=workers)
                kiwi.tokenize(WARMUP_TEXT)
                _kiwi = kiwi
    return _kiwi


def base_tag(tag: str) -> str:
    """Drop Kiwi's irregular-conjugation suffix: VA-I -> VA."""
    for suffix in IRREGULAR_TAG_SUFFIXES:
        if tag.endswith(suffix):
            return tag[: -len(suffix)]
    return tag


def fold_run(text: str) -> str:
    """Shorten a run of one repeated character to FOLDED_RUN_LENGTH (ㅋㅋㅋㅋ -> ㅋㅋ)."""
    if len(text) > FOLDED_RUN_LENGTH and len(set(text)) == 1:
        return text[:FOLDED_RUN_LENGTH]
    return text


def make_key(lemma: str, tag: str) -> str:
    """The lexicon key of one morpheme, following lexicon/README.md."""
    tag = base_tag(tag)
    if tag in RUN_FOLDED_TAGS:
        lemma = fold_run(lemma)
    elif tag == "W_EMOJI":
        lemma = lemma.replace(VARIATION_SELECTOR, "")
    return f"{lemma}/{tag}"


def clean_text(text: str) -> str:
    """Replace control characters and lone surrogates by spaces; offsets stay aligned."""
    return _UNSAFE.sub(" ", text)


def _to_sentences(raw: list) -> list[Sentence]:
    sentences: list[Sentence] = []
    for tokens in raw:
        if not tokens:
            continue
        morphemes = tuple(
            Morpheme(t.form, base_tag(t.tag), make_key(t.lemma, t.tag), t.start, t.start + t.len)
            for t in tokens
        )
        sentences.append(Sentence(morphemes[0].start, morphemes[-1].end, morphemes))
    return sentences


def tokenize_one(text: str) -> list[Sentence]:
    """Tokenize one text into sentences of morphemes (single-threaded inside Kiwi)."""
    return _to_sentences(get_kiwi().tokenize(clean_text(text), split_sents=True))


def tokenize_many(texts: Sequence[str] | Iterable[str]) -> Iterator[list[Sentence]]:
    """Tokenize many texts through Kiwi's multi-threaded batch mode, yielding in input order.

    Kiwi works ahead in its own threads while the caller consumes results, so scoring the
    sentences of one text overlaps with tokenizing the next ones.
    """
    cleaned = (clean_text(text) for text in texts)
    for raw in get_kiwi().tokenize(cleaned, split_sents=True):
        yield _to_sentences(raw)
