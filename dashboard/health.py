"""Collection health as a table: the last run of every source beside what it stored. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from dashboard.ui import fmt_kst

# Text marks only: emoji need a colour-emoji font the server's browser may not have.
STATUS_LABELS = {"ok": "✓ 정상", "failed": "✗ 실패", "running": "… 실행 중"}
NO_RUN = "기록 없음"
MISSING = "—"
COUNTER_COLUMNS = {
    "가져옴": ("fetched",),
    "새 문서": ("new",),
    "중복": ("duplicate",),
    "재시도": ("retry/count",),
}


def _count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def runs_frame(
    sources: Iterable[str], runs: Iterable[Mapping[str, Any]], stored: Mapping[str, int]
) -> pd.DataFrame:
    """One row per source (those that stored documents and those that ran), newest state."""
    by_source = {str(r["source"]): r for r in runs}
    rows = []
    for source in sorted(set(sources) | set(by_source)):
        run = by_source.get(source)
        counters: dict[str, int] = dict(run["counters"]) if run else {}
        dropped = sum(v for k, v in counters.items() if k.startswith("dropped/"))
        row = {
            "출처": source,
            "상태": STATUS_LABELS.get(str(run["status"]), str(run["status"])) if run else NO_RUN,
            "시작 (KST)": fmt_kst(run["started_at"]) if run else MISSING,
            "종료 (KST)": fmt_kst(run["finished_at"]) if run else MISSING,
        }
        for column, keys in COUNTER_COLUMNS.items():
            row[column] = _count(counters.get(keys[0]))
        row["버림"] = _count(dropped if any(k.startswith("dropped/") for k in counters) else None)
        row["저장된 문서"] = f"{stored.get(source, 0):,}"
        row["오류"] = str(run["error"] or "") if run else ""
        rows.append(row)
    return pd.DataFrame(rows)
