"""Collection health as tables: collectors and their last runs, recent imports, recent runs of
all collectors, document sources.

Pure. Runs are named after what ran: a collector (`[[sources]] name`), an imported file
(`import:<file>`) or a demo file (`demo:<file>`). Documents carry their own `source` column (a
file's rows name theirs) and the run that stored their current version (`documents.run_id`): a
collector's row says how it ran and which document sources it stored into, a document source's
row what is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from dashboard.filters import FilterState, documents_link
from dashboard.ui import MISSING_CELL, escape_md, fmt_kst
from minsim.overdue import is_overdue
from minsim.presence import Process
from minsim.store import DEMO_LOAD_PREFIX, IMPORT_PREFIX, INTERRUPTED_RUN
from minsim.timefmt import UNITS_KO, duration_text, format_interval

# Text marks only: emoji need a colour-emoji font the server's browser may not have.
STATUS_LABELS = {"ok": "✓ 정상", "failed": "✗ 실패", "running": "… 실행 중"}
NO_RUN = "기록 없음"
# A run's length takes the place of its end time: the start already dates it, and a start and an
# end in full made the run tables wider than the page.
TOOK_COLUMN = "걸린 시간"
UNFINISHED = "…"
# The column that links a run to the Documents page.
RUN_LINK_COLUMN = "이 실행의 문서"
MISSING = MISSING_CELL
COUNTER_COLUMNS = {
    "가져옴": "fetched",
    "새 문서": "new",
    "중복": "duplicate",
    "재시도": "retry/count",
}
# Run names of one-off file loads: each file is one run, not a collector of its own, so they are
# shown as one group (its latest run) plus a list of the latest few.
GROUPS = {
    IMPORT_PREFIX: ("가져오기 (minsim import)", "파일 가져오기"),
    DEMO_LOAD_PREFIX: ("데모 불러오기 (minsim init --demo)", "데모 자료"),
}
NOT_CONFIGURED = "설정에 없음"
# Enough recent imports to spot a failed one without listing every file ever imported.
RECENT_IMPORTS = 10
# Runs of all collectors listed newest first on the Sources page.
RECENT_RUNS = 20


@dataclass(frozen=True)
class Collector:
    """One row of the collectors table: a configured source, a run name the settings do not
    know, or a group of file loads (then `run` is the group's latest run and `file` its file)."""

    name: str
    kind: str
    interval: str = MISSING
    enabled: str = MISSING
    run: Mapping[str, Any] | None = None
    last_ok: datetime | None = None
    file: str = MISSING
    # The document sources its runs stored the current version of (documents.run_id).
    stored: tuple[str, ...] = ()
    # Enabled, it ran before, and no run of it started for several intervals (minsim.overdue).
    overdue: bool = False

    @property
    def failed(self) -> bool:
        return self.run is not None and self.run["status"] == "failed"


def _group_of(run_name: str) -> str | None:
    return next((prefix for prefix in GROUPS if run_name.startswith(prefix)), None)


def _newest(runs: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return max(runs, key=lambda r: r["started_at"], default=None)


def collectors(
    configured: Sequence[Mapping[str, Any]],
    runs: Iterable[Mapping[str, Any]],
    last_ok: Mapping[str, datetime],
    stored: Mapping[str, Sequence[str]] | None = None,
    now: datetime | None = None,
) -> list[Collector]:
    """Configured sources and other collectors that ran, by name, then the file-load groups.

    `configured` holds name, kind, interval_seconds and enabled of each `[[sources]]` table;
    `runs` the last run of every run name; `last_ok` the newest successful run of each;
    `stored` the document sources each run name stored documents into; `now` (the clock by
    default) tells which configured sources are overdue."""
    stored = stored or {}
    now = now or datetime.now(UTC)
    by_name = {str(r["source"]): r for r in runs}
    rows = {}
    for c in configured:
        name = str(c["name"])
        run = by_name.get(name)
        started = run["started_at"] if run is not None else None
        rows[name] = Collector(
            name=name, kind=str(c["kind"]), interval=format_interval(int(c["interval_seconds"])),
            enabled="켜짐" if c["enabled"] else "꺼짐", run=run, last_ok=last_ok.get(name),
            stored=tuple(stored.get(name, ())),
            overdue=is_overdue(started, int(c["interval_seconds"]), bool(c["enabled"]), now),
        )  # fmt: skip
    loads = {name: run for name, run in by_name.items() if name not in rows and _group_of(name)}
    for name, run in by_name.items():
        if name not in rows and name not in loads:
            rows[name] = Collector(
                name, NOT_CONFIGURED, run=run, last_ok=last_ok.get(name),
                stored=tuple(stored.get(name, ())),
            )  # fmt: skip
    result = [rows[name] for name in sorted(rows)]
    for prefix, (label, kind) in GROUPS.items():
        group = [name for name in loads if name.startswith(prefix)]
        latest = _newest(loads[name] for name in group)
        if latest is None:
            continue
        oks = [last_ok[name] for name in group if name in last_ok]
        file = str(latest["source"])[len(prefix) :]
        into = sorted({source for name in group for source in stored.get(name, ())})
        result.append(
            Collector(
                label, kind, run=latest, last_ok=max(oks, default=None), file=file,
                stored=tuple(into),
            )
        )  # fmt: skip
    return result


def _count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def _status_label(run: Mapping[str, Any]) -> str:
    return STATUS_LABELS.get(str(run["status"]), str(run["status"]))


def _run_columns(run: Mapping[str, Any] | None) -> dict[str, str]:
    """Status, times, the usual counters and the error of a run (or of no run)."""
    counters: dict[str, int] = dict(run["counters"]) if run else {}
    dropped = [v for k, v in counters.items() if k.startswith("dropped/")]
    row = {
        "상태": _status_label(run) if run else NO_RUN,
        "시작 (KST)": fmt_kst(run["started_at"]) if run else MISSING,
        TOOK_COLUMN: _took(run) if run else MISSING,
    }
    for column, key in COUNTER_COLUMNS.items():
        row[column] = _count(counters.get(key))
    row["버림"] = _count(sum(dropped) if dropped else None)
    row["오류"] = str(run["error"] or "") if run else ""
    return row


def _took(run: Mapping[str, Any]) -> str:
    """How long `run` took; not known of one closed after its process was killed."""
    if run.get("error") == INTERRUPTED_RUN:
        return MISSING
    return took(run["started_at"], run["finished_at"])


def took(started: object, finished: object) -> str:
    """How long from `started` to `finished` in its two largest units (`2분 5초`, `3일 5시간`):
    how long a run took, `…` while it has not finished."""
    if not isinstance(started, datetime) or not isinstance(finished, datetime):
        return UNFINISHED
    if pd.isna(started) or pd.isna(finished):
        return UNFINISHED
    return duration_text(round((finished - started).total_seconds()), UNITS_KO)


def _run_row(
    head: dict[str, str], run: Mapping[str, Any] | None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """One table row for a run: the `head` columns, the run's status, times and counters, the
    `extra` columns, the link to what it stored, and the wide error column last of these."""
    record = {**head, **_run_columns(run)}
    error = record.pop("오류")
    return {**record, **(extra or {}), RUN_LINK_COLUMN: run_link(run), "오류": error}


def run_link(run: Mapping[str, Any] | None) -> str:
    """A link to the Documents page filtered to what this run stored (relative to the app); ""
    without a run (a link column shows an empty cell for it, and "None" for a missing value)."""
    return documents_link(FilterState(run=run["id"])) if run and run.get("id") is not None else ""


def run_line(run: Mapping[str, Any]) -> str:
    """One run in a line, for the run filter: `수집 실행 #12 · news-feed · 2022-10-16 10:00 KST
    시작 · ✓ 정상 · 이 실행이 저장한 문서 34건` (markdown-escaped: the name is outside text)."""
    return escape_md(
        f"수집 실행 #{run['id']} · {run['source']} · {fmt_kst(run['started_at'])} 시작 · "
        f"{_status_label(run)} · "
        f"이 실행이 저장한 문서 {int(run['stored']):,}건"
    )


def _settings_text(c: Collector) -> str:
    """`rss · 15m · 꺼짐` for a configured source; the kind alone for the others."""
    if c.interval == MISSING:
        return c.kind
    return f"{c.kind} · {c.interval} · {c.enabled}"


def collectors_frame(rows: Sequence[Collector]) -> pd.DataFrame:
    """The collectors table: one row per collector or file-load group, its last run first (what
    a reader scans for) with the document sources it stored into before the wide error column,
    then when it last went well and how it is set up."""
    records = []
    for c in rows:
        stored = ", ".join(c.stored) or MISSING
        record = _run_row({"수집기": c.name}, c.run, {"저장한 문서 출처": stored})
        record["마지막 정상 실행 (KST)"] = fmt_kst(c.last_ok) if c.last_ok else MISSING
        record["설정"] = _settings_text(c)
        record["마지막 파일"] = c.file
        records.append(record)
    return pd.DataFrame(records)


def recent_imports(
    runs: Iterable[Mapping[str, Any]], limit: int = RECENT_IMPORTS
) -> list[Mapping[str, Any]]:
    """The last run of each imported file, newest first, at most `limit` of them."""
    imports = [r for r in runs if str(r["source"]).startswith(IMPORT_PREFIX)]
    return sorted(imports, key=lambda r: r["started_at"], reverse=True)[:limit]


def imports_frame(runs: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per imported file (its last import): file name, status, times, counters, error."""
    files = [str(r["source"])[len(IMPORT_PREFIX) :] for r in runs]
    return pd.DataFrame([_run_row({"파일": name}, r) for name, r in zip(files, runs, strict=True)])


def runs_frame(runs: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The newest runs of all collectors (aggregate.recent_runs): id and name, status, times,
    counters, the documents whose current version each stored, a link to them, the error."""
    return pd.DataFrame(
        [
            _run_row(
                {"실행": f"#{r['id']} {r['source']}"}, r, {"저장한 문서": _count(int(r["stored"]))}
            )  # fmt: skip
            for r in runs
        ]
    )


def _kst_or_missing(value: object) -> str:
    return fmt_kst(value) if isinstance(value, datetime) and not pd.isna(value) else MISSING


def sources_frame(activity: pd.DataFrame) -> pd.DataFrame:
    """The document sources table from aggregate.source_activity: counts and times in KST."""
    records = [
        {
            "문서 출처": str(row["source"]),
            "문서 (건)": f"{int(row['docs']):,}",
            "기사": f"{int(row['articles']):,}",
            "댓글": f"{int(row['comments']):,}",
            "처음 발행 (KST)": _kst_or_missing(row["first_published"]),
            "마지막 발행 (KST)": _kst_or_missing(row["last_published"]),
            "마지막 수집 (KST)": _kst_or_missing(row["last_collected"]),
        }
        for row in activity.to_dict("records")
    ]
    return pd.DataFrame(records)


def overdue_line(row: Collector, now: datetime | None = None) -> str:
    """`news-feed: 마지막 실행 시작 2022-12-03 13:00 KST (3시간 10분 전, 15m마다)` for the
    warning of the collectors whose collecting seems to have stopped."""
    assert row.run is not None
    started = row.run["started_at"]
    since = took(started, now or datetime.now(UTC))
    line = f"{row.name}: 마지막 실행 시작 {fmt_kst(started)} ({since} 전, {row.interval}마다)"
    if row.run["status"] == "running":  # it holds back the next runs, one at a time
        line += ", 아직 실행 중으로 기록됨(긴 실행이거나, 닫지 못하고 멈춘 프로세스)"
    return line


def process_line(process: Process, now: datetime) -> str:
    """'vm (pid 42): 2026-12-08 10:00 KST부터 실행 중(마지막 신호 20초 전), 수집: a, b'."""
    what = f"수집: {', '.join(process.sources)}" if process.sources else "브리핑만 씀"
    return (
        f"{process.name}: {fmt_kst(process.started_at)}부터 실행 중"
        f"(마지막 신호 {took(process.seen_at, now)} 전), {what}"
    )


def gone_line(process: Process, now: datetime) -> str:
    """How the last recorded `minsim run` ended, for when none runs: stopped, or silent."""
    last = f"마지막 프로세스 {process.name}는"
    if process.stopped_at is not None:
        return f"{last} {fmt_kst(process.stopped_at)}에 멈췄습니다"
    seen = process.seen_at
    return (
        f"{last} {fmt_kst(seen)}({took(seen, now)} 전) 뒤로 신호가 없습니다: 강제로 끝났거나 멈춤"
    )
