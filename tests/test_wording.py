"""Figures in Korean words, shared by the dashboard and the brief."""

from __future__ import annotations

from minsim.aggregate.surges import NEGATIVE, VOLUME
from minsim.wording import surge_rise, surge_value, verdict_text


def test_surge_values_print_in_their_unit() -> None:
    assert surge_value(VOLUME, 48.0) == "48건/시간"
    assert surge_value(VOLUME, 9.875) == "9.9건/시간"
    assert surge_value(VOLUME, 0.583) == "0.6건/시간"
    assert surge_value(VOLUME, 1234.0) == "1,234건/시간"
    assert surge_value(NEGATIVE, 0.9) == "90%"


def test_a_surge_s_rise_is_a_ratio_or_percentage_points() -> None:
    assert surge_rise(VOLUME, 48.0, 9.875) == "×4.9"
    assert surge_rise(VOLUME, 30.0, 0.0) == "새로 (직전 0건)"
    assert surge_rise(NEGATIVE, 0.9, 0.52) == "+38%p"


def test_an_empty_side_is_said_rather_than_too_few() -> None:
    assert verdict_text({"n_before": 0, "n_after": 5, "verdict": "too_few"}) == "이전 문서 없음"
    assert verdict_text({"n_before": 5, "n_after": 0, "verdict": "too_few"}) == "이후 문서 없음"
    assert verdict_text({"n_before": 12, "n_after": 15, "verdict": "better"}) == "좋아짐"
