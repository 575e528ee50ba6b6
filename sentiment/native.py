"""The compiled scorer: the hot modules built with mypyc, used only while they match their sources.

Scoring's own Python work competes with Kiwi's worker threads for the same cores, so the
modules that run once per morpheme or per hit are compiled to C when a compiler is at hand
(`make install` does it; `python -m sentiment.build_native` by hand). The Python sources stay
the reference: a compiled build is used only when the digest of the sources it came from
matches the sources on disk, so an edited module is never shadowed by an old build, and
MINSIM_PURE_PYTHON=1 turns it off. Both give byte-identical scores (tests/test_native.py).
The build itself is sentiment/build_native.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Built modules and the record of the sources they came from; never committed.
NATIVE_DIR = PACKAGE_DIR / "_native"
MANIFEST_NAME = "manifest.json"
# The modules that run per morpheme or per hit. rules.py stays Python: its constants are
# read as module attributes, and tests change them at run time.
COMPILED_MODULES = ("result", "tokenizer", "engine", "aspects", "scorer")
PURE_PYTHON_ENV = "MINSIM_PURE_PYTHON"
# Besides every module of the package, the compiled code is type-checked against these project
# files (paths from the project root); a change to any of them makes a build stale.
EXTRA_SOURCES = ("minsim/errors.py",)


def source_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Every file a build depends on: the package's modules and EXTRA_SOURCES."""
    return sorted(package_dir.glob("*.py")) + [package_dir.parent / p for p in EXTRA_SOURCES]


def source_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """Digest of the sources a build depends on and of the interpreter ABI it is built for."""
    digest = hashlib.sha256(str(sysconfig.get_config_var("EXT_SUFFIX")).encode())
    for path in source_files(package_dir):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def build_state(native_dir: Path = NATIVE_DIR, package_dir: Path = PACKAGE_DIR) -> str:
    """'fresh', 'stale' (sources changed since the build), 'failed' (the last build of these
    very sources failed), 'missing' or 'off' (turned off by the environment)."""
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return "off"
    try:
        manifest = json.loads((native_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "missing"
    if not isinstance(manifest, dict) or manifest.get("digest") != source_digest(package_dir):
        return "stale"
    return "failed" if manifest.get("failed") else "fresh"


def activate(
    package_path: list[str], native_dir: Path = NATIVE_DIR, package_dir: Path = PACKAGE_DIR
) -> str:
    """Put a fresh build ahead of the sources on the package's search path; return the state."""
    state = build_state(native_dir, package_dir)
    if state == "fresh":
        package_path.insert(0, str(native_dir / "sentiment"))
        if str(native_dir) not in sys.path:
            sys.path.append(str(native_dir))  # the shared runtime library is a top-level module
    return state


def compiled_modules() -> list[str]:
    """Names of the sentiment modules that are loaded from a compiled build right now."""
    return [
        name
        for name in COMPILED_MODULES
        if (module := sys.modules.get(f"sentiment.{name}")) is not None
        and not str(getattr(module, "__file__", "")).endswith(".py")
    ]
