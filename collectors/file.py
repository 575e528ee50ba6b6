"""The `file` kind: CSV/JSONL files dropped in a folder, each imported once (the import format).

The cursor remembers each imported file by name, size and modification time, so a file that
changes or is dropped again is read again. A file that fails (it cannot be read at all, or has not
one good row) is not remembered: it is read again and fails the run on every run for as long as
it lies in the folder unchanged, so the failure stays visible in `minsim sources` and on the
Sources page instead of turning into a quiet "no items". Fixing it (it changes) or removing it
ends the failures; the other files are imported either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from collectors.base import CollectContext
from collectors.http import HttpClient
from minsim.errors import CollectError, ImportFileError
from minsim.importer import RowError, read_rows
from minsim.models import RawItem
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

MAX_ROW_ERRORS_KEPT = 5  # bad rows quoted in the run's error; the rest are only counted


def fingerprint(path: Path) -> str:
    """Name, size and modification time: a file changed or re-dropped is imported again."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def pending_files(folder: Path, patterns: list[str], imported: dict[str, str]) -> list[Path]:
    """Files matching the patterns whose fingerprint differs from the one imported, by name."""
    found = {p for pattern in patterns for p in folder.glob(pattern) if p.is_file()}
    return sorted(p for p in found if imported.get(p.name) != fingerprint(p))


def collect(source: SourceSettings, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
    """Yield every good row of each new file; the cursor remembers a file once it is imported,
    never a file that failed (see the module docstring)."""
    folder = Path(str(source.options["folder"])).expanduser()
    if not folder.is_dir():
        raise CollectError(f"{source.name}: folder {folder} does not exist")
    imported: dict[str, str] = dict(ctx.cursor_json().get("imported") or {})
    failures: list[str] = []
    row_errors: list[str] = []
    for path in pending_files(folder, list(source.options["patterns"]), imported):
        stamp = fingerprint(path)
        good, first_error = 0, None
        try:
            for row in read_rows(path, default_source=source.name):
                if isinstance(row, RowError):
                    ctx.counters.add("dropped/bad_row")
                    first_error = first_error or str(row)
                    if len(row_errors) < MAX_ROW_ERRORS_KEPT:
                        row_errors.append(str(row))
                    continue
                good += 1
                yield row
        except ImportFileError as exc:
            ctx.counters.add("files/failed")
            failures.append(str(exc))
            continue
        if not good and first_error:
            ctx.counters.add("files/failed")
            failures.append(f"no readable row in {path.name}; first problem: {first_error}")
            continue
        ctx.counters.add("files/imported")
        imported[path.name] = stamp
        ctx.set_cursor_json({"imported": imported})
    for message in row_errors:
        log.warning("%s: skipped %s", source.name, message)
    if failures:
        raise CollectError(
            f"{source.name}: {len(failures)} file(s) failed (fix or remove them; they fail every "
            f"run until then): {'; '.join(failures)}"
        )
