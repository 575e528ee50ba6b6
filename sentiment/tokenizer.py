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

# Tags that stay with the sentence before them when they follow its end (?! ㅋㅋ ^^ 😡 ")"):
# punctuation runs, symbols, jamo marks and emoji close a sentence rather than open one.
SENTENCE_TRAILING_TAGS = frozenset({"SF", "SP", "SS", "SSC", "SE", "SO", "SW", "W_EMOJI", "Z_CODA"})
# Upper bound of memoised morpheme keys (a few MB); beyond it keys are computed each time.
KEY_CACHE_LIMIT = 200_000
_KEY_CACHE: dict[tuple[str, str], tuple[str, str]] = {}

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


@dataclass(slots=True)
class Sentence:
    """A sentence: character offsets into the original text and its morphemes as parallel lists
    (lists rather than one object per morpheme keep batch scoring close to Kiwi's own speed)."""

    start: int
    end: int
    keys: list[str]
    tags: list[str]
    forms: list[str]
    starts: list[int]
    ends: list[int]

    @property
    def morphemes(self) -> tuple[Morpheme, ...]:
        return tuple(map(Morpheme, self.forms, self.tags, self.keys, self.starts, self.ends))


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


def _key_of(lemma: str, tag: str) -> tuple[str, str]:
    """(base tag, key) of a Kiwi token, memoised: the same few thousand morphemes recur."""
    cached = _KEY_CACHE.get((lemma, tag))
    if cached is None:
        cached = (base_tag(tag), make_key(lemma, tag))
        if len(_KEY_CACHE) < KEY_CACHE_LIMIT:
            _KEY_CACHE[(lemma, tag)] = cached
    return cached


def _to_sentences(tokens: list) -> list[Sentence]:
    """Split one text's tokens into sentences: after final punctuation (SF), and after a final
    ending (EF) unless punctuation or a mark (ㅋㅋ, emoji) follows it."""
    sentences: list[Sentence] = []
    # One pass over the tokens into parallel lists (the hot loop of batch scoring).
    cache_get = _KEY_CACHE.get
    pairs = []
    forms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in tokens:
        lemma, tag = token.lemma, token.tag
        pair = cache_get((lemma, tag)) or _key_of(lemma, tag)
        pairs.append(pair)
        forms.append(token.form)
        start = token.start
        starts.append(start)
        ends.append(start + token.len)
    tags = [pair[0] for pair in pairs]
    keys = [pair[1] for pair in pairs]
    count = len(tags)
    first = 0
    ended = False  # a final ending or punctuation was seen; close before the next word
    for index, tag in enumerate(tags):
        ended = ended or tag == "SF" or tag == "EF"
        if ended and (index + 1 == count or tags[index + 1] not in SENTENCE_TRAILING_TAGS):
            stop = index + 1
            if first == 0 and stop == count:  # the usual one-sentence text: no copies
                return [Sentence(starts[0], ends[-1], keys, tags, forms, starts, ends)]
            sentences.append(
                Sentence(
                    starts[first],
                    ends[index],
                    keys[first:stop],
                    tags[first:stop],
                    forms[first:stop],
                    starts[first:stop],
                    ends[first:stop],
                )
            )
            first = stop
            ended = False
    if first == 0 and count:
        return [Sentence(starts[0], ends[-1], keys, tags, forms, starts, ends)]
    if first < count:
        sentences.append(
            Sentence(
                starts[first],
                ends[-1],
                keys[first:],
                tags[first:],
                forms[first:],
                starts[first:],
                ends[first:],
            )
        )
    return sentences


def tokenize_one(text: str) -> list[Sentence]:
    """Tokenize one text into sentences of morphemes (single-threaded inside Kiwi)."""
    return _to_sentences(get_kiwi().tokenize(clean_text(text)))


def tokenize_many(texts: Sequence[str] | Iterable[str]) -> Iterator[list[Sentence]]:
    """Tokenize many texts through Kiwi's multi-threaded batch mode, yielding in input order.

    Kiwi works ahead in its own threads while the caller consumes results, so scoring the
    sentences of one text overlaps with tokenizing the next ones.
    """
    cleaned = (clean_text(text) for text in texts)
    for tokens in get_kiwi().tokenize(cleaned):
        yield _to_sentences(tokens)
