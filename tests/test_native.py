"""The compiled scorer: used only while it matches its sources, and scores exactly like Python."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sentiment import native

REPO = Path(__file__).resolve().parent.parent
TABLES = (REPO / "tests/data/sentences.tsv", REPO / "tests/data/aspect_sentences.tsv")
# Texts the tables lack: several sentences with contrast and carried aspects, marks, hostile input.
EXTRA_TEXTS = [
    "사과는 했지만 진정성은 하나도 안 느껴진다ㅋㅋ",
    "먹통 사태 정말 최악이다. 그런데 보상안은 괜찮네요^^ 주가는 또 떨어졌다ㅠㅠ",
    "참 잘~한다 ㅋㅋㅋㅋ!!! 역시 카카오ㅋㅋ",
    "나쁘지 않다?? 아니 좋다고는 안 했어",
    "",
    "\x00\x07 😡😡😡 \ud800 ㅋ",
    "카카오 최악 " * 500,
]
# Scores every text with inherited aspects on every other one; prints one JSON line per text
# and then the modules that came from a compiled build.
SCRIPT = """
import csv, json, sys
from pathlib import Path
from sentiment import Scorer, native
texts = json.loads(sys.stdin.read())
scorer = Scorer(aspects_path=Path("seeds/kakao-2022/aspects.toml"))
inherited = [("outage", "apology") if i % 2 else () for i in range(len(texts))]
for score in scorer.score_many(texts, inherited):
    print(score.to_json())
print(json.dumps({"version": scorer.version, "compiled": native.compiled_modules()}))
"""


def _texts() -> list[str]:
    texts: list[str] = []
    for table in TABLES:
        lines = table.read_text(encoding="utf-8").splitlines()[1:]
        texts += [line.split("\t")[0] for line in lines]
    return list(dict.fromkeys(texts)) + EXTRA_TEXTS


def _score_in_process(texts: list[str], pure: bool) -> tuple[list[str], dict[str, object]]:
    env = {**os.environ, native.PURE_PYTHON_ENV: "1" if pure else "0"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
    )
    *lines, status = done.stdout.splitlines()
    return lines, json.loads(status)


@pytest.mark.slow
def test_compiled_and_pure_python_score_byte_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(native.PURE_PYTHON_ENV, raising=False)  # the build itself, not the switch
    if native.build_state() != "fresh":
        reason = f"compiled scorer is {native.build_state()}: run `make install`"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the compiled scorer must be built under CI=true; {reason}")
        pytest.skip(reason)
    texts = _texts()
    compiled, compiled_status = _score_in_process(texts, pure=False)
    pure, pure_status = _score_in_process(texts, pure=True)
    assert compiled_status["compiled"] == list(native.COMPILED_MODULES)
    assert pure_status["compiled"] == []
    assert compiled_status["version"] == pure_status["version"]
    assert len(compiled) == len(texts) > 500
    mismatched = [t for t, a, b in zip(texts, compiled, pure, strict=True) if a != b]
    assert mismatched == []
    assert any('"inherited":true' in line for line in compiled)  # inherited aspects exercised


def _package_copy(tmp_path: Path) -> Path:
    package = tmp_path / "sentiment"
    package.mkdir()
    for path in native.source_files():
        target = tmp_path / path.relative_to(native.PACKAGE_DIR.parent)
        target.parent.mkdir(exist_ok=True)
        shutil.copy(path, target)
    return package


def _manifest(native_dir: Path, digest: str, **extra: object) -> None:
    native_dir.mkdir(exist_ok=True)
    (native_dir / native.MANIFEST_NAME).write_text(json.dumps({"digest": digest, **extra}))


def test_a_build_is_used_only_while_its_sources_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(native.PURE_PYTHON_ENV, raising=False)
    package, native_dir = _package_copy(tmp_path), tmp_path / "_native"
    assert native.build_state(native_dir, package) == "missing"
    _manifest(native_dir, native.source_digest(package))
    assert native.build_state(native_dir, package) == "fresh"
    engine = package / "engine.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert native.build_state(native_dir, package) == "stale"
    _manifest(native_dir, native.source_digest(package))
    # the compiled code is checked against the lexicon loader and minsim's errors as well
    for dependency in (package / "lexicon_loader.py", tmp_path / "minsim" / "errors.py"):
        dependency.write_text(dependency.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
        assert native.build_state(native_dir, package) == "stale"
        _manifest(native_dir, native.source_digest(package))
    monkeypatch.setenv(native.PURE_PYTHON_ENV, "1")
    assert native.build_state(native_dir, package) == "off"


def test_only_a_fresh_build_goes_on_the_search_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(native.PURE_PYTHON_ENV, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    package, native_dir = _package_copy(tmp_path), tmp_path / "_native"
    digest = native.source_digest(package)
    for manifest, state in (({"digest": "0" * 64}, "stale"), ({"failed": True}, "failed")):
        _manifest(native_dir, **{"digest": digest, **manifest})
        search_path = [str(package)]
        assert native.activate(search_path, native_dir, package) == state
        assert search_path == [str(package)] and str(native_dir) not in sys.path
    _manifest(native_dir, digest)
    search_path = [str(package)]
    assert native.activate(search_path, native_dir, package) == "fresh"
    assert search_path == [str(native_dir / "sentiment"), str(package)]
    assert str(native_dir) in sys.path


def test_a_damaged_manifest_means_no_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(native.PURE_PYTHON_ENV, raising=False)
    package, native_dir = _package_copy(tmp_path), tmp_path / "_native"
    native_dir.mkdir()
    for damaged in ("{not json", "[]", '{"digest": 7}'):
        (native_dir / native.MANIFEST_NAME).write_text(damaged)
        assert native.build_state(native_dir, package) in ("missing", "stale")


def test_an_edit_during_a_build_is_not_recorded_as_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sentiment import build_native

    package, native_dir = _package_copy(tmp_path), tmp_path / "_native"

    def compile_while_someone_edits(package_dir: Path, out: Path, work_dir: Path) -> None:
        out.mkdir(parents=True)
        engine = package_dir / "engine.py"
        engine.write_text(engine.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")

    # the compiler's place is taken by an edit; the digest check around it is what is tested
    monkeypatch.setattr(build_native, "_compile", compile_while_someone_edits)
    with pytest.raises(build_native.SourcesChanged):
        build_native.build(native_dir, package)
    assert not native_dir.exists()
