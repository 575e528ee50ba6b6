"""How every benchmark hands over its figures: one JSON line on stdout, optionally a file."""

from __future__ import annotations

import json
from pathlib import Path


def emit(report: dict[str, object], json_path: Path | None = None) -> None:
    """Print the report as one JSON line and, when asked, write it indented to `json_path`."""
    print(json.dumps(report, ensure_ascii=False))
    if json_path is not None:
        json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
