"""The words that moved the scores of many documents: counted from their stored explanations.

Pure: stored `scores.hits` JSON in, a table and a chart out. Like Sometrend's 감성 연관어, but each
word's weight is the one the scorer gave it in those very documents, negation and all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from dashboard import explain
from dashboard.search import RULE_PREFIX

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
# The columns of `WordCounts.words`, and the Korean titles the table and the chart give them.
TITLES = {
    "word": "말", "docs": "문서 (건)", "neg_docs": "부정으로 (건)", "pos_docs": "긍정으로 (건)",
    "total": "가중치 합", "mean": "문서당 평균", "key": "사전 키", "source": "사전",
}  # fmt: skip
# Words shown on each side of the chart and in each table: a screen's worth.
TOP_WORDS = 15
# Pixels a bar of the chart gets: fifteen words a side fit in some 660 px, and every label
# has room (at 18 px Vega hid every other one as overlapping).
BAR_STEP_PX = 22


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
    explain.SMALL_HIT_WEIGHT: the documents it did so in (once a document, and by the sign of
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
        hits, _ = explain.parse(raw)
        net: Counter[str] = Counter()
        for hit in hits:
            key, source, weight = (
                hit.get("key"),
                str(hit.get("source", "")),
                explain.number(hit.get("weight")),
            )
            if not isinstance(key, str) or weight is None or abs(weight) < explain.SMALL_HIT_WEIGHT:
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
    return WordCounts(pd.DataFrame(rows, columns=list(TITLES)), grammar[0], grammar[1])


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


def words_chart(negative: pd.DataFrame, positive: pd.DataFrame) -> alt.Chart:
    """The strongest words of both signs as bars of their summed weight around 0. Two entries
    shown with the same form (짜다 the adjective and the verb) get their keys added."""
    data = pd.concat([negative, positive], ignore_index=True)
    repeated = data["word"].duplicated(keep=False)
    data["label"] = data["word"].where(~repeated, data["word"] + " (" + data["key"] + ")")
    order = list(data.sort_values("total", kind="stable")["label"])
    return (
        alt.Chart(data, title="점수를 움직인 말: 가중치 합계")
        .mark_bar()
        .encode(
            x=alt.X("total:Q", title="문서들에서 준 가중치의 합 (부정 ← → 긍정)"),
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelOverlap=False)),
            color=alt.condition("datum.total < 0", alt.value("#dc2626"), alt.value("#2563eb")),
            tooltip=[
                alt.Tooltip("word:N", title=TITLES["word"]),
                alt.Tooltip("key:N", title=TITLES["key"]),
                alt.Tooltip("docs:Q", title=TITLES["docs"]),
                alt.Tooltip("neg_docs:Q", title=TITLES["neg_docs"]),
                alt.Tooltip("pos_docs:Q", title=TITLES["pos_docs"]),
                alt.Tooltip("total:Q", title=TITLES["total"], format="+.2f"),
                alt.Tooltip("mean:Q", title=TITLES["mean"], format="+.2f"),
                alt.Tooltip("source:N", title=TITLES["source"]),
            ],
        )
        .properties(height=alt.Step(BAR_STEP_PX))
    )
