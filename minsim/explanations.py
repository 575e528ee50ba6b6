"""Reading a stored score's explanation (the `scores.hits` column): its hits and rules. Pure.

The column holds the scorer's whole explanation: {"hits": [{span, text, key, source, base,
modifiers, weight}], "rules": [...], "sentences": [...], ...}. Older or hand-made rows may hold a
bare list of hits; damaged JSON reads as "no explanation", never as an error. The dashboard shows
these readings (dashboard.explain), the Words page and the brief count them (minsim.words).
"""

from __future__ import annotations

import json
import math

# Hits whose final weight is smaller than this barely move a score: mostly endings and
# particles. The explanation view folds them away and the word counts leave them out.
SMALL_HIT_WEIGHT = 0.5


def load(raw: str | None) -> object:
    """The stored JSON as Python values; None when it is missing or damaged."""
    try:
        return json.loads(raw) if raw else None
    except (TypeError, ValueError, RecursionError):  # RecursionError: nested past Python's limit
        return None


def parse(raw: str | None) -> tuple[list[dict[str, object]], list[str]]:
    """(hits, document-level rules) from the stored JSON."""
    value = load(raw)
    if isinstance(value, list):
        return [h for h in value if isinstance(h, dict)], []
    if not isinstance(value, dict):
        return [], []
    hits = value.get("hits")
    rules = value.get("rules")
    return (
        [h for h in hits if isinstance(h, dict)] if isinstance(hits, list) else [],
        [str(r) for r in rules] if isinstance(rules, list) else [],
    )


def number(value: object) -> float | None:
    """A weight from the stored JSON as a float; None for anything else, booleans and
    infinities included (JSON has no such weights; Python's json reads `Infinity`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None
