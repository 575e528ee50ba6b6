"""Aspects of an event (apology, resignation, ...) read from aspects.toml and found by cue keys."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sentiment.lexicon_loader import LexiconError, parse_key

# Morphemes on each side of a cue searched for `not_near` keys when an aspect gives no window.
DEFAULT_NOT_NEAR_WINDOW = 2
# Tags of a cue that names a thing: nouns, their suffixes, Latin and Chinese-character words.
# Such a cue (투자, 주가, 데이터 센터, 국정 감사) says what a sentence is about, not what it thinks
# of it; a cue with a predicate (고개 숙이다, 카톡 안 되다) says what happened, and keeps its words.
TOPIC_TAGS = frozenset({"NNG", "NNP", "NR", "XSN", "SL", "SH"})


class AspectsError(LexiconError):
    """aspects.toml is missing or malformed; the message names the file and the aspect."""


@dataclass(frozen=True)
class Aspect:
    """One aspect: its id, Korean label, cue phrases and the keys that void a cue nearby."""

    id: str
    label: str
    cues: tuple[tuple[str, ...], ...]
    not_near: tuple[tuple[str, ...], ...] = ()
    window: int = DEFAULT_NOT_NEAR_WINDOW


def _keys(raw: object, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise AspectsError(f"{where}: expected a list of cue keys")
    try:
        return tuple(parse_key(item, where) for item in raw)
    except LexiconError as exc:
        raise AspectsError(str(exc)) from None


# Aspect ids are stored with every aspect score (aspect_scores.aspect, String(64) in the database
# schema; tests/test_aspects.py keeps the two equal).
MAX_ASPECT_ID_CHARS = 64


def load_aspects(path: Path) -> tuple[Aspect, ...]:
    """Read and validate an aspects.toml (`[[aspect]] id, label, cues, not_near, window`)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AspectsError(f"{path}: cannot read aspects: {exc}") from exc
    known = {"id", "label", "cues", "not_near", "window"}
    aspects: list[Aspect] = []
    for number, item in enumerate(data.get("aspect", []), start=1):
        where = f"{path}: aspect #{number}"
        unknown = set(item) - known
        if unknown:
            raise AspectsError(f"{where}: unknown keys {sorted(unknown)}")
        if not isinstance(item.get("id"), str) or not item["id"]:
            raise AspectsError(f"{where}: needs a string id")
        if len(item["id"]) > MAX_ASPECT_ID_CHARS:
            raise AspectsError(f"{where}: id is longer than {MAX_ASPECT_ID_CHARS} characters")
        where = f"{path}: aspect {item['id']!r}"
        window = item.get("window", DEFAULT_NOT_NEAR_WINDOW)
        if not isinstance(window, int) or window < 0:
            raise AspectsError(f"{where}: window must be a non-negative integer")
        aspects.append(
            Aspect(
                id=item["id"],
                label=str(item.get("label", item["id"])),
                cues=_keys(item.get("cues", []), f"{where} cues"),
                not_near=_keys(item.get("not_near", []), f"{where} not_near"),
                window=window,
            )
        )
    ids = [aspect.id for aspect in aspects]
    if len(ids) != len(set(ids)):
        raise AspectsError(f"{path}: duplicate aspect ids in {ids}")
    return tuple(aspects)


@dataclass(frozen=True)
class Topics:
    """The aspect cues that name a topic: single nouns and phrases made only of nouns."""

    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()


def topic_cues(aspects: Sequence[Aspect]) -> Topics:
    """The cues of `aspects` whose every morpheme has a TOPIC_TAGS tag."""
    cues = {cue for aspect in aspects for cue in aspect.cues}
    naming = [cue for cue in cues if all(key.rsplit("/", 1)[1] in TOPIC_TAGS for key in cue)]
    return Topics(
        words=frozenset(cue[0] for cue in naming if len(cue) == 1),
        phrases=tuple(sorted(cue for cue in naming if len(cue) > 1)),
    )


def _occurs(keys: Sequence[str], phrase: tuple[str, ...], at: int) -> bool:
    return tuple(keys[at : at + len(phrase)]) == phrase


class AspectMatcher:
    """Finds aspect cues in a sentence's morpheme keys (pure; built once per Scorer)."""

    def __init__(self, aspects: Sequence[Aspect]) -> None:
        self.aspects = tuple(aspects)
        self._by_first: dict[str, list[tuple[tuple[str, ...], Aspect]]] = {}
        for aspect in self.aspects:
            for cue in aspect.cues:
                self._by_first.setdefault(cue[0], []).append((cue, aspect))

    def _voided(self, keys: Sequence[str], aspect: Aspect, start: int, end: int) -> bool:
        low, high = max(0, start - aspect.window), min(len(keys), end + aspect.window)
        for near in aspect.not_near:
            for j in range(low, high):
                if (j < start or j >= end) and _occurs(keys, near, j):
                    return True
        return False

    def find(self, keys: Sequence[str]) -> list[tuple[int, str]]:
        """(morpheme index, aspect id) for every cue in the sentence that is not voided."""
        found: list[tuple[int, str]] = []
        by_first = self._by_first
        if by_first.keys().isdisjoint(keys):
            return found  # the usual sentence: no cue starts here (one C-level pass)
        for i in [i for i, key in enumerate(keys) if key in by_first]:
            for cue, aspect in by_first[keys[i]]:
                if _occurs(keys, cue, i) and not self._voided(keys, aspect, i, i + len(cue)):
                    found.append((i, aspect.id))
        return found
