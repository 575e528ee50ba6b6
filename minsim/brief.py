"""The brief: what changed in a period, written in Markdown for a crisis team's channel or mail.

For the documents inside the filters published in [start, end): how many, and per company the
opinion against the period of the same length just before (the Before/after reading with the
period's start as the moment: the change of the mean score with its 95 % interval and a
verdict), the aspects most talked about, the topic terms most named and those that rose against
the period before, the lexicon entries that moved the period's comments most either way, the
surges, and the timeline's events with their own 24 hours either side. Figures, names, lexicon
entries, nouns named in several documents and event titles only, never a comment's text, so a
brief can be passed on; every name from the database is escaped, so it stays text in any
Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from minsim import aggregate
from minsim.aggregate import Cut, Filters
from minsim.aggregate.impact import ALL_DOCUMENTS, event_keys, rows_of
from minsim.aggregate.terms import RISE_RATIO, TermTable
from minsim.aggregate.watched import WATCHED_COLUMNS, watched_surges
from minsim.cli_common import terminal_safe
from minsim.db import has_terms
from minsim.timefmt import KST
from minsim.wording import (
    DEMO_PREFIX,
    SURGE_LABELS,
    escape_inline,
    filter_scope,
    interval_text,
    partly_missing_text,
    percent,
    pruned_text,
    signed,
    surge_rise,
    surge_value,
    verdict_text,
)
from minsim.words import WORD_SAMPLE, count_words, lemma_text, strongest

# Aspects listed per company: the most talked about in the period.
TOP_ASPECTS = 5
# Each event of the period is read over a day either side, as on the Before/after page.
EVENT_HOURS = 24
# Topic terms listed, most named and rising each.
TOP_BRIEF_TERMS = 5
# Words listed on each side, from the explanations of the period's newest scored comments (as
# many as the Words page reads).
TOP_BRIEF_WORDS = 5
TIME_FORMAT = "%Y-%m-%d %H:%M"
SHORT_TIME = "%m-%d %H:%M"
COMPANY_HEADER = (
    "| 회사 | 채점된 문서 (직전) | 평균 점수 (직전) | 변화 (95% 구간) | 부정 비율 (직전) | 판단 |"
)
ASPECT_HEADER = "| 회사 | 측면 | 채점된 문서 (직전) | 평균 점수 (직전) | 변화 (95% 구간) | 판단 |"


@dataclass(frozen=True)
class Period:
    """[start, end), aware, start before end; `hours` is its length, the length of the period
    compared before it."""

    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start) / timedelta(hours=1)


def period_of(flt: Filters, span: tuple[datetime, datetime]) -> Period:
    """The period a page's filters show: their window, or without one all the data, from the
    hour of the first document to the end of the newest one's hour."""
    first = pd.Timestamp(span[0]).tz_convert(KST).floor("h").to_pydatetime()
    after_newest = pd.Timestamp(span[1]).tz_convert(KST).floor("h") + pd.Timedelta(hours=1)
    return Period(flt.start or first, flt.end or after_newest.to_pydatetime())


# What a brief's file name begins with.
FILE_PREFIX = "minsim-brief-"


def file_name(period: Period) -> str:
    """'minsim-brief-20221019-0000.md': where the brief starts, in KST."""
    return f"{FILE_PREFIX}{_kst(period.start, '%Y%m%d-%H%M')}.md"


def write_brief(
    engine: Engine,
    flt: Filters,
    period: Period,
    *,
    version: str | None,
    watch: tuple[str, ...] = (),
) -> str:
    """The brief of `period` for the documents inside `flt` (its own time bounds are ignored);
    the surges of the `watch` words (aggregate.watched) stand beside the companies'."""
    unbounded = replace(flt, start=None, end=None)
    inside = replace(flt, start=period.start, end=period.end)
    names = aggregate.company_names(engine)
    labels = aggregate.aspect_labels(engine)
    totals = aggregate.summary(engine, inside, version=version)
    companies = list(flt.companies) or sorted(names)
    compared = aggregate.compare_sides(
        aggregate.before_after(
            engine, unbounded, [(period.start, c) for c in companies],
            hours=period.hours, version=version, inherited=False,
        )
    )  # fmt: skip
    events = aggregate.events_between(engine, inside)
    event_rows = aggregate.compare_sides(
        aggregate.before_after(
            engine, unbounded, event_keys(events), hours=EVENT_HOURS, version=version
        )
    )
    surges = aggregate.with_surge_terms(
        engine, aggregate.find_surges(engine, inside, version=version), inside, version=version
    )
    terms_kept = has_terms(engine)
    terms = aggregate.term_table(engine, inside, version=version) if terms_kept else None
    watched = (
        watched_surges(engine, inside, watch, version=version)
        if watch and terms_kept
        else pd.DataFrame(columns=WATCHED_COLUMNS)
    )
    # The public's own words: comments, unless the filters chose a kind.
    spoken = inside if flt.kinds else replace(inside, kinds=("comment",))
    explanations, scored = aggregate.stored_explanations(
        engine, spoken, version=version, limit=WORD_SAMPLE
    )
    demo = [s for s in aggregate.source_names(engine, inside) if s.startswith(DEMO_PREFIX)]
    lines = _head(flt, period, version, names, demo)
    lines += _pruned(*aggregate.prune_cuts(engine, flt), period)
    lines += _totals(totals)
    lines += _companies(compared, names)
    lines += _aspects(compared, period, names, labels)
    lines += _terms(terms, bool(flt.companies))
    lines += _words(count_words(explanations).words, len(explanations), scored, spoken.kinds)
    lines += _surges(surges, names, watched, watch, terms_kept=terms_kept)
    lines += _events(events, event_rows, names)
    lines += [
        "",
        "---",
        "숫자는 채점된 문서로 셉니다. 95% 구간은 문서가 서로 독립이라고 보는 Welch t 구간이라, "
        "한 기사에 달린 댓글처럼 서로 닮은 문서가 많으면 실제 불확실성은 더 큽니다. 두 기간을 "
        "비교할 뿐, 무엇 때문에 바뀌었는지는 말하지 않습니다.",
    ]
    # Control and bidi characters of a stored title are shown as escapes, in a file too.
    return terminal_safe("\n".join(lines) + "\n")


def _pruned(cut: Cut | None, partly: Cut | None, period: Period) -> list[str]:
    """What a prune took from the comparisons, when the period before, an event's hours before
    or a surge's day before reach past its cutoff: nothing before it is compared (`cut`), or,
    when the brief also reads sources never pruned (`partly`), the pruned ones are missing
    there."""
    looks_back = period.start - timedelta(hours=max(period.hours, EVENT_HOURS))
    if aggregate.reaches(cut, looks_back):
        return [
            "",
            f"> {escape_inline(pruned_text(cut))}. 그 전과는 비교하지 않고, 직전 기간과 사건 "
            f"전 구간은 {escape_inline(_kst(cut.before))} KST부터 셉니다.",
        ]
    if aggregate.reaches(partly, looks_back):
        return [
            "",
            f"> {escape_inline(pruned_text(partly))}. 지우지 않은 출처도 함께 읽으므로 "
            f"{escape_inline(partly_missing_text(partly))}됩니다.",
        ]
    return []


def _kst(moment: datetime, fmt: str = TIME_FORMAT) -> str:
    return pd.Timestamp(moment).tz_convert(KST).strftime(fmt)


def _head(
    flt: Filters, period: Period, version: str | None, names: dict[str, str], demo: list[str]
) -> list[str]:
    scope = " · ".join(escape_inline(part) for part in filter_scope(flt, names))
    lines = [
        f"# 민심 브리핑 · {_kst(period.start)} ~ {_kst(period.end)} KST",
        "",
        f"범위: {scope} · 점수 버전 {escape_inline(version or '없음')} · "
        f"직전 {period.hours:,g}시간과 비교",
    ]
    if demo:
        sources_text = escape_inline(", ".join(demo))
        lines += ["", f"> 데모 데이터: {sources_text}의 글은 시연용으로 작성한 가상의 글입니다."]
    return lines


def _totals(totals: dict[str, float | int | None]) -> list[str]:
    line = (
        f"문서 {totals['docs']:,}건 (기사 {totals['articles']:,}, 댓글 {totals['comments']:,}) · "
        f"채점 {totals['scored']:,}건"
    )
    if totals["mean_compound"] is not None:
        line += (
            f" · 평균 점수 {signed(float(totals['mean_compound']))} · "
            f"부정 {percent(float(totals['neg_share'] or 0.0))}"
        )
    return ["", "## 한눈에", "", line]


def _change_cells(row: dict) -> str:
    """'n (n before) | mean (mean before) | change (low ~ high) | neg (neg before) | verdict'."""
    return (
        f"{row['n_after']:,} ({row['n_before']:,}) | "
        f"{signed(row['mean_after'])} ({signed(row['mean_before'])}) | "
        f"{signed(row['change'])} ({interval_text(row['low'], row['high'])}) | "
        f"{percent(row['neg_share_after'])} ({percent(row['neg_share_before'])}) | "
        f"{verdict_text(row)}"
    )


def _companies(compared: pd.DataFrame, names: dict[str, str]) -> list[str]:
    overall = compared[compared["aspect"] == ALL_DOCUMENTS]
    if overall.empty:
        return ["", "이 기간과 직전 기간에 채점된 문서가 없습니다."]
    lines = ["", COMPANY_HEADER, "|---|---|---|---|---|---|"]
    for row in overall.sort_values("n_after", ascending=False).to_dict("records"):
        name = escape_inline(names.get(row["company"], row["company"]))
        lines.append(f"| {name} | {_change_cells(row)} |")
    return lines


def _aspects(
    compared: pd.DataFrame, period: Period, names: dict[str, str], labels: dict[str, str]
) -> list[str]:
    lines = ["", "## 측면", "", "문장에서 직접 언급한 것만 셉니다 (기사에서 물려받은 측면은 빼고)."]
    aspects = compared[(compared["aspect"] != ALL_DOCUMENTS) & (compared["n_after"] > 0)]
    if aspects.empty:
        return [*lines, "", "이 기간에 측면을 언급한 채점된 문서가 없습니다."]
    lines += ["", ASPECT_HEADER, "|---|---|---|---|---|---|"]
    for company in dict.fromkeys(aspects.sort_values("n_after", ascending=False)["company"]):
        rows = rows_of(aspects, period.start, company).head(TOP_ASPECTS)
        for row in rows.to_dict("records"):
            name = escape_inline(names.get(company, company))
            aspect = escape_inline(labels.get(row["aspect"], row["aspect"]))
            cells = _change_cells(row).split(" | ")
            # The aspect table has no negative-share column: one table fits a chat window.
            lines.append(f"| {name} | {aspect} | {' | '.join(cells[:3] + cells[4:])} |")
    return lines


def _terms(table: TermTable | None, companies_chosen: bool) -> list[str]:
    lines = ["", "## 화제어", ""]
    if table is None:
        return [*lines, "이 데이터베이스에는 화제어가 없습니다 (`minsim score`가 채웁니다)."]
    if table.terms.empty:
        return [*lines, "이 기간 문서에서 센 화제어가 없습니다 (채점된 문서의 명사를 셉니다)."]

    def listed(frame: pd.DataFrame) -> str:
        return ", ".join(
            f"{escape_inline(row['term'])} ({row['docs']:,}건"
            + (f", 직전 {row['before_docs']:,}건" if table.compared else "")
            + f", 평균 {signed(row['mean_compound'])})"
            for row in frame.head(TOP_BRIEF_TERMS).to_dict("records")
        )

    lines.append(f"- 많이 나온 말: {listed(table.top())}")
    if table.compared:
        lines.append(f"- 떠오른 말: {listed(table.rising()) or '없음'}")
        rising = (
            f"떠오른 말은 직전 같은 길이 기간(문서 {table.before_documents:,}건)보다 문서 비율이 "
            f"{RISE_RATIO:g}배 이상이고 우연으로 보기 어려운 말입니다."
        )
    else:
        rising = "직전 같은 길이 기간에 문서가 없어 떠오른 말은 찾지 않았습니다."
    named = "고른 회사를 가리키는 이름은 뺐습니다. " if companies_chosen else ""
    counted = f"채점된 문서 {table.documents:,}건에 나온 명사를 문서마다 한 번씩 셉니다."
    lines.append(f"({counted} {named}{rising})")
    return lines


def _words(found: pd.DataFrame, read: int, scored: int, kinds: tuple[str, ...]) -> list[str]:
    what = "댓글" if kinds == ("comment",) else "문서"
    lines = ["", "## 점수를 움직인 말", ""]
    if not read:
        return [*lines, f"이 기간에 채점된 {what}이(가) 없습니다."]
    if found.empty:
        return [*lines, f"이 기간의 채점된 {what}에서 점수를 크게 움직인 말이 없습니다."]
    sample = f"{scored:,}건" + (f" 중 최신 {read:,}건" if scored > read else "")
    for title, sign in (("부정 쪽", -1), ("긍정 쪽", +1)):
        top = strongest(found, sign, TOP_BRIEF_WORDS).to_dict("records")
        # Lexicon entries, never the words as a comment wrote them; two entries that read
        # alike (짜다 the verb and the adjective) get their keys.
        shown = [lemma_text(row["key"]) for row in top]
        named = [
            f"{text} ({row['key']})" if shown.count(text) > 1 else text
            for text, row in zip(shown, top, strict=True)
        ]
        listed = ", ".join(
            f"{escape_inline(name)} ({row['total']:+.1f}, {row['docs']:,}건)"
            for name, row in zip(named, top, strict=True)
        )
        lines.append(f"- {title}: {listed or '없음'}")
    lines.append(
        f"(채점된 {what} {sample}에서 가중치 합, 괄호 안은 합과 그 말이 점수를 움직인 {what} "
        "수. 리뷰에서 배운 어미·조사는 뺐습니다.)"
    )
    return lines


def _surges(
    surges: pd.DataFrame,
    names: dict[str, str],
    watched: pd.DataFrame,
    watch: tuple[str, ...],
    *,
    terms_kept: bool,
) -> list[str]:
    """The companies' surges and the watched words', in the order they began; a database
    without terms says its words were not judged (a quiet list must not read as a calm one)."""
    lines = ["", "## 급증", ""]
    if watch:
        unjudged = (
            ""
            if terms_kept
            else " — 화제어가 없는 데이터베이스라 판단하지 못했습니다; `minsim score`가 채웁니다"
        )
        lines += [f"(지켜보는 말: {escape_inline('·'.join(watch))}{unjudged})", ""]
    found = [
        (row["start"], names.get(row["company"], row["company"]), row)
        for row in surges.to_dict("records")
    ] + [(row["start"], f"'{row['term']}'", row) for row in watched.to_dict("records")]
    if not found:
        return [*lines, "이 기간에 급증한 시간이 없습니다 (직전 24시간과 비교)."]
    for _, who, row in sorted(found, key=lambda item: item[0]):
        ongoing = ", 진행 중" if row["ongoing"] else ""
        terms = row.get("terms") or []
        lines.append(
            f"- {escape_inline(who)} {SURGE_LABELS[row['kind']]}: "
            f"{_kst(row['start'], SHORT_TIME)} ~ {_kst(row['end'], SHORT_TIME)} "
            f"({row['hours']}시간{ongoing}), 정점 "
            f"{_kst(row['peak'], SHORT_TIME)} {surge_value(row['kind'], row['peak_value'])}, "
            f"직전 24시간 {surge_value(row['kind'], row['baseline'])} "
            f"({surge_rise(row['kind'], row['peak_value'], row['baseline'])})"
            + (f"; 많이 나온 말: {escape_inline('·'.join(terms))}" if terms else "")
        )
    return lines


def _events(events: pd.DataFrame, compared: pd.DataFrame, names: dict[str, str]) -> list[str]:
    lines = ["", "## 사건", ""]
    if events.empty:
        return [*lines, "이 기간에 타임라인의 사건이 없습니다."]
    for event in events.to_dict("records"):
        name = escape_inline(names.get(event["company"], event["company"]))
        head = f"- {_kst(event['at'], SHORT_TIME)} · {name} · {escape_inline(event['title'])}"
        rows = rows_of(compared, event["at"], event["company"])
        overall = rows[rows["aspect"] == ALL_DOCUMENTS]
        if overall.empty:
            lines.append(f"{head}: 앞뒤 {EVENT_HOURS}시간에 채점된 문서 없음")
            continue
        row = overall.iloc[0]
        lines.append(
            f"{head}: 앞뒤 {EVENT_HOURS}시간 평균 점수 {signed(row['mean_before'])} → "
            f"{signed(row['mean_after'])}, 변화 {signed(row['change'])} "
            f"({interval_text(row['low'], row['high'])}) {verdict_text(row)}"
        )
    return lines
