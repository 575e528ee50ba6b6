"""Show stored UTC times in Korea Standard Time, and lengths of time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")
# Units of a length of time, largest first: (seconds, label).
UNITS_EN = ((86400, "d"), (3600, "h"), (60, "m"))
UNITS_KO = ((86400, "일"), (3600, "시간"), (60, "분"), (1, "초"))


def duration_text(seconds: float, units: Sequence[tuple[int, str]] = UNITS_EN) -> str:
    """`seconds` in its two largest units that are not zero (`2h 10m`, `3일 5시간`), rounded
    down to the smallest unit; `0m` (`0초`) for less than that, or for a negative length."""
    left = max(0, int(seconds))
    shown = []
    for size, label in units:
        count, left = divmod(left, size)
        if count:
            shown.append(f"{count}{label}")
    return " ".join(shown[:2]) or f"0{units[-1][1]}"


def format_kst(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(KST).strftime("%Y-%m-%d %H:%M KST")


def format_interval(seconds: int) -> str:
    """A source's interval as settings write it: `30s`, `15m`, `1h`, `1d`."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
