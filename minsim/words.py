"""The words that moved the scores of many documents: counted from their stored explanations.

Pure: stored `scores.hits` JSON in, a table out (the Words page charts it, the brief lists its
strongest). Like Sometrend's 감성 연관어, but each word's weight is the one the scorer gave it in
those very documents, negation and all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from minsim.explanations import SMALL_HIT_WEIGHT, number, parse

# A hit a rule made rather than a word starts with this (`rule:sarcasm_well_done`).
RULE_PREFIX = "rule:"
# Morpheme tags that carry grammar, not opinion: endings, particles, affixes, punctuation,
# the copula and auxiliaries, bound nouns, pronouns, numerals, determiners and conjunctive
# adverbs. A learned entry made only of these is counted apart from the words; an entry the
# team wrote (;;/SP, 따위/NNB) is a word whatever its tags.
FUNCTION_TAGS = frozenset(
    ("EF", "EC", "EP", "ETM", "ETN", "JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC",
     "XSN", "XSV", "XSA", "XPN", "SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "VCP", "VCN", "VX",
     "NNB", "NP", "NR", "MM", "MAJ", "SN")
)  # fmt: skip
# The source of entries learned from labelled text (sentiment.lexicon_loader, checked by a test).
INDUCED_SOURCE_PREFIX = "induced:"
# Hits a rule made rather than a word (sentiment/engine.py, checked by a test), named for a reader.
RULE_NAMES = {
    "rule:sarcasm_well_done": "비꼼: 참 잘~한다",
    "rule:sarcasm_yeoksi": "비꼼: 역시 ~ㅋㅋ",
}
# The columns of `WordCounts.words`.
WORD_COLUMNS = ["word", "docs", "neg_docs", "pos_docs", "total", "mean", "key", "source"]
# Explanations read, newest first: enough for a stable ranking, and a bounded read (a stored
# explanation is a few kilobytes). The Words page and the brief read as many.
WORD_SAMPLE = 5000
# Words shown on each side of the chart and in each table: a screen's worth.
TOP_WORDS = 15


@dataclass(frozen=True)
class WordCounts:
    """The words, and the summed weights of the learned grammar left out of them."""

    words: pd.DataFrame
    grammar_negative: float
    grammar_positive: float


def _is_word(key: str, source: str) -> bool:
    if key.startswith(RULE_PREFIX) or not source.startswith(INDUCED_SOURCE_PREFIX):
        return True
    return any(part.rpartition("/")[2] not in FUNCTION_TAGS for part in key.split(" "))


def lemma_text(key: str) -> str:
    """'책임/NNG 회피/NNG' -> '책임 회피': the lemmas without their tags; a rule's hit by the
    rule's name."""
    if key.startswith(RULE_PREFIX):
        return RULE_NAMES.get(key, "규칙: " + key.removeprefix(RULE_PREFIX))
    return " ".join(part.rpartition("/")[0] or part for part in key.split(" "))


def count_words(explanations: Iterable[str | None]) -> WordCounts:
    """One row per lexicon entry that moved a score by a weight of at least
    SMALL_HIT_WEIGHT: the documents it did so in (once a document, and by the sign of
    its net weight there), the sum and mean of its final weights, how it is shown (`word`, see
    _shown_form) and its lexicon. Learned endings, particles and punctuation are summed apart.
    Damaged explanations and weights that are not finite numbers count as none."""
    totals: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    positive: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    sources: dict[str, str] = {}
    grammar = [0.0, 0.0]  # negative, positive
    for raw in explanations:
        hits, _ = parse(raw)
        net: Counter[str] = Counter()
        for hit in hits:
            key, source, weight = (
                hit.get("key"),
                str(hit.get("source", "")),
                number(hit.get("weight")),
            )
            if not isinstance(key, str) or weight is None or abs(weight) < SMALL_HIT_WEIGHT:
                continue
            if not _is_word(key, source):
                grammar[weight > 0] += weight
                continue
            net[key] += weight
            sources.setdefault(key, source)
            forms.setdefault(key, Counter())[str(hit.get("text") or "")] += 1
        for key, weight in net.items():
            totals[key] += weight
            docs[key] += 1
            if weight < 0:
                negative[key] += 1
            elif weight > 0:
                positive[key] += 1
    rows = [
        {"word": _shown_form(key, forms[key]), "docs": docs[key], "neg_docs": negative[key],
         "pos_docs": positive[key], "total": totals[key], "mean": totals[key] / docs[key],
         "key": key, "source": sources[key]}
        for key in totals
    ]  # fmt: skip
    return WordCounts(pd.DataFrame(rows, columns=WORD_COLUMNS), grammar[0], grammar[1])


def _shown_form(key: str, forms: Counter[str]) -> str:
    """A phrase as people wrote it most often (말이 되냐, not 말 이 되다 냐); a single morpheme,
    whose written span is often a bare stem (좋 of 좋네요), and a rule by their names."""
    if key.startswith(RULE_PREFIX) or " " not in key:
        return lemma_text(key)
    form = next((f for f, _ in forms.most_common() if f.strip()), "")
    return form or lemma_text(key)


def strongest(words: pd.DataFrame, sign: int, top: int = TOP_WORDS) -> pd.DataFrame:
    """The `top` words that pushed scores most towards `sign` (-1 negative, +1 positive) in
    all (the sum of their weights), strongest first."""
    side = words[words["total"] * sign > 0]
    order = side["total"].abs().sort_values(ascending=False, kind="stable").index
    return side.reindex(order)[:top]
