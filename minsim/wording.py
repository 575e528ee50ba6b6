"""Figures in Korean words, as the dashboard and the brief (minsim brief) both say them.

Pure. A change of opinion reads '+0.05 (+0.01 ~ +0.09) 좋아짐' on a page and in a brief alike,
and a surge's peak '48건/시간' or '89%'.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from minsim.aggregate.impact import BETTER, TOO_FEW, UNCLEAR, WORSE
from minsim.aggregate.surges import NEGATIVE, VOLUME

VERDICT_LABELS = {BETTER: "좋아짐", WORSE: "나빠짐", UNCLEAR: "뚜렷하지 않음", TOO_FEW: "표본 부족"}
# What a side without documents reads as, instead of "too few".
NO_BEFORE, NO_AFTER, NO_DOCUMENTS = "이전 문서 없음", "이후 문서 없음", "앞뒤 문서 없음"
SURGE_LABELS = {VOLUME: "문서 급증", NEGATIVE: "부정 급증"}
# Demo documents are the ones whose source name starts with this (demo-portal, demo-video ...).
DEMO_PREFIX = "demo-"
# Characters markdown treats as markup (plus $ for LaTeX, < for HTML-ish input, | for tables).
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|~<>$:&")


# What can start formatting, a link, HTML, code or a table cell in the middle of a line. Plain
# punctuation (- . : ( ) &) stays as it is, so a brief still reads as text where Markdown is not
# rendered (a chat that shows backslashes).
_INLINE_MARKUP = set("\\`*_[]<>|#~$")


def escape_inline(text: str) -> str:
    """Text from the database made inert inside a line of a Markdown document (a brief): the
    characters that start markup escaped, line breaks made spaces."""
    flat = " ".join(text.splitlines())
    return "".join("\\" + ch if ch in _INLINE_MARKUP else ch for ch in flat)


def escape_md(text: str) -> str:
    """Text from the database made inert wherever markdown is rendered (a Streamlit element, a
    brief pasted into a chat): every markup character escaped, line breaks made spaces."""
    flat = " ".join(text.splitlines())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in flat)


def signed(value: float) -> str:
    """A mean score or change as '+0.42'; '—' for NaN (no documents)."""
    return "—" if math.isnan(value) else f"{value:+.2f}"


def percent(value: float) -> str:
    """A share as '25%'; '—' for NaN (no documents)."""
    return "—" if math.isnan(value) else f"{value:.0%}"


def interval_text(low: float, high: float) -> str:
    """'+0.01 ~ +0.09'; '—' when there is no interval (a side with under two scores)."""
    if math.isnan(low) or math.isnan(high):
        return "—"
    return f"{signed(low)} ~ {signed(high)}"


def verdict_text(row: Mapping[str, object]) -> str:
    """The verdict of a compared row in Korean; an empty side says so rather than "too few"."""
    if not row["n_before"]:
        return NO_BEFORE
    if not row["n_after"]:
        return NO_AFTER
    return VERDICT_LABELS[str(row["verdict"])]


def surge_value(kind: str, value: float) -> str:
    """A surge's peak or baseline: '48건/시간' for volume, '89%' for a negative share."""
    if kind != VOLUME:
        return f"{value:.0%}"
    # A baseline of 0.6 an hour is not "1": whole numbers and large ones print without decimals.
    digits = 0 if value >= 10 or value == int(value) else 1
    return f"{value:,.{digits}f}건/시간"


def surge_rise(kind: str, peak_value: float, baseline: float) -> str:
    """'×4.9' (times the baseline's hourly mean; '새로 (직전 0건)' when it was 0) or '+13%p'."""
    if kind == VOLUME:
        return "새로 (직전 0건)" if baseline == 0 else f"×{peak_value / baseline:.1f}"
    return f"{(peak_value - baseline) * 100:+.0f}%p"
