"""Turn a stored score's JSON (the `scores.hits` column) into rows a reader can follow. Pure.

The column holds the scorer's whole explanation: {"hits": [{span, text, key, source, base,
modifiers, weight}], "rules": [...], "sentences": [...], ...}. Older or hand-made rows may hold a
bare list of hits; damaged JSON reads as "no explanation", never as an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# The readers of the stored JSON live in minsim (the brief counts words too); the names stay
# reachable here, where the pages look for them.
from minsim.explanations import SMALL_HIT_WEIGHT, number, parse
from minsim.explanations import load as _load

# Hits named in the one-line summary of a table row; the detail view shows all of them.
SUMMARY_HITS = 4
HIT_COLUMNS = ["표현", "키", "기본 가중치", "최종 가중치", "적용 규칙", "사전"]


def sentence_rules(raw: str | None) -> list[str]:
    """The rules applied to whole sentences (reported fact, topic words ...), each once, in the
    order the sentences first name them."""
    value = _load(raw)
    sentences = value.get("sentences") if isinstance(value, dict) else None
    found: dict[str, None] = {}
    for sentence in sentences if isinstance(sentences, list) else []:
        rules = sentence.get("rules") if isinstance(sentence, dict) else None
        for rule in rules if isinstance(rules, list) else []:
            found.setdefault(str(rule), None)
    return list(found)


def omitted(raw: str | None) -> tuple[int, float]:
    """(count, summed weight) of the weak hits a stored score left out: a very long text keeps
    only its strongest hits (sentiment.result.STORED_HITS_LIMIT)."""
    value = _load(raw)
    left = value.get("hits_omitted") if isinstance(value, dict) else None
    if not isinstance(left, dict):
        return 0, 0.0
    count, weight = left.get("count"), number(left.get("weight"))
    return (count if isinstance(count, int) else 0), (weight or 0.0)


def hits_frame(raw: str | None) -> pd.DataFrame:
    """One row per lexicon hit: surface text, key, base and final weight, rules applied."""
    hits, _ = parse(raw)
    rows = [
        {
            "표현": str(h.get("text", "")),
            "키": str(h.get("key", h.get("lemma", ""))),
            "기본 가중치": number(h.get("base")),
            "최종 가중치": number(h.get("weight")),
            "적용 규칙": "; ".join(str(m) for m in h.get("modifiers", []) or []),
            "사전": str(h.get("source", "")),
        }
        for h in hits
    ]
    return pd.DataFrame(rows, columns=HIT_COLUMNS)


def summary(raw: str | None) -> str:
    """A short line for a table cell naming the hits that moved the score most, e.g.
    '실망 -2.00 · 좋다 +1.50 (+1)'; ties keep the order of the text."""
    hits, _ = parse(raw)
    ranked = sorted(hits, key=lambda h: -abs(number(h.get("weight")) or 0.0))
    parts = []
    for h in ranked[:SUMMARY_HITS]:
        label = str(h.get("text") or h.get("key") or h.get("lemma") or "?")
        weight = number(h.get("weight"))
        parts.append(f"{label} {weight:+.2f}" if weight is not None else label)
    more = len(hits) - SUMMARY_HITS + omitted(raw)[0]
    return " · ".join(parts) + (f" (+{more})" if more > 0 else "")


def fold_small(frame: pd.DataFrame, threshold: float = SMALL_HIT_WEIGHT) -> FoldedHits:
    """Split a hits_frame into the hits of at least `threshold` final weight and a count and
    sum of the smaller ones, so the detail view can show the words that matter first."""
    weights = frame["최종 가중치"].fillna(0.0)
    small = weights.abs() < threshold
    return FoldedHits(frame[~small], int(small.sum()), float(weights[small].sum()))


@dataclass(frozen=True)
class FoldedHits:
    """What fold_small returns: the hits shown and what the folded ones add up to."""

    shown: pd.DataFrame
    folded: int
    folded_sum: float
