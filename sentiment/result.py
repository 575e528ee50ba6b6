"""The scorer's result types (Score, SentenceScore, Hit, AspectScore) and their JSON form."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

from sentiment import rules

# Digits kept in the stored JSON: enough to re-derive labels, small enough for the hits column.
JSON_DIGITS = 4


def normalize(total: float) -> float:
    """VADER's compound: total / sqrt(total^2 + alpha), always inside (-1, 1)."""
    if not math.isfinite(total):
        return 0.0
    return total / math.sqrt(total * total + rules.NORMALIZE_ALPHA)


def label_for(compound: float, threshold: float | None = None) -> str:
    """pos, neg or neu: outside ±threshold (default rules.LABEL_THRESHOLD) or not."""
    limit = rules.LABEL_THRESHOLD if threshold is None else threshold
    if compound >= limit:
        return "pos"
    if compound <= -limit:
        return "neg"
    return "neu"


@dataclass(slots=True)
class Hit:
    """One lexicon match: where, which key, the base weight and what the rules did to it."""

    start: int
    end: int
    text: str
    key: str
    source: str
    base: float
    weight: float
    modifiers: list[str] = field(default_factory=list)
    first: int = 0  # first morpheme index inside its sentence
    last: int = 0  # last morpheme index inside its sentence
    clause: int = 0  # clause index inside its sentence

    def apply(self, name: str, new_weight: float) -> None:
        """Record a rule and its result, so explain can show every step."""
        self.modifiers.append(f"{name}: {self.weight:+.3f} -> {new_weight:+.3f}")
        self.weight = new_weight

    def to_dict(self) -> dict[str, object]:
        return {
            "span": [self.start, self.end],
            "text": self.text,
            "key": self.key,
            "source": self.source,
            "base": round(self.base, JSON_DIGITS),
            "modifiers": list(self.modifiers),
            "weight": round(self.weight, JSON_DIGITS),
        }


@dataclass
class SentenceScore:
    """One sentence: its span, total, compound, aspects named and the rules applied to it."""

    start: int
    end: int
    total: float
    compound: float
    aspects: list[str]
    hits: list[Hit]
    rules: list[str] = field(default_factory=list)
    weight: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return {
            "span": [self.start, self.end],
            "compound": round(self.compound, JSON_DIGITS),
            "aspects": list(self.aspects),
            "rules": list(self.rules),
            "weight": self.weight,
        }


@dataclass(frozen=True)
class AspectScore:
    """Opinion about one aspect of the event in one document."""

    aspect: str
    compound: float
    label: str
    inherited: bool


@dataclass
class Score:
    """A document's score with everything needed to explain it."""

    compound: float
    label: str
    pos: float
    neg: float
    neu: float
    sentences: list[SentenceScore]
    aspects: list[AspectScore]
    rules: list[str] = field(default_factory=list)

    @property
    def hits(self) -> list[Hit]:
        return [hit for sentence in self.sentences for hit in sentence.hits]

    def to_dict(self) -> dict[str, object]:
        return {
            "compound": round(self.compound, JSON_DIGITS),
            "label": self.label,
            "pos": round(self.pos, JSON_DIGITS),
            "neg": round(self.neg, JSON_DIGITS),
            "neu": round(self.neu, JSON_DIGITS),
            "rules": list(self.rules),
            "sentences": [sentence.to_dict() for sentence in self.sentences],
            "hits": [hit.to_dict() for hit in self.hits],
            "aspects": [asdict(aspect) for aspect in self.aspects],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
