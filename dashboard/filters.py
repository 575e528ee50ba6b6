"""The shared sidebar filters and their round trip through the URL query string.

`parse_params` is pure: it turns whatever is in the URL into a valid `FilterState` plus warnings
for what it had to ignore, so a hostile or stale link never raises. `to_params` is its inverse.
`resolve` turns a state into the aggregate layer's `Filters` (aware UTC times).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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
DEFAULT_BUCKET = "day"
# Longer values are not ids or dates of ours; refusing them early keeps warnings short.
MAX_PARAM_LENGTH = 100
# A URL may repeat a key; more values than this is not a view anyone built by hand.
MAX_VALUES_PER_KEY = 50
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARAM_KEYS = ("company", "source", "window", "from", "to", "bucket")


@dataclass(frozen=True)
class FilterState:
    """What the sidebar shows: company ids, sources, window preset, custom dates, time bucket."""

    companies: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    window: str = DEFAULT_WINDOW
    date_from: date | None = None
    date_to: date | None = None
    bucket: str = DEFAULT_BUCKET


@dataclass
class Parsed:
    state: FilterState
    warnings: list[str] = field(default_factory=list)


def _values(params: Mapping[str, object], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    return [str(v) for v in items[:MAX_VALUES_PER_KEY]]


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
    return tuple(chosen)


def _one(params: Mapping[str, object], key: str, allowed: Sequence[str], default: str,
         warnings: list[str]) -> str:  # fmt: skip
    values = _values(params, key)
    if not values:
        return default
    if values[0] in allowed:
        return values[0]
    warnings.append(f"{key}={_short(values[0])!r}은(는) 올바르지 않아 기본값을 씁니다.")
    return default


def _date(params: Mapping[str, object], key: str, warnings: list[str]) -> date | None:
    values = _values(params, key)
    if not values:
        return None
    value = values[0]
    if len(value) <= MAX_PARAM_LENGTH and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    warnings.append(f"{key}={_short(value)!r}은(는) YYYY-MM-DD 날짜가 아니어서 무시했습니다.")
    return None


def parse_params(
    params: Mapping[str, object], *, companies: Sequence[str], sources: Sequence[str]
) -> Parsed:
    """Read the URL's filters, keeping only known companies, sources and values."""
    warnings: list[str] = []
    state = FilterState(
        companies=_choose(params, "company", companies, warnings),
        sources=_choose(params, "source", sources, warnings),
        window=_one(params, "window", tuple(WINDOWS), DEFAULT_WINDOW, warnings),
        date_from=_date(params, "from", warnings),
        date_to=_date(params, "to", warnings),
        bucket=_one(params, "bucket", BUCKETS, DEFAULT_BUCKET, warnings),
    )
    if state.date_from and state.date_to and state.date_from > state.date_to:
        warnings.append("시작 날짜가 끝 날짜보다 늦어 두 날짜를 바꿨습니다.")
        state = FilterState(**{**state.__dict__, "date_from": state.date_to,
                               "date_to": state.date_from})  # fmt: skip
    return Parsed(state, warnings)


def to_params(state: FilterState) -> dict[str, str | list[str]]:
    """The query string for a state; defaults are left out so plain links stay short."""
    params: dict[str, str | list[str]] = {}
    if state.companies:
        params["company"] = list(state.companies)
    if state.sources:
        params["source"] = list(state.sources)
    if state.window != DEFAULT_WINDOW:
        params["window"] = state.window
    if state.window == "custom" and state.date_from and state.date_to:
        params["from"] = state.date_from.isoformat()
        params["to"] = state.date_to.isoformat()
    if state.bucket != DEFAULT_BUCKET:
        params["bucket"] = state.bucket
    return params


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
    elif state.window == "custom":
        if state.date_from:
            start = kst_midnight(state.date_from)
        if state.date_to:
            end = kst_midnight(state.date_to) + timedelta(days=1)
    return Filters(start=start, end=end, companies=state.companies, sources=state.sources)


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
    return Filters(start, end, flt.companies, flt.sources, flt.kinds)
