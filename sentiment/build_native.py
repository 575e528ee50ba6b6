"""Build the compiled scorer with mypyc: `python -m sentiment.build_native`.

sentiment/native.py decides when the build is used (only while it matches its sources).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


class SourcesChanged(RuntimeError):
    """A source file changed while it was being compiled."""


@contextmanager
def _exclusive(native_dir: Path) -> Iterator[None]:
    """One build at a time per project (make -j, two shells)."""
    with open(native_dir.with_name(native_dir.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _compile(package_dir: Path, out: Path, work_dir: Path) -> None:
    from mypyc.build import mypycify  # the build needs mypy; running the scorer does not
    from setuptools import setup

    here = Path.cwd()
    os.chdir(package_dir.parent)  # mypyc names modules by their path from the project root
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


def _install(out: Path, native_dir: Path) -> None:
    """Swap the new build in for the old one; a reader sees one or the other, never a mix."""
    staged = Path(tempfile.mkdtemp(prefix=native_dir.name + "-new-", dir=native_dir.parent))
    old = Path(tempfile.mkdtemp(prefix=native_dir.name + "-old-", dir=native_dir.parent))
    shutil.copytree(out, staged, dirs_exist_ok=True)
    staged.chmod(0o755)  # mkdtemp makes it private; the build is read by every user of the tree
    if native_dir.exists():
        native_dir.rename(old / native_dir.name)
    staged.rename(native_dir)
    shutil.rmtree(old, ignore_errors=True)


def _record_failure(native_dir: Path, digest: str, error: BaseException) -> None:
    """Remember that these sources do not build, so make stops retrying until they change."""
    native_dir.mkdir(exist_ok=True)
    manifest = {"digest": digest, "failed": True, "error": repr(error)}
    (native_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def build(native_dir: Path = NATIVE_DIR, package_dir: Path = PACKAGE_DIR) -> Path:
    """Compile COMPILED_MODULES with mypyc into native_dir (replaced whole, never half-written).

    The digest is taken before compiling and checked again after: an edit made meanwhile would
    otherwise be recorded as built."""
    with _exclusive(native_dir), tempfile.TemporaryDirectory(prefix="minsim-native-") as work:
        digest = source_digest(package_dir)
        work_dir = Path(work)
        out = work_dir / "out"
        try:
            _compile(package_dir, out, work_dir)
        except (Exception, SystemExit) as error:  # no mypy, no C compiler, or a type error
            _record_failure(native_dir, digest, error)
            raise
        if source_digest(package_dir) != digest:
            raise SourcesChanged("a source changed during the build; run it again")
        manifest = {"digest": digest, "modules": list(COMPILED_MODULES)}
        (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _install(out, native_dir)
    return native_dir


def main() -> int:
    if build_state() == "fresh":
        (NATIVE_DIR / MANIFEST_NAME).touch()  # newer than its sources again, for make
        print(f"compiled scorer up to date in {NATIVE_DIR}")
        return 0
    try:
        build()
    except (Exception, SystemExit) as error:
        print(
            f"compiled scorer not built ({error!r}); the pure Python scorer is used",
            file=sys.stderr,
        )
        return 1
    print(f"compiled scorer built in {NATIVE_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
