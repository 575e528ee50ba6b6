"""The `replay` kind: releases the demo corpus over simulated time, a few hours each run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from collectors.base import CollectContext
from collectors.http import HttpClient
from minsim.errors import CollectError
from minsim.importer import RowError, read_rows
from minsim.models import RawItem
from minsim.normalize import parse_datetime
from minsim.settings import SourceSettings


def load_corpus(folder: Path) -> list[tuple[datetime, RawItem]]:
    """Every good row of folder/*.jsonl with its time; articles first at equal times."""
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise CollectError(f"replay: no *.jsonl files in {folder}")
    rows: list[tuple[datetime, RawItem]] = []
    for path in files:
        for row in read_rows(path):
            if isinstance(row, RowError):
                continue  # `minsim import` reports bad rows; a replay only shows the good ones
            when = parse_datetime(row.published_at)
            if when is not None:
                rows.append((when, row))
    rows.sort(key=lambda pair: (pair[0], pair[1].kind != "article"))
    return rows


def window(
    rows: list[tuple[datetime, RawItem]], start: datetime, hours: float
) -> tuple[list[RawItem], datetime]:
    """Items dated in [start, start + hours) (articles first, so comments find them) and the end."""
    end = start + timedelta(hours=hours)
    released = [item for when, item in rows if start <= when < end]
    released.sort(key=lambda item: item.kind != "article")
    return released, end


def collect(source: SourceSettings, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
    options = source.options
    hours = float(options["hours_per_run"])  # above 0: checked when the settings load
    folder = Path(str(options["demo_dir"])) if options["demo_dir"] else ctx.demo_dir
    if folder is None or not folder.is_dir():
        raise CollectError(f"{source.name}: demo folder {folder} does not exist")
    rows = load_corpus(folder)
    if not rows:
        raise CollectError(f"{source.name}: no dated rows in {folder}")
    clock = ctx.cursor_json().get("clock") or options["start"] or None
    start = parse_datetime(clock) if clock else rows[0][0]
    if start is None:
        raise CollectError(f"{source.name}: cannot read the replay start {clock!r}")
    if start > rows[-1][0]:
        ctx.counters.add("replay/finished")
        return
    released, end = window(rows, start, hours)
    ctx.counters.add("replay/released", len(released))
    yield from released
    ctx.set_cursor_json({"clock": end.isoformat()})
