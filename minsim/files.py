"""Writing a file whole: a reader (or a crash) sees the old file or the new one, never a part."""

from __future__ import annotations

import os
from pathlib import Path

# A file is written under this suffix, then renamed into place.
PARTIAL_SUFFIX = ".part"


def write_whole(path: Path, text: str, *, private: bool = False) -> None:
    """Write `text` (UTF-8) to `path` through a partial file flushed to disk and renamed over
    it; `private` files (comment text, labels) are readable by their owner only."""
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        descriptor = os.open(partial, flags, 0o600 if private else 0o644)
        with open(descriptor, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())  # on disk before the name points at it
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
