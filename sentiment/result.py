"""The scorer's result types (Score, SentenceScore, Hit, AspectScore) and their JSON form."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Final

from sentiment import rules
from sentiment.lexicon_loader import INDUCED_SOURCE_PREFIX

# Constants are Final: the compiled build reads them as C values rather than looking each up
# in the module's dict, which its per-morpheme and per-hit loops would do every time.
# Digits kept in the stored JSON: enough to re-derive labels, small enough for the hits column.
JSON_DIGITS: Final = 4
# Hits and sentences a stored score keeps (the strongest hits, in text order): every hit of a
# comment or an article, while a 75,000-character paste would otherwise store megabytes of
# endings and particles per document. What is left out is counted and summed.
STORED_HITS_LIMIT: Final = 300
STORED_SENTENCES_LIMIT: Final = 300

# The first step a collocation hit shows: its weight is added to its words', not put in their place.
COLLOCATION_NOTE: Final = "collocation: adds to its words"


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
    # The whole text the hit was found in (shared by its hits; `text` slices it when read, so a
    # score does not hold a copy of every matched word).
    document: str = field(repr=False, compare=False)
    key: str
    source: str
    base: float
    weight: float
    # What the rules did, in order: (rule, weight before, weight after), or a note that changed
    # nothing. Formatted only when read (`modifiers`): most hits are never explained. None until
    # a rule acts: most hits keep their base weight, and a text holds many hits.
    steps: list[tuple[str, float, float] | str] | None = None
    first: int = 0  # first morpheme index inside its sentence
    last: int = 0  # last morpheme index inside its sentence
    clause: int = 0  # clause index inside its sentence

    # Written out rather than generated: dataclass's generated __init__ is interpreted Python
    # even in the compiled build, and a sentence makes a Hit for most of its morphemes.
    def __init__(
        self,
        start: int,
        end: int,
        document: str,
        key: str,
        source: str,
        base: float,
        weight: float,
        steps: list[tuple[str, float, float] | str] | None = None,
        first: int = 0,
        last: int = 0,
        clause: int = 0,
    ) -> None:
        self.start = start
        self.end = end
        self.document = document
        self.key = key
        self.source = source
        self.base = base
        self.weight = weight
        self.steps = steps
        self.first = first
        self.last = last
        self.clause = clause

    def apply(self, name: str, new_weight: float) -> None:
        """Record a rule and its result, so explain can show every step."""
        self._steps().append((name, self.weight, new_weight))
        self.weight = new_weight

    def note(self, text: str) -> None:
        """Record a rule that looked at the hit and left its weight alone."""
        self._steps().append(text)

    def _steps(self) -> list[tuple[str, float, float] | str]:
        steps = self.steps
        if steps is None:
            steps = self.steps = []
        return steps

    @property
    def text(self) -> str:
        """The matched words as written."""
        return self.document[self.start : self.end]

    @property
    def is_collocation(self) -> bool:
        """A generated pair (the loader makes every one a collocation): it overlaps the hits of
        its words and adds to them."""
        return " " in self.key and self.source.startswith(INDUCED_SOURCE_PREFIX)

    @property
    def modifiers(self) -> list[str]:
        """The steps as text: `rule: +before -> +after` (three decimals), or the note; a
        collocation says so first (derived, not stored: a text has many)."""
        steps = [
            step if isinstance(step, str) else f"{step[0]}: {step[1]:+.3f} -> {step[2]:+.3f}"
            for step in self.steps or ()
        ]
        return [COLLOCATION_NOTE, *steps] if self.is_collocation else steps

    def to_dict(self) -> dict[str, object]:
        return {
            "span": [self.start, self.end],
            "text": self.text,
            "key": self.key,
            "source": self.source,
            "base": round(self.base, JSON_DIGITS),
            "modifiers": self.modifiers,
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

    # Written out: see Hit.__init__ (the compiled build calls it natively).
    def __init__(
        self,
        start: int,
        end: int,
        total: float,
        compound: float,
        aspects: list[str],
        hits: list[Hit],
        rules: list[str] | None = None,
        weight: float = 1.0,
    ) -> None:
        self.start = start
        self.end = end
        self.total = total
        self.compound = compound
        self.aspects = aspects
        self.hits = hits
        self.rules = [] if rules is None else rules
        self.weight = weight

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
    # What the text is about, not what it thinks: its distinct nouns (tokenizer.noun_terms),
    # stored beside the score for counting the words a period talks of.
    terms: list[str] = field(default_factory=list)

    # Written out: see Hit.__init__ (the compiled build calls it natively).
    def __init__(
        self,
        compound: float,
        label: str,
        pos: float,
        neg: float,
        neu: float,
        sentences: list[SentenceScore],
        aspects: list[AspectScore],
        rules: list[str] | None = None,
        terms: list[str] | None = None,
    ) -> None:
        self.compound = compound
        self.label = label
        self.pos = pos
        self.neg = neg
        self.neu = neu
        self.sentences = sentences
        self.aspects = aspects
        self.rules = [] if rules is None else rules
        self.terms = [] if terms is None else terms

    @property
    def hits(self) -> list[Hit]:
        return [hit for sentence in self.sentences for hit in sentence.hits]

    def to_dict(
        self, hit_limit: int | None = None, sentence_limit: int | None = None
    ) -> dict[str, object]:
        """Everything, or at most the limits' hits and sentences with a count of the rest."""
        hits, sentences = self.hits, self.sentences
        out: dict[str, object] = {
            "compound": round(self.compound, JSON_DIGITS),
            "label": self.label,
            "pos": round(self.pos, JSON_DIGITS),
            "neg": round(self.neg, JSON_DIGITS),
            "neu": round(self.neu, JSON_DIGITS),
            "rules": list(self.rules),
        }
        if hit_limit is not None and len(hits) > hit_limit:
            by_strength = sorted(range(len(hits)), key=lambda i: -abs(hits[i].weight))
            kept = sorted(by_strength[:hit_limit])
            left = [hits[i] for i in by_strength[hit_limit:]]
            hits = [hits[i] for i in kept]
            out["hits_omitted"] = {
                "count": len(left),
                "weight": round(sum(hit.weight for hit in left), JSON_DIGITS),
            }
        if sentence_limit is not None and len(sentences) > sentence_limit:
            out["sentences_omitted"] = len(sentences) - sentence_limit
            sentences = sentences[:sentence_limit]
        out["sentences"] = [sentence.to_dict() for sentence in sentences]
        out["hits"] = [hit.to_dict() for hit in hits]
        out["aspects"] = [asdict(aspect) for aspect in self.aspects]
        return out

    def to_json(self) -> str:
        """The stored form: at most STORED_HITS_LIMIT hits (STORED_SENTENCES_LIMIT sentences)."""
        stored = self.to_dict(STORED_HITS_LIMIT, STORED_SENTENCES_LIMIT)
        return json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
