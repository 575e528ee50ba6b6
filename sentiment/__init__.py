"""Korean sentiment scorer: Kiwi morphemes, a lexicon with provenance, rules and aspects."""

from sentiment import native

# Before any scorer module loads: a compiled build that matches the sources goes first.
native.activate(__path__)

from sentiment.aspects import Aspect, load_aspects  # noqa: E402
from sentiment.lexicon_loader import LexiconError, load_lexicon  # noqa: E402
from sentiment.result import AspectScore, Hit, Score, SentenceScore  # noqa: E402
from sentiment.scorer import Scorer  # noqa: E402

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
