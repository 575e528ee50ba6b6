"""Read CSV and JSONL files of articles or comments into RawItems, reporting bad rows by line."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from minsim.errors import ImportFileError
from minsim.models import KINDS, RawItem
from minsim.normalize import parse_datetime

COLUMNS: tuple[str, ...] = (
    "kind",
    "source",
    "external_id",
    "url",
    "title",
    "text",
    "author",
    "published_at",
    "article_url",
    "likes",
    "dislikes",
)
REQUIRED: tuple[str, ...] = ("kind", "text", "published_at")
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# Korean spreadsheets are often saved as CP949 (a superset of EUC-KR) rather than UTF-8.
FALLBACK_ENCODING = "cp949"
# A file bigger than this is refused: it would not fit one import and is likely not ours.
MAX_FILE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class RowError:
    """A row that was skipped, with its line number and what was wrong."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def read_rows(path: Path, default_source: str | None = None) -> Iterator[RawItem | RowError]:
    """Yield a RawItem for each good row and a RowError for each bad one; never stops early."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ImportFileError(
            f"{path}: unknown file type {path.suffix!r}; use .csv or .jsonl ({', '.join(COLUMNS)})"
        )
    text = _decode(path)
    rows = _csv_rows(text) if kind == "csv" else _jsonl_rows(text)
    for line, row in rows:
        if isinstance(row, str):
            yield RowError(path, line, row)
            continue
        item = _item(row, default_source)
        yield RowError(path, line, item) if isinstance(item, str) else item


def _decode(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFileError(f"{path}: larger than {MAX_FILE_BYTES // 1024**2} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode(FALLBACK_ENCODING)
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ImportFileError(
                f"{path}:{line}: neither UTF-8 nor CP949 (byte {utf8_error.start})"
            ) from utf8_error


def _csv_rows(text: str) -> Iterator[tuple[int, Mapping[str, object] | str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ("kind", "text", "published_at") if c not in header]
    if missing:
        yield 1, f"header lacks column(s) {', '.join(missing)}; columns: {', '.join(COLUMNS)}"
        return
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        yield 1, f"unknown column(s) {', '.join(unknown)}; columns: {', '.join(COLUMNS)}"
        return
    line = 1
    for row in reader:
        line_start = line + 1
        line = reader.line_num
        if None in row:  # more fields than the header
            yield line_start, f"{len(header) + len(row[None])} fields, header has {len(header)}"
            continue
        yield line_start, row


def _jsonl_rows(text: str) -> Iterator[tuple[int, Mapping[str, object] | str]]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except ValueError as exc:
            yield line, f"not valid JSON: {exc.msg} at column {exc.colno}"
            continue
        if not isinstance(row, dict):
            yield line, f"expected a JSON object, got {type(row).__name__}"
            continue
        unknown = [k for k in row if k not in COLUMNS]
        if unknown:
            yield line, f"unknown field(s) {', '.join(sorted(unknown))}"
            continue
        yield line, row


def _item(row: Mapping[str, object], default_source: str | None) -> RawItem | str:
    values = {k: ("" if v is None else v) for k, v in row.items()}
    for column in REQUIRED:
        if not str(values.get(column, "")).strip():
            return f"{column} is empty"
    kind = str(values["kind"]).strip()
    if kind not in KINDS:
        return f"kind {kind!r} is not one of {', '.join(KINDS)}"
    source = str(values.get("source") or default_source or "").strip()
    if not source:
        return "source is empty (give the column or --source)"
    if parse_datetime(str(values["published_at"])) is None:
        return f"published_at {values['published_at']!r} is not an ISO 8601 date-time"
    url = str(values.get("url") or "").strip() or None
    external_id = str(values.get("external_id") or "").strip()
    if kind == "article" and not url:
        return "an article needs a url"
    if kind == "comment" and not external_id:
        return "a comment needs an external_id"
    counts: dict[str, int | None] = {}
    for column in ("likes", "dislikes"):
        raw = str(values.get(column, "")).strip()
        if not raw:
            counts[column] = None
        elif raw.isdigit():
            counts[column] = int(raw)
        else:
            return f"{column} {raw!r} is not a whole number >= 0"
    return RawItem(
        source=source,
        kind=kind,
        external_id=external_id or (url or ""),
        text=str(values["text"]),
        url=url,
        title=str(values.get("title") or "") or None,
        author=str(values.get("author") or "") or None,
        published_at=str(values["published_at"]),
        article_url=str(values.get("article_url") or "").strip() or None,
        likes=counts["likes"],
        dislikes=counts["dislikes"],
    )
