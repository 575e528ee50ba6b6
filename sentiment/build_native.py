"""Build the compiled scorer with mypyc: `python -m sentiment.build_native`.

sentiment/native.py decides when the build is used (only while it matches its sources).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from sentiment.native import (
    COMPILED_MODULES,
    MANIFEST_NAME,
    NATIVE_DIR,
    PACKAGE_DIR,
    build_state,
    source_digest,
)

# Name of the shared runtime library mypyc builds beside the modules.
GROUP_NAME = "minsim_native"


def build(native_dir: Path = NATIVE_DIR, package_dir: Path = PACKAGE_DIR) -> Path:
    """Compile COMPILED_MODULES with mypyc into native_dir (replaced whole, never half-written)."""
    from mypyc.build import mypycify  # the build needs mypy; running the scorer does not
    from setuptools import setup

    root = package_dir.parent
    with tempfile.TemporaryDirectory(prefix="minsim-native-") as work:
        work_dir = Path(work)
        out = work_dir / "out"
        here = Path.cwd()
        os.chdir(root)  # mypyc names modules by their path from the project root
        try:
            extensions = mypycify(
                [f"{package_dir.name}/{name}.py" for name in COMPILED_MODULES],
                target_dir=str(work_dir / "c"),
                group_name=GROUP_NAME,
            )
            os.chdir(work_dir)  # away from the project's pyproject.toml, which setup() would read
            setup(
                name="minsim-native",
                ext_modules=extensions,
                script_args=[
                    "--quiet",
                    "build_ext",
                    "--build-lib",
                    str(out),
                    "--build-temp",
                    str(work_dir / "tmp"),
                ],
            )
        finally:
            os.chdir(here)
        manifest = {"digest": source_digest(package_dir), "modules": list(COMPILED_MODULES)}
        (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        staged = native_dir.with_name(native_dir.name + ".new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(out, staged)
        shutil.rmtree(native_dir, ignore_errors=True)
        staged.rename(native_dir)
    return native_dir


def main() -> int:
    if build_state() == "fresh":
        (NATIVE_DIR / MANIFEST_NAME).touch()  # newer than its sources again, for make
        print(f"compiled scorer up to date in {NATIVE_DIR}")
        return 0
    try:
        build()
    except (ImportError, SystemExit, OSError) as error:  # no mypy, no compiler, or a type error
        print(
            f"compiled scorer not built ({error}); the pure Python scorer is used", file=sys.stderr
        )
        return 1
    print(f"compiled scorer built in {NATIVE_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
