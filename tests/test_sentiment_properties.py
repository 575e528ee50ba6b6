"""Properties: no input raises or leaves [-1, 1]; import rules; the version follows every input."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentiment import Scorer, rules
from sentiment.lexicon_loader import LEXICON_DIR
from tests.test_sentiment_support import REPO, shared_scorer

FORBIDDEN_IMPORTS = ("minsim.store", "streamlit", "httpx", "sqlalchemy", "requests")
# Modules that read files; each may only do so at construction (loader, aspects) or in tools
# run by people (evaluate, induce, keys), never inside Scorer.score / score_many.
SCORING_MODULES = ("engine.py", "scorer.py", "result.py", "rules.py", "tokenizer.py")
FILE_IO_NAMES = ("open", "read_text", "read_bytes", "write_text", "write_bytes")

TEXTS = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=40),
    st.text(alphabet="가나다라좋싫안못ㅋㅠ^!?.~ abcXYZ한國語日本語😡👍\u200b\ufe0f", max_size=200),
)


def check(score) -> None:  # noqa: ANN001 - a sentiment.Score
    assert -1.0 <= score.compound <= 1.0
    assert score.label in ("pos", "neg", "neu")
    assert all(-1.0 <= a.compound <= 1.0 for a in score.aspects)
    json.loads(score.to_json())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_any_text_scores_inside_the_range(text: str) -> None:
    check(shared_scorer().score(text))


def test_edge_inputs() -> None:
    scorer = shared_scorer()
    long = ("카카오 최악 " * 10_000)[:100_000]
    texts = ["", " ", "\x00\x01\x7f", "😡" * 50, "\ud800 lone surrogate", long, "ㅋ" * 5000]
    for score in scorer.score_many(texts):
        check(score)
    assert scorer.score("").label == "neu"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sentiment_does_not_import_the_store_ui_or_network() -> None:
    for path in sorted((REPO / "sentiment").glob("*.py")):
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN_IMPORTS), f"{path.name} imports {name}"


def test_scoring_modules_do_no_file_io() -> None:
    for name in SCORING_MODULES:
        tree = ast.parse((REPO / "sentiment" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if called in FILE_IO_NAMES:
                    # the only allowed file read: hashing the inputs in Scorer._version
                    assert name == "scorer.py" and called == "read_bytes", f"{name}: {called}"


def test_version_changes_with_a_lexicon_file(tmp_path: Path) -> None:
    copy = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, copy)
    before = Scorer(lexicon_dir=copy).version
    assert len(before) <= 32
    core = copy / "core.tsv"
    core.write_text(core.read_text(encoding="utf-8") + "새단어/NNG\t1\tcurated\t\n", "utf-8")
    assert Scorer(lexicon_dir=copy).version != before


def test_version_changes_with_a_rule_constant(monkeypatch) -> None:  # noqa: ANN001
    before = shared_scorer().version
    monkeypatch.setattr(rules, "NEGATION_SCALAR", -0.5)
    after = Scorer(aspects_path=REPO / "seeds" / "kakao-2022" / "aspects.toml").version
    assert after != before


def test_version_changes_with_the_scoring_code(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import sentiment.scorer as scorer_module

    original = Scorer().version
    for name in scorer_module.SCORING_CODE:
        shutil.copy(REPO / "sentiment" / f"{name}.py", tmp_path / f"{name}.py")
    monkeypatch.setattr(scorer_module, "SCORING_CODE_DIR", tmp_path)
    assert Scorer().version == original  # the code's content counts, not where it lies
    engine = tmp_path / "engine.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\n# a rule changed\n", "utf-8")
    assert Scorer().version != original


def test_weights_and_scalars_are_floats() -> None:
    # A weight written as 2 instead of 2.0 would be stored as 2 by pure Python but as 2.0 by the
    # compiled build, and their JSON would differ.
    kinds = ("WEIGHT", "SCALAR", "INCREMENT", "DECREMENT", "ALPHA", "THRESHOLD", "FLOOR", "CAP")
    numbers = {
        name: value
        for name, value in rules.rule_constants().items()
        if any(kind in name for kind in kinds) and isinstance(value, int | float)
    }
    assert len(numbers) > 15
    assert {name for name, value in numbers.items() if not isinstance(value, float)} == set()
    assert all(isinstance(value, float) for value in rules.BOOSTER_DECAY)
