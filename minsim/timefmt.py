"""Show stored UTC times in Korea Standard Time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")


def format_kst(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(KST).strftime("%Y-%m-%d %H:%M KST")
