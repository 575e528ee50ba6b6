"""The words that moved the scores of many documents: counted from their stored explanations.

Pure: stored `scores.hits` JSON in, a table and a chart out. Like Sometrend's 감성 연관어, but each
word's weight is the one the scorer gave it in those very documents, negation and all.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import pandas as pd

from dashboard import explain

# Morpheme tags that carry grammar, not opinion: endings, particles, affixes, punctuation,
# the copula and auxiliaries, bound nouns, pronouns, numerals, determiners and conjunctive
# adverbs. A key made only of these is not shown as a word (roots (XR), nouns, verbs,
# adjectives, adverbs, interjections and emoticons are).
FUNCTION_TAGS = frozenset(
    ("EF", "EC", "EP", "ETM", "ETN", "JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC",
     "XSN", "XSV", "XSA", "XPN", "SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "VCP", "VCN", "VX",
     "NNB", "NP", "NR", "MM", "MAJ", "SN")
)  # fmt: skip
# Hits a rule made rather than a word (sentiment/engine.py), named for a reader.
RULE_PREFIX = "rule:"
RULE_NAMES = {
    "rule:sarcasm_well_done": "비꼼: 참 잘~한다",
    "rule:sarcasm_yeoksi": "비꼼: 역시 ~ㅋㅋ",
}
# Learned pairs of words add to the weights of their words (a collocation): counting them
# would count those words twice.
INDUCED_SOURCE_PREFIX = "induced"
COLUMNS = ["word", "key", "docs", "total", "mean", "source"]
# Words shown on each side of the chart and in each table.
TOP_WORDS = 15
BAR_STEP_PX = 18


def _is_word(key: str, source: str) -> bool:
    parts = key.split(" ")
    if len(parts) > 1 and source.startswith(INDUCED_SOURCE_PREFIX):
        return False
    return any(part.rpartition("/")[2] not in FUNCTION_TAGS for part in parts)


def display_word(key: str) -> str:
    """'책임/NNG 회피/NNG' -> '책임 회피': the lemmas without their tags; a rule's hit by the
    rule's name."""
    if key.startswith(RULE_PREFIX):
        return RULE_NAMES.get(key, "규칙: " + key.removeprefix(RULE_PREFIX))
    return " ".join(part.rpartition("/")[0] or part for part in key.split(" "))


def opinion_words(explanations: Iterable[str | None]) -> pd.DataFrame:
    """One row per lexicon key that moved a score by at least explain.SMALL_HIT_WEIGHT:
    the documents it did so in (once a document), the sum and the mean of its final weights
    in them, and the lexicon it came from. Damaged explanations count as none."""
    docs: dict[str, int] = {}
    totals: dict[str, float] = {}
    sources: dict[str, str] = {}
    for raw in explanations:
        hits, _ = explain.parse(raw)
        seen: set[str] = set()
        for hit in hits:
            key, source, weight = hit.get("key"), str(hit.get("source", "")), hit.get("weight")
            if not isinstance(key, str) or not isinstance(weight, int | float):
                continue
            if abs(weight) < explain.SMALL_HIT_WEIGHT or not _is_word(key, source):
                continue
            totals[key] = totals.get(key, 0.0) + float(weight)
            sources.setdefault(key, source)
            if key not in seen:
                seen.add(key)
                docs[key] = docs.get(key, 0) + 1
    rows = [
        {"word": display_word(k), "key": k, "docs": docs[k], "total": totals[k],
         "mean": totals[k] / docs[k], "source": sources[k]}
        for k in totals
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def strongest(words: pd.DataFrame, sign: int, top: int = TOP_WORDS) -> pd.DataFrame:
    """The `top` words that pushed scores most towards `sign` (-1 negative, +1 positive) in
    all (the sum of their weights), strongest first."""
    side = words[words["total"] * sign > 0]
    return side.reindex(side["total"].abs().sort_values(ascending=False, kind="stable").index)[:top]


def words_chart(negative: pd.DataFrame, positive: pd.DataFrame) -> alt.Chart:
    """The strongest words of both signs as bars of their summed weight around 0."""
    data = pd.concat([negative, positive], ignore_index=True)
    order = list(data.sort_values("total", kind="stable")["word"])
    return (
        alt.Chart(data, title="점수를 움직인 말: 가중치 합계")
        .mark_bar()
        .encode(
            x=alt.X("total:Q", title="문서들에서 준 가중치의 합 (부정 ← → 긍정)"),
            y=alt.Y("word:N", title=None, sort=order),
            color=alt.condition("datum.total < 0", alt.value("#dc2626"), alt.value("#2563eb")),
            tooltip=[
                alt.Tooltip("word:N", title="말"),
                alt.Tooltip("key:N", title="사전 키"),
                alt.Tooltip("docs:Q", title="문서 수 (건)"),
                alt.Tooltip("total:Q", title="가중치 합", format="+.2f"),
                alt.Tooltip("mean:Q", title="문서당 평균", format="+.2f"),
                alt.Tooltip("source:N", title="사전"),
            ],
        )
        .properties(height=alt.Step(BAR_STEP_PX))
    )
