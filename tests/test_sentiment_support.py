"""The one Scorer the sentiment tests share (Kiwi starts once per process; see shared_scorer)."""

from __future__ import annotations

import functools
from pathlib import Path

from sentiment import Scorer

REPO = Path(__file__).resolve().parent.parent
ASPECTS = REPO / "seeds" / "kakao-2022" / "aspects.toml"


@functools.cache
def shared_scorer() -> Scorer:
    """Built once per test session, whichever sentiment test module asks first."""
    return Scorer(aspects_path=ASPECTS)


def test_shared_scorer_is_one_instance() -> None:
    assert shared_scorer() is shared_scorer()
    assert shared_scorer().aspects, "the Kakao scenario's aspects are loaded"
