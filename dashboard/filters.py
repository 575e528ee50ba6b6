"""The shared sidebar filters and their round trip through the URL query string.

`parse_params` is pure: it turns whatever is in the URL into a valid `FilterState` plus a warning
for every value it ignored or changed, so a hostile or stale link never raises and never changes
the view unannounced. `to_params` is its inverse.
`resolve` turns a state into the aggregate layer's `Filters` (aware UTC times).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from dashboard.search import clean_query, lexicon_key
from minsim.aggregate import BUCKETS, Filters

KST = ZoneInfo("Asia/Seoul")
# Preset windows, relative to the newest document (a replayed 2022 corpus has no "now").
WINDOWS: dict[str, str] = {
    "all": "전체 기간",
    "24h": "최근 24시간",
    "7d": "최근 7일",
    "custom": "직접 지정",
}
WINDOW_LENGTHS = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
BUCKET_LABELS = {"hour": "시간별", "day": "일별"}
DEFAULT_WINDOW = "all"
CUSTOM = "custom"
DEFAULT_BUCKET = "day"
# Longer values are not ids or dates of ours; refusing them early keeps warnings short.
MAX_PARAM_LENGTH = 100
# A URL may repeat a key; more values than this is not a view anyone built by hand.
MAX_VALUES_PER_KEY = 50
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A run id: a positive integer in ASCII digits that fits runs.id (32-bit on PostgreSQL).
_RUN_RE = re.compile(r"[1-9][0-9]{0,9}")
MAX_RUN_ID = 2**31 - 1
PARAM_KEYS = ("company", "source", "window", "from", "to", "bucket", "run", "q", "word")
# The Documents page's path, relative to the app: links into it carry filters in the query.
DOCUMENTS_PAGE = "documents"
# The kind switch of the pages that list documents: its own URL parameter, kept by the sidebar
# but no filter of the others, so a link from the comments of one page opens the comments of
# the next.
KIND_PARAM = "kind"
ALL_KINDS = "all"
# The kind switch's choices and their labels ("all" is no kind filter).
KIND_CHOICES = {ALL_KINDS: "기사와 댓글", "comment": "댓글만", "article": "기사만"}


@dataclass(frozen=True)
class FilterState:
    """What the sidebar shows: company ids, sources, window preset, custom dates, time bucket."""

    companies: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    window: str = DEFAULT_WINDOW
    date_from: date | None = None
    date_to: date | None = None
    bucket: str = DEFAULT_BUCKET
    run: int | None = None  # a collection run: only the documents it stored
    query: str = ""  # search words: only the documents whose title or text holds them
    word: str = ""  # a lexicon key: only the documents whose score it moved


@dataclass
class Parsed:
    state: FilterState
    warnings: list[str] = field(default_factory=list)


def _all_values(params: Mapping[str, object], key: str) -> list[object]:
    raw = params.get(key)
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def _values(params: Mapping[str, object], key: str) -> list[str]:
    return [str(v) for v in _all_values(params, key)[:MAX_VALUES_PER_KEY]]


def _short(value: str) -> str:
    """A value quoted back in a warning, cut so a huge parameter cannot flood the page."""
    limit = 30  # characters: enough to recognise a typo
    return value if len(value) <= limit else value[:limit] + "…"


def _choose(
    params: Mapping[str, object], key: str, allowed: Sequence[str], warnings: list[str]
) -> tuple[str, ...]:
    chosen: list[str] = []
    for value in _values(params, key):
        if value in allowed and value not in chosen:
            chosen.append(value)
        elif value not in allowed:
            warnings.append(f"알 수 없는 {key} 값 {_short(value)!r}은(는) 무시했습니다.")
    # Values past the limit are not read; say so unless they only repeat what was read.
    read = set(_values(params, key))
    unread = _all_values(params, key)[MAX_VALUES_PER_KEY:]
    if any(str(v) not in read for v in unread):
        warnings.append(
            f"{key} 값이 {MAX_VALUES_PER_KEY}개를 넘어 앞의 {MAX_VALUES_PER_KEY}개만 읽었습니다."
        )
    return tuple(chosen)


def _first(params: Mapping[str, object], key: str, warnings: list[str]) -> str | None:
    """The first value of a key that takes one; a repeated key with other values is reported."""
    values = _values(params, key)
    if not values:
        return None
    if len(set(values)) > 1:
        warnings.append(f"{key} 값이 여러 개라 첫 값 {_short(values[0])!r}만 읽었습니다.")
    return values[0]


def _one(params: Mapping[str, object], key: str, allowed: Sequence[str], default: str,
         warnings: list[str]) -> str:  # fmt: skip
    value = _first(params, key, warnings)
    if value is None:
        return default
    if value in allowed:
        return value
    warnings.append(f"{key}={_short(value)!r}은(는) 올바르지 않아 {default}을(를) 씁니다.")
    return default


def kind_param(params: Mapping[str, object], warnings: list[str]) -> str | None:
    """The kind switch's `kind` parameter, or None when there is none or it is not one of
    KIND_CHOICES (reported, as a repeated one is)."""
    value = _first(params, KIND_PARAM, warnings)
    if value is None or value in KIND_CHOICES:
        return value
    warnings.append(
        f"{KIND_PARAM}={_short(value)!r}은(는) 모르는 종류라 무시했습니다 "
        f"({', '.join(KIND_CHOICES)} 가운데 하나)."
    )
    return None


def _date(params: Mapping[str, object], key: str, warnings: list[str]) -> date | None:
    value = _first(params, key, warnings)
    if value is None:
        return None
    if len(value) <= MAX_PARAM_LENGTH and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    warnings.append(f"{key}={_short(value)!r}은(는) YYYY-MM-DD 날짜가 아니어서 무시했습니다.")
    return None


def _run(params: Mapping[str, object], warnings: list[str]) -> int | None:
    value = _first(params, "run", warnings)
    if value is None:
        return None
    if _RUN_RE.fullmatch(value) and int(value) <= MAX_RUN_ID:
        return int(value)
    warnings.append(f"run={_short(value)!r}은(는) 수집 실행 번호가 아니어서 무시했습니다.")
    return None


def _query(params: Mapping[str, object], warnings: list[str]) -> str:
    value = _first(params, "q", warnings)
    if value is None:
        return ""
    cleaned, notes = clean_query(value)
    warnings.extend(f"q: {note}" for note in notes)
    return cleaned


def _word(params: Mapping[str, object], warnings: list[str]) -> str:
    value = _first(params, "word", warnings)
    if value is None:
        return ""
    key = lexicon_key(value)
    if key is not None:
        return key
    warnings.append(
        f"word={_short(value)!r}은(는) 사전 항목(예: 실망/NNG)이 아니어서 무시했습니다."
    )
    return ""


def _fit(key: str, day: date | None, span: tuple[date, date], warnings: list[str]) -> date | None:
    """A date moved into the data's days [oldest, newest] (the date picker allows no other),
    with a warning that names the parameter, the reason and the date used instead."""
    oldest, newest = span
    if day is None or oldest <= day <= newest:
        return day
    if day > newest:
        warnings.append(
            f"{key} {day}은(는) 가장 최근 문서의 날짜({newest})보다 늦어 {newest}을(를) 씁니다."
        )
        return newest
    warnings.append(
        f"{key} {day}은(는) 가장 오래된 문서의 날짜({oldest})보다 일러 {oldest}을(를) 씁니다."
    )
    return oldest


def _custom_dates(
    date_from: date | None,
    date_to: date | None,
    span: tuple[date, date] | None,
    warnings: list[str],
) -> tuple[date | None, date | None]:
    """The custom window's dates: reversed ones swapped, then fitted into the data's days."""
    if date_from and date_to and date_from > date_to:
        warnings.append(
            f"from={date_from}이(가) to={date_to}보다 늦어 두 날짜를 바꿨습니다 "
            f"(from {date_to}, to {date_from})."
        )
        date_from, date_to = date_to, date_from
    if span is not None:
        date_from = _fit("from", date_from, span, warnings)
        date_to = _fit("to", date_to, span, warnings)
    return date_from, date_to


def parse_params(
    params: Mapping[str, object],
    *,
    companies: Sequence[str],
    sources: Sequence[str],
    span: tuple[date, date] | None = None,
) -> Parsed:
    """Read the URL's filters, keeping only known companies, sources and values.

    `span` is the (oldest, newest) KST day of the documents: custom dates outside it are moved
    into it. Every value ignored or changed gets a warning naming the parameter and what is
    used instead; `from`/`to` without a `window` mean a custom window.
    """
    warnings: list[str] = []
    companies_ = _choose(params, "company", companies, warnings)
    sources_ = _choose(params, "source", sources, warnings)
    date_notes: list[str] = []
    date_from = _date(params, "from", date_notes)
    date_to = _date(params, "to", date_notes)
    dated = date_from is not None or date_to is not None
    window = _one(params, "window", tuple(WINDOWS), CUSTOM if dated else DEFAULT_WINDOW, warnings)
    if window == CUSTOM:
        date_from, date_to = _custom_dates(date_from, date_to, span, date_notes)
    elif dated:
        date_notes.append(
            f"from/to는 window={CUSTOM}일 때만 씁니다. window={window}이어서 무시했습니다."
        )
        date_from = date_to = None
    if window == CUSTOM and date_notes and span is not None:
        # Swaps, moves and ignored dates add up: one last line says what the page now shows.
        shown = f"{date_from or span[0]} ~ {date_to or span[1]}"
        date_notes.append(f"보여 주는 기간: {shown} (KST).")
    state = FilterState(
        companies=companies_,
        sources=sources_,
        window=window,
        date_from=date_from,
        date_to=date_to,
        bucket=_one(params, "bucket", BUCKETS, DEFAULT_BUCKET, warnings),
        run=_run(params, warnings),
        query=_query(params, warnings),
        word=_word(params, warnings),
    )
    return Parsed(state, warnings + date_notes)


def to_params(state: FilterState) -> dict[str, str | list[str]]:
    """The query string for a state; defaults are left out so plain links stay short."""
    params: dict[str, str | list[str]] = {}
    if state.companies:
        params["company"] = list(state.companies)
    if state.sources:
        params["source"] = list(state.sources)
    if state.window != DEFAULT_WINDOW:
        params["window"] = state.window
    if state.window == CUSTOM and state.date_from and state.date_to:
        params["from"] = state.date_from.isoformat()
        params["to"] = state.date_to.isoformat()
    if state.bucket != DEFAULT_BUCKET:
        params["bucket"] = state.bucket
    if state.run is not None:
        params["run"] = str(state.run)
    if state.query:
        params["q"] = state.query
    if state.word:
        params["word"] = state.word
    return params


def documents_link(state: FilterState, kind: str = ALL_KINDS) -> str:
    """A link (relative to the app) to the Documents page with these filters, its kind switch
    on `kind` (article, comment or all)."""
    params = to_params(state)
    if kind != ALL_KINDS:
        params[KIND_PARAM] = kind
    return f"{DOCUMENTS_PAGE}?{urlencode(params, doseq=True)}" if params else DOCUMENTS_PAGE


def kst_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=KST)


def resolve(state: FilterState, span: tuple[datetime, datetime] | None) -> Filters:
    """The aggregate filters for a state; presets count back from the newest document."""
    start: datetime | None = None
    end: datetime | None = None
    if span is not None and state.window in WINDOW_LENGTHS:
        newest = span[1]
        # End just after the newest document so it is inside the half-open window.
        end = newest + timedelta(seconds=1)
        start = end - WINDOW_LENGTHS[state.window]
    elif state.window == CUSTOM:
        # The calendar's first and last days have no instant on the far side of KST midnight
        # (the sidebar never picks them: dates are fitted into the data's days); an open end.
        if state.date_from and state.date_from > date.min:
            start = kst_midnight(state.date_from)
        if state.date_to and state.date_to < date.max:
            end = kst_midnight(state.date_to) + timedelta(days=1)
    return Filters(
        start=start,
        end=end,
        companies=state.companies,
        sources=state.sources,
        run=state.run,
        text=state.query or None,
        lexicon_key=state.word or None,
    )


BUCKET_LENGTHS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
BUCKET_LABEL_FORMATS = {"hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d"}


def bucket_window(label: object, bucket: str) -> tuple[datetime, datetime] | None:
    """The [start, end) of a clicked chart bucket given its KST label; None if it is not one."""
    if not isinstance(label, str) or bucket not in BUCKET_LENGTHS:
        return None
    try:
        naive = datetime.strptime(label, BUCKET_LABEL_FORMATS[bucket])
    except ValueError:
        return None
    start = naive.replace(tzinfo=KST)
    return start, start + BUCKET_LENGTHS[bucket]


def narrow(flt: Filters, window: tuple[datetime, datetime]) -> Filters:
    """The filters limited to a window (intersected with any window they already have)."""
    start = max(window[0], flt.start) if flt.start else window[0]
    end = min(window[1], flt.end) if flt.end else window[1]
    return replace(flt, start=start, end=end)
