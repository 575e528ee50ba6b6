"""One warmed Kiwi per process: lazy, thread-safe start-up and batch tokenization into sentences."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from kiwipiepy import Kiwi  # type: ignore[import-untyped]

from sentiment.lexicon_loader import LATIN_TAG

# Constants are Final: the compiled build reads them as C values rather than looking each up
# in the module's dict, which its per-morpheme and per-hit loops would do every time.
# Kiwi's multi-threaded batch mode (kiwipiepy docs: num_workers; 0 is single-threaded).
KIWI_WORKERS_ENV: Final = "MINSIM_KIWI_WORKERS"
# Default when the environment does not say: -1 lets Kiwi use every core.
DEFAULT_KIWI_WORKERS: Final = -1
# Kiwi's irregular-conjugation suffixes on tags (VA-I, VV-R); keys use the base tag.
IRREGULAR_TAG_SUFFIXES: Final = ("-I", "-R")
# Tags whose repeated-character runs are folded (ㅋㅋㅋㅋ -> ㅋㅋ), see lexicon/README.md rule 4.
RUN_FOLDED_TAGS: Final = frozenset({"SW", "SP", "SO"})
# Length a folded run keeps: two characters, the way people write the short form (ㅋㅋ, ㅠㅠ).
FOLDED_RUN_LENGTH: Final = 2
# Laughter typed in a hurry mixes in the keys around ㅋ and ㅎ (ㅋㄱㅋㄱ, ㅋㅋㅌㅋ, ㅋㅋㅎㅎ), and
# crying mixes ㅠ and ㅜ (ㅠㅜㅠㅜ); a longer run of only these marks is read as the plain run.
LAUGHTER_JAMO: Final = frozenset("ㅋㅎㄱㅌㄲ")
CRYING_JAMO: Final = frozenset("ㅠㅜ")
LAUGHTER_RUN, GIGGLE_RUN, CRYING_RUN = "ㅋㅋ", "ㅎㅎ", "ㅠㅠ"
# Variation selector that some emoji carry; keys are written without it.
VARIATION_SELECTOR: Final = "\ufe0f"
# Warm-up text: the first call pays for lazy model loading inside Kiwi.
WARMUP_TEXT: Final = "카카오 먹통 사태에 대한 사과는 좋았지만 진정성은 없었다 ㅋㅋ"

# Control characters (but tab and newline) and lone surrogates, which Kiwi cannot encode.
_UNSAFE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

# Tags that stay with the sentence before them when they follow its end (?! ㅋㅋ ^^ 😡 ")"):
# punctuation runs, symbols, jamo marks and emoji close a sentence rather than open one.
SENTENCE_TRAILING_TAGS: Final = frozenset(
    {"SF", "SP", "SS", "SSC", "SE", "SO", "SW", "W_EMOJI", "Z_CODA"}
)
# Full stop Kiwi leaves inside a Latin word at a sentence end ("good." as one SL token).
LATIN_FULL_STOP: Final = "."
# Tag given to that stop once it is split off the word.
FULL_STOP_TAG: Final = "SF"
# Topic terms of a document (what it is about, for counting what people talk of): nouns and
# Latin words. A run of them written without a space is read as one compound (데이터센터,
# SK텔레콤) when it is short; a longer run is a phrase typed without spaces
# (카카오데이터센터화재사고원인규명), whose nouns count one by one. A term shorter than
# MIN_TERM_LENGTH is mostly a vague word (돈, 말), one longer than MAX_TERM_LENGTH a pasted
# string; a long article keeps its first TERMS_LIMIT distinct terms only.
TERM_TAGS: Final = frozenset({"NNG", "NNP", "SL"})
COMPOUND_PARTS: Final = 3
COMPOUND_LENGTH: Final = 10
MIN_TERM_LENGTH: Final = 2
MAX_TERM_LENGTH: Final = 30
TERMS_LIMIT: Final = 100
# A noun prefix or suffix written onto a noun belongs to it (소상공인, 진정성, 보상금), but the
# plural 들.
TERM_PREFIX_TAG: Final = "XPN"
TERM_SUFFIX_TAG: Final = "XSN"
TERM_SUFFIX_SKIPPED: Final = frozenset({"들"})
# Latin words count in lower case (Kakao, kakao), but for acronyms (SK, KT, CEO, IDC).
ACRONYM_LENGTH: Final = 4
# A term is letters and digits only: Kiwi keeps a dotted Latin word whole (evil.com, U.S.A.)
# and may leave an invisible character (a zero-width space) inside a word, and neither should
# travel into a chat message or a table as a topic.
# Upper bound of memoised morpheme keys (a few MB); beyond it keys are computed each time.
KEY_CACHE_LIMIT: Final = 200_000
# Kiwi tag -> form -> (base tag, key): two plain string lookups, no tuple to build and hash.
_KEY_CACHE: Final[dict[str, dict[str, tuple[str, str]]]] = {}
_key_cache_size = 0

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

    # Written out: see result.Hit.__init__ (the compiled build calls it natively).
    def __init__(
        self,
        start: int,
        end: int,
        keys: list[str],
        tags: list[str],
        forms: list[str],
        starts: list[int],
        ends: list[int],
    ) -> None:
        self.start = start
        self.end = end
        self.keys = keys
        self.tags = tags
        self.forms = forms
        self.starts = starts
        self.ends = ends

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


def fold_mixed_marks(text: str) -> str:
    """A mixed laughter or crying run read as the plain one (ㅋㄱㅋㄱ -> ㅋㅋ, ㅠㅜㅠ -> ㅠㅠ)."""
    if len(text) <= FOLDED_RUN_LENGTH:
        return text  # ㅋㅎ, ㅠㅜ and ㅜㅠ are keys of their own
    marks = set(text)
    if marks <= CRYING_JAMO:
        return CRYING_RUN
    if marks <= LAUGHTER_JAMO:
        laughs, giggles = text.count("ㅋ"), text.count("ㅎ")
        if (laughs + giggles) * 2 >= len(text):  # mostly laughter; ㄱㄱㄱ (go go) is not
            return LAUGHTER_RUN if laughs >= giggles else GIGGLE_RUN
    return text


def make_key(lemma: str, tag: str) -> str:
    """The lexicon key of one morpheme, following lexicon/README.md."""
    tag = base_tag(tag)
    if tag in RUN_FOLDED_TAGS:
        lemma = fold_mixed_marks(fold_run(lemma))
    elif tag == "W_EMOJI":
        lemma = lemma.replace(VARIATION_SELECTOR, "")
    elif tag == LATIN_TAG:
        lemma = lemma.lower()  # Good, GOOD and good are one word
    return f"{lemma}/{tag}"


def clean_text(text: str) -> str:
    """Replace control characters and lone surrogates by spaces; offsets stay aligned."""
    return _UNSAFE.sub(" ", text)


def _key_of(token: Any) -> tuple[str, str]:
    """(base tag, key) of a Kiwi token, memoised by tag and form: the same few thousand
    morphemes recur, and Kiwi derives a lemma from its form and tag alone."""
    global _key_cache_size
    form, tag = token.form, token.tag
    by_form = _KEY_CACHE.setdefault(tag, {})
    cached = by_form.get(form)
    if cached is None:
        cached = (base_tag(tag), make_key(token.lemma, tag))
        if _key_cache_size < KEY_CACHE_LIMIT:
            by_form[form] = cached
            _key_cache_size += 1
    return cached


def _repair_latin(
    forms: list[str], tags: list[str], keys: list[str], starts: list[int], ends: list[int]
) -> None:
    """Rejoin a Latin word Kiwi cut in two and split off the full stop it kept inside, in place.

    Kiwi 0.24 reads "good." as one SL token, "iPhone." as i + Phone., and "lol..." as lol. + ..;
    left so, none of them is the word the lexicon knows (good/SL), and the stop ends no sentence.
    Abbreviations with inner stops (U.S.A., e.g.) stay whole.
    """
    pieces: list[tuple[str, str, str, int, int]] = []  # (form, tag, key, start, end)
    index, count = 0, len(tags)
    while index < count:
        if tags[index] != LATIN_TAG:
            pieces.append((forms[index], tags[index], keys[index], starts[index], ends[index]))
            index += 1
            continue
        last = index
        while last + 1 < count and tags[last + 1] == LATIN_TAG and starts[last + 1] == ends[last]:
            last += 1
        form = "".join(forms[index : last + 1])
        start, end = starts[index], ends[last]
        word = form[:-1] if form.endswith(LATIN_FULL_STOP) else form
        if not word or LATIN_FULL_STOP in word:
            word = form  # an abbreviation, or a bare stop
        pieces.append((word, LATIN_TAG, make_key(word, LATIN_TAG), start, start + len(word)))
        if word != form:
            stop_key = make_key(LATIN_FULL_STOP, FULL_STOP_TAG)
            pieces.append((LATIN_FULL_STOP, FULL_STOP_TAG, stop_key, end - 1, end))
        index = last + 1
    forms[:] = [piece[0] for piece in pieces]
    tags[:] = [piece[1] for piece in pieces]
    keys[:] = [piece[2] for piece in pieces]
    starts[:] = [piece[3] for piece in pieces]
    ends[:] = [piece[4] for piece in pieces]


def _sentence_stops(tags: list[str]) -> list[int]:
    """Where each sentence ends (exclusive): after a final ending (EF) or punctuation (SF),
    together with the marks that trail it."""
    stops: list[int] = []
    count = len(tags)
    stop = 0
    for index in [i for i, tag in enumerate(tags) if tag == "SF" or tag == "EF"]:
        if index < stop:
            continue  # a marker inside the trailing run already closed
        stop = index + 1
        while stop < count and tags[stop] in SENTENCE_TRAILING_TAGS:
            stop += 1
        stops.append(stop)
    if not stops or stops[-1] < count:
        stops.append(count)
    return stops


def _to_sentences(tokens: list) -> list[Sentence]:
    """Split one text's tokens into sentences: after final punctuation (SF), and after a final
    ending (EF) unless punctuation or a mark (ㅋㅋ, emoji) follows it."""
    # One pass with one attribute read per token and list: the hot loop of batch scoring.
    forms: list[str] = []
    tags: list[str] = []
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in tokens:
        form: str = token.form
        tag: str = token.tag
        by_form = _KEY_CACHE.get(tag)
        pair = by_form.get(form) if by_form is not None else None
        if pair is None:  # a morpheme not seen yet: its key needs Kiwi's lemma
            pair = _key_of(token)
        forms.append(form)
        tags.append(pair[0])
        keys.append(pair[1])
        starts.append(token.start)
        ends.append(token.end)
    if not forms:
        return []
    if LATIN_TAG in tags:
        _repair_latin(forms, tags, keys, starts, ends)
    stops = _sentence_stops(tags)
    if len(stops) == 1:  # the usual one-sentence text: no copies
        return [Sentence(starts[0], ends[-1], keys, tags, forms, starts, ends)]
    sentences: list[Sentence] = []
    first = 0
    for stop in stops:
        sentences.append(
            Sentence(
                starts[first],
                ends[stop - 1],
                keys[first:stop],
                tags[first:stop],
                forms[first:stop],
                starts[first:stop],
                ends[first:stop],
            )
        )
        first = stop
    return sentences


def noun_terms(sentences: list[Sentence]) -> list[str]:
    """A document's distinct topic terms (see TERM_TAGS) in the order first met."""
    found: dict[str, None] = {}
    for sentence in sentences:
        index, count = 0, len(sentence.tags)
        while index < count:
            pieces, index = _noun_run(sentence, index)
            if not pieces:
                index += 1
                continue
            whole = "".join(pieces)
            short = len(pieces) <= COMPOUND_PARTS and len(whole) <= COMPOUND_LENGTH
            for term in [whole] if short else pieces:
                if (
                    MIN_TERM_LENGTH <= len(term) <= MAX_TERM_LENGTH
                    and term.isalnum()
                    and term not in found
                ):
                    found[term] = None
                    if len(found) >= TERMS_LIMIT:
                        return list(found)
    return list(found)


def _noun_run(sentence: Sentence, index: int) -> tuple[list[str], int]:
    """The nouns written together from `index` on, each with the prefix before it and the
    suffixes after it, and where the run stops (`index` itself when no noun starts there)."""
    tags, forms, starts, ends = sentence.tags, sentence.forms, sentence.starts, sentence.ends
    count = len(tags)
    pieces: list[str] = []
    piece = ""
    prefixed = False  # `piece` holds a prefix waiting for its noun
    first = index
    while index < count and (index == first or starts[index] == ends[index - 1]):
        tag, form = tags[index], forms[index]
        if tag in TERM_TAGS:
            if piece and not prefixed:
                pieces.append(piece)
                piece = ""
            if tag == LATIN_TAG and not (form.isupper() and len(form) <= ACRONYM_LENGTH):
                form = form.lower()
            piece += form
            prefixed = False
        elif (
            tag == TERM_PREFIX_TAG
            and index + 1 < count
            and tags[index + 1] in TERM_TAGS
            and starts[index + 1] == ends[index]
        ):
            if piece:
                pieces.append(piece)
            piece, prefixed = form, True
        elif tag == TERM_SUFFIX_TAG and piece and form not in TERM_SUFFIX_SKIPPED:
            piece += form
        else:
            break
        index += 1
    if piece:
        pieces.append(piece)
    return pieces, index


def tokenize_one(text: str) -> list[Sentence]:
    """Tokenize one text into sentences of morphemes (single-threaded inside Kiwi)."""
    return _to_sentences(get_kiwi().tokenize(clean_text(text)))


def tokenize_many(texts: Sequence[str] | Iterable[str]) -> Iterator[list[Sentence]]:
    """Tokenize many texts through Kiwi's multi-threaded batch mode, yielding in input order.

    Kiwi works ahead in its own threads while the caller consumes results, so scoring the
    sentences of one text overlaps with tokenizing the next ones.
    """
    cleaned = map(clean_text, texts)
    for tokens in get_kiwi().tokenize(cleaned):
        yield _to_sentences(tokens)
