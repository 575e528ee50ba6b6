"""Read CSV and JSONL files of articles or comments into RawItems, reporting bad rows by line."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from minsim.errors import ImportFileError
from minsim.models import KINDS, RawItem
from minsim.normalize import (
    MAX_EXTERNAL_ID_CHARS,
    MAX_SOURCE_CHARS,
    canonical_url,
    is_future,
    is_web_url,
    parse_datetime,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

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
# The longest CSV field read (the csv module's own limit, 131,072, is below a long article body;
# texts are cut to normalize.MAX_TEXT_CHARS when stored anyway). A longer field is almost surely
# an unclosed quote that swallowed the lines after it, so its row is reported, not read.
MAX_FIELD_CHARS = 10 * 1024**2
# A bad value is quoted in its row's error up to this many characters, so one huge field
# cannot flood the terminal.
MAX_SHOWN_CHARS = 80
# The largest like or dislike count: the columns are 32-bit integers in PostgreSQL, and a bigger
# number is a broken cell rather than a real count.
MAX_COUNT = 2**31 - 1
# Unknown JSONL field names listed in the warning; the rest are only counted.
MAX_NAMES_SHOWN = 10


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
    rows = _csv_rows(path, text) if kind == "csv" else _jsonl_rows(path, text)
    now = datetime.now(UTC)
    for line, row in rows:
        if isinstance(row, str):
            yield RowError(path, line, row)
            continue
        item = _item(row, default_source, now, f"{path}:{line}")
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


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, Mapping[str, object] | str]]:
    """(line, row) for each CSV record, or (line, reason) for one that cannot be read.

    A header without the required columns fails the whole file (ImportFileError): not one row
    could be read, which is not the same as one bad row. Unknown columns are ignored with one
    warning, so an export with an extra column (a rank, a category) still imports.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _with_field_limit(lambda: next(reader, []))
    except csv.Error as exc:
        raise ImportFileError(f"{path}:1: cannot read the header: {exc}") from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            f"{path}:1: header lacks column(s) {', '.join(missing)}; columns: {', '.join(COLUMNS)}"
        )
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        names = ", ".join(_name(c) for c in unknown)
        log.warning("%s:1: ignoring unknown column(s) %s", path, names)
    line = reader.line_num
    while True:
        line_start = line + 1  # a quoted field may span lines: a record starts after the last
        try:
            fields = _with_field_limit(lambda: next(reader))
        except StopIteration:
            return
        except csv.Error as exc:
            yield line_start, _csv_error(exc)
            line = reader.line_num
            continue
        line = reader.line_num
        if not fields:  # a blank line
            continue
        if len(fields) > len(header):
            yield line_start, f"{len(fields)} fields, header has {len(header)}"
            continue
        yield line_start, dict(zip(header, fields, strict=False))  # missing fields are empty


def _with_field_limit(read: Callable[[], T]) -> T:
    """Run one CSV read with the field limit raised to MAX_FIELD_CHARS, then restore it: the
    csv module's limit is process-wide, and other readers should keep their own."""
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        return read()
    finally:
        csv.field_size_limit(previous)


def _csv_error(exc: csv.Error) -> str:
    """A row error for a record the csv module refused."""
    if "field larger than field limit" in str(exc):
        return f"a field is longer than {MAX_FIELD_CHARS:,} characters (an unclosed quote?)"
    return f"unreadable CSV record: {exc}"


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[int, Mapping[str, object] | str]]:
    """(line, object) for each JSON line, or (line, reason) for one that is not a JSON object.

    Unknown fields are ignored, as unknown CSV columns are, with one warning for the file.
    """
    unknown: dict[str, int] = {}  # field -> first line it appeared on
    # Split on "\n" only: str.splitlines() also breaks at U+2028 and other separators that JSON
    # allows unescaped inside a string (a JSON writer keeping non-ASCII text leaves them as is).
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield line, f"not valid JSON: {exc.msg} at column {exc.colno}"
            continue
        except (ValueError, RecursionError) as exc:  # a huge number or a deeply nested value
            yield line, f"not valid JSON: {str(exc)[:MAX_SHOWN_CHARS]}"
            continue
        if not isinstance(row, dict):
            yield line, f"expected a JSON object, got {type(row).__name__}"
            continue
        for key in row:
            if key not in COLUMNS:
                unknown.setdefault(key, line)
        yield line, row
    if unknown:
        first = min(unknown.values())
        log.warning("%s:%d: ignored unknown field(s) %s", path, first, _names(unknown))


def _names(unknown: Mapping[str, int]) -> str:
    """The unknown field names, the first few of them: a file of random keys stays one line."""
    names = sorted(unknown)
    shown = ", ".join(_name(n) for n in names[:MAX_NAMES_SHOWN])
    if len(names) > MAX_NAMES_SHOWN:
        shown += f" and {len(names) - MAX_NAMES_SHOWN} more"
    return shown


def _name(name: str) -> str:
    """A column or field name from the file as written, or quoted (escaped and cut) when it has
    characters a terminal would act on or is too long to read."""
    return name if name.isprintable() and len(name) <= MAX_SHOWN_CHARS else _shown(name)


def _shown(value: object) -> str:
    """repr() of a value from the file, cut to MAX_SHOWN_CHARS."""
    text = str(value)
    return repr(text) if len(text) <= MAX_SHOWN_CHARS else f"{text[:MAX_SHOWN_CHARS]!r}..."


def _item(
    row: Mapping[str, object], default_source: str | None, now: datetime, where: str
) -> RawItem | str:
    """A RawItem, or why the row is refused; `where` (file:line) names it in warnings."""
    values = {k: ("" if v is None else v) for k, v in row.items()}
    for column in REQUIRED:
        if not str(values.get(column, "")).strip():
            return f"{column} is empty"
    kind = str(values["kind"]).strip()
    if kind not in KINDS:
        return f"kind {_shown(kind)} is not one of {', '.join(KINDS)}"
    source = str(values.get("source") or default_source or "").strip()
    if not source:
        return "source is empty (give the column or --source)"
    if len(source) > MAX_SOURCE_CHARS:
        return f"source is {len(source)} characters; at most {MAX_SOURCE_CHARS} are stored"
    published = parse_datetime(str(values["published_at"]))
    if published is None:
        return f"published_at {_shown(values['published_at'])} is not an ISO 8601 date-time"
    if is_future(published, now):
        return f"published_at {_shown(values['published_at'])} is in the future"
    external_id = str(values.get("external_id") or "").strip()
    url = str(values.get("url") or "").strip() or None
    if kind == "article":
        if not url:
            return "an article needs a url"
        if not is_web_url(url):
            return f"url {_shown(url)} is not http(s)"
        external_id = external_id or canonical_url(url)
    elif not external_id:
        return "a comment needs an external_id"
    elif len(external_id) > MAX_EXTERNAL_ID_CHARS:
        return (
            f"external_id is {len(external_id)} characters; at most {MAX_EXTERNAL_ID_CHARS} "
            "are stored"
        )
    counts = _counts(values)
    if isinstance(counts, str):
        return counts
    return RawItem(
        source=source,
        kind=kind,
        external_id=external_id,
        text=str(values["text"]),
        url=url if kind == "article" else _optional_url(values, "url", where),
        title=str(values.get("title") or "") or None,
        author=str(values.get("author") or "") or None,
        published_at=str(values["published_at"]),
        article_url=_optional_url(values, "article_url", where),
        likes=counts["likes"],
        dislikes=counts["dislikes"],
    )


def _counts(values: Mapping[str, object]) -> dict[str, int | None] | str:
    """The likes and dislikes (None when empty), or why one of them is refused."""
    counts: dict[str, int | None] = {}
    for column in ("likes", "dislikes"):
        raw = str(values.get(column, "")).strip()
        if not raw:
            counts[column] = None
        elif raw.isdecimal() and len(raw) <= len(str(MAX_COUNT)) and int(raw) <= MAX_COUNT:
            counts[column] = int(raw)
        else:
            return f"{column} {_shown(raw)} is not a whole number from 0 to {MAX_COUNT:,}"
    return counts


def _optional_url(values: Mapping[str, object], column: str, where: str) -> str | None:
    """An optional link column: None when empty, or (with a warning) when it is not http(s);
    the row is still imported, only without that link."""
    url = str(values.get(column) or "").strip() or None
    if url and not is_web_url(url):
        log.warning("%s: %s %s is not http(s); imported without it", where, column, _shown(url))
        return None
    return url
