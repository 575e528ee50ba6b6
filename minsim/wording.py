"""Figures in Korean words, as the dashboard and the brief (minsim brief) both say them.

Pure. A change of opinion reads '+0.05 (+0.01 ~ +0.09) 좋아짐' on a page and in a brief alike,
and a surge's peak '48건/시간' or '89%'.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from minsim.aggregate.impact import BETTER, TOO_FEW, UNCLEAR, WORSE
from minsim.aggregate.retention import Cut
from minsim.aggregate.sql import Filters
from minsim.aggregate.surges import NEGATIVE, VOLUME
from minsim.aggregate.watched import WATCHED
from minsim.search import parse_search
from minsim.timefmt import format_kst

VERDICT_LABELS = {BETTER: "좋아짐", WORSE: "나빠짐", UNCLEAR: "뚜렷하지 않음", TOO_FEW: "표본 부족"}
# What a side without documents reads as, instead of "too few".
NO_BEFORE, NO_AFTER, NO_DOCUMENTS = "이전 문서 없음", "이후 문서 없음", "앞뒤 문서 없음"
SURGE_LABELS = {VOLUME: "문서 급증", NEGATIVE: "부정 급증", WATCHED: "지켜보는 말 급증"}
# Demo documents are the ones whose source name starts with this (demo-portal, demo-video ...).
DEMO_PREFIX = "demo-"
# Characters markdown treats as markup (plus $ for LaTeX, < for HTML-ish input, | for tables).
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|~<>$:&")


# What can start formatting, a link, HTML, code or a table cell in the middle of a line (a # or
# a - makes a heading or a list only at a line's start, where no name stands). Plain
# punctuation (- . : ( ) & #) stays as it is, so a brief still reads as text where Markdown is not
# rendered (a chat that shows backslashes).
_INLINE_MARKUP = set("\\`*_[]<>|~$@")
# What renderers turn into links by themselves (GitHub's autolinks): broken by an escape.
_AUTOLINK = re.compile(r"(?i)(://|(?<![\w.])www\.)")
# The document kinds a filter can keep, as a scope line names them.
KIND_WORDS = {"comment": "댓글만", "article": "기사만"}


def escape_inline(text: str) -> str:
    """Text from the database made inert inside a line of a Markdown document (a brief): the
    characters that start markup escaped, addresses that renderers would link broken, line
    breaks made spaces."""
    flat = " ".join(text.splitlines())
    escaped = "".join("\\" + ch if ch in _INLINE_MARKUP else ch for ch in flat)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(1), escaped)


def search_text(text: str) -> str:
    """What search words keep: "'보상'이(가) 든 문서만", "'카카오', '보상'이(가) 모두 든 문서만,
    '주가'이(가) 든 문서는 빼고"; "" when they ask for nothing."""
    terms = parse_search(text)
    parts = []
    if terms.required:
        words = ", ".join(f"'{word}'" for word in terms.required)
        parts.append(f"{words}이(가) {'모두 ' if len(terms.required) > 1 else ''}든 문서만")
    if terms.excluded:
        words = ", ".join(f"'{word}'" for word in terms.excluded)
        parts.append(f"{words}이(가) 든 문서는 빼고")
    return ", ".join(parts)


def filter_scope(flt: Filters, companies: Mapping[str, str]) -> list[str]:
    """What the filters keep besides time, one phrase each: the companies, the sources, and any
    kind, collection run, search words or lexicon entry (the page caption and the brief)."""
    parts = [
        ", ".join(companies.get(c, c) for c in flt.companies) or "모든 회사",
        ", ".join(flt.sources) or "모든 출처",
    ]
    if flt.kinds and set(flt.kinds) != set(KIND_WORDS):
        parts.append(", ".join(KIND_WORDS.get(kind, kind) for kind in flt.kinds))
    if flt.run is not None:
        parts.append(f"수집 실행 #{flt.run}이 저장한 문서만")
    searched = search_text(flt.text or "")
    if searched:
        parts.append(searched)
    if flt.lexicon_key:
        parts.append(f"사전 항목 {flt.lexicon_key}이(가) 들어간 점수의 문서만")
    return parts


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
    """A surge's peak or baseline: '89%' for a negative share, else (volume, a watched word)
    '48건/시간'."""
    if kind == NEGATIVE:
        return f"{value:.0%}"
    # A baseline of 0.6 an hour is not "1": whole numbers and large ones print without decimals.
    digits = 0 if value >= 10 or value == int(value) else 1
    return f"{value:,.{digits}f}건/시간"


def surge_rise(kind: str, peak_value: float, baseline: float) -> str:
    """'+13%p' for a negative share, else '×4.9' (times the baseline's hourly mean; '새로
    (직전 0건)' when it was 0)."""
    if kind == NEGATIVE:
        return f"{(peak_value - baseline) * 100:+.0f}%p"
    return "새로 (직전 0건)" if baseline == 0 else f"×{peak_value / baseline:.1f}"


def pruned_text(cut: Cut) -> str:
    """What a prune removed, as the dashboard and a brief say it (no markup)."""
    return (
        f"{format_kst(cut.before)} 이전에 발행된 {pruned_whose(cut)}문서는 "
        f"{format_kst(cut.pruned_at)}에 minsim prune으로 지웠습니다"
    )


def partly_missing_text(cut: Cut) -> str:
    """'2022-10-17 00:00 KST 이전 구간은 demo-video의 문서가 빠진 채 비교': what a view that also
    reads sources never pruned compares before a prune of some (no markup, no ending)."""
    names = ", ".join(cut.sources)
    return f"{format_kst(cut.before)} 이전 구간은 {names}의 문서가 빠진 채 비교"


def pruned_whose(cut: Cut) -> str:
    """'demo-video, demo-wire의 ' for a prune limited to sources, '' for one of every source."""
    return f"{', '.join(cut.sources)}의 " if cut.sources else ""
