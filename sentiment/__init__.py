"""Korean sentiment scorer: Kiwi morphemes, a lexicon with provenance, rules and aspects."""

from sentiment.aspects import Aspect, load_aspects
from sentiment.lexicon_loader import LexiconError, load_lexicon
from sentiment.result import AspectScore, Hit, Score, SentenceScore
from sentiment.scorer import Scorer

__all__ = [
    "Aspect",
    "AspectScore",
    "Hit",
    "LexiconError",
    "Score",
    "Scorer",
    "SentenceScore",
    "load_aspects",
    "load_lexicon",
]
