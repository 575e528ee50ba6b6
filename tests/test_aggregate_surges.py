"""Surges: hourly counts in SQL, each hour against the day before it, episodes of flagged hours.

The SQL runs on a real SQLite file and on the PostgreSQL server on this machine.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine
from test_aggregate_fixtures import add_scored_comments

from minsim.aggregate import Filters
from minsim.aggregate import surges as S

VERSION = "v-surge"
# 00:00 KST on 2022-10-15: hour h of a test is START + h hours.
START = datetime(2022, 10, 14, 15, 0, tzinfo=UTC)
KST = "Asia/Seoul"


def _hour(h: int) -> pd.Timestamp:
    return pd.Timestamp(START + timedelta(hours=h)).tz_convert(KST)


def _fill(
    engine: Engine,
    prefix: str,
    hours: range | list[int],
    per_hour: int,
    *,
    negative_every: int = 2,
    company: str = "kakao",
    source: str = "portal",
) -> None:
    """`per_hour` scored comments in each of `hours`, spread over the hour; every
    `negative_every`-th is negative, the rest positive (negative_every=1: all negative)."""
    offsets, compounds = [], []
    for h in hours:
        for i in range(per_hour):
            offsets.append(h * 60 + (i * 60) // per_hour)
            compounds.append(-0.5 if i % negative_every == 0 else 0.5)
    add_scored_comments(engine, prefix, START, offsets, compounds, company=company,
                        source=source, version=VERSION)  # fmt: skip


ALL = Filters()


def _surges(engine: Engine, flt: Filters = ALL, **kw) -> pd.DataFrame:
    return S.find_surges(engine, flt, version=VERSION, **kw)


def test_a_burst_after_a_quiet_day_is_a_volume_surge(engine: Engine) -> None:
    _fill(engine, "q", range(0, 30), 2)  # 2 an hour for 30 hours
    _fill(engine, "b", [30], 30)  # then 30 in one hour
    found = _surges(engine)
    assert len(found) == 1
    surge = found.iloc[0]
    assert (surge["company"], surge["kind"]) == ("kakao", S.VOLUME)
    assert surge["start"] == surge["peak"] == _hour(30)
    assert surge["end"] == _hour(31)
    assert (surge["hours"], surge["docs"]) == (1, 30)
    assert surge["peak_value"] == 30
    assert surge["baseline"] == pytest.approx(2.0)  # 48 comments in the 24 hours before
    assert surge["ongoing"]  # the burst holds the newest document


def test_the_first_day_of_the_data_is_not_judged(engine: Engine) -> None:
    # Without a day before it, the busiest hour of a first day would always look like a surge.
    _fill(engine, "b", [2], 40)
    _fill(engine, "q", range(3, 30), 1)
    assert _surges(engine).empty
    # One more burst once a full day lies behind it is judged.
    _fill(engine, "c", [30], 40)
    assert list(_surges(engine)["start"]) == [_hour(30)]


def test_hours_under_the_floor_or_the_ratio_are_no_surge(engine: Engine) -> None:
    _fill(engine, "k", range(0, 30), 10, company="kakao")
    _fill(engine, "a", [30], 29, company="kakao")  # under 3 times 10 an hour
    _fill(engine, "n", range(0, 30), 1, company="naver")
    _fill(engine, "b", [30], S.MIN_DOCS - 1, company="naver")  # 19 times the baseline, 19 docs
    assert _surges(engine).empty


def test_a_sharp_negative_turn_is_a_negative_surge(engine: Engine) -> None:
    _fill(engine, "q", range(0, 30), 10)  # 10 an hour, half negative
    _fill(engine, "n", [30], 20, negative_every=1)  # 20, all negative: not 3x the volume
    found = _surges(engine)
    assert list(found["kind"]) == [S.NEGATIVE]
    surge = found.iloc[0]
    assert surge["peak_value"] == 1.0
    assert surge["baseline"] == pytest.approx(0.5)


def test_no_negative_surge_without_enough_scored_documents(engine: Engine) -> None:
    _fill(engine, "q", range(0, 30), 10)
    _fill(engine, "n", [30], S.MIN_SCORED - 1, negative_every=1)
    assert _surges(engine).empty


def test_the_rise_z_is_the_pooled_two_proportion_z() -> None:
    # 20 of 20 negative against 120 of 240: pooled 140/260, by hand z = 0.5 / 0.11602 = 4.3096
    assert S.share_rise_z(20, 20, 120, 240) == pytest.approx(4.3096, abs=1e-3)
    assert math.isnan(S.share_rise_z(0, 0, 5, 10))
    assert math.isnan(S.share_rise_z(10, 10, 20, 20))  # all negative on both sides: no spread


def test_one_quiet_hour_inside_a_surge_does_not_split_it(engine: Engine) -> None:
    _fill(engine, "q", range(0, 30), 1)
    _fill(engine, "a", [30, 32], 30)  # a lull at hour 31
    _fill(engine, "b", [36], 30)  # three quiet hours: a new episode
    _fill(engine, "z", range(37, 40), 1)
    found = _surges(engine).sort_values("start")
    assert list(found["start"]) == [_hour(30), _hour(36)]
    assert list(found["end"]) == [_hour(33), _hour(37)]
    assert list(found["hours"]) == [2, 1]
    assert list(found["docs"]) == [60, 30]
    assert not found["ongoing"].any()  # quiet hours followed both


def test_each_company_against_its_own_day(engine: Engine) -> None:
    _fill(engine, "q", range(0, 31), 10, company="kakao")  # Kakao: busy all along
    _fill(engine, "n", range(0, 30), 1, company="naver")
    _fill(engine, "m", [30], 25, company="naver")  # Naver: a burst
    found = _surges(engine)
    assert list(zip(found["company"], found["kind"], strict=True)) == [("naver", S.VOLUME)]
    assert _surges(engine, Filters(companies=("kakao",))).empty


def test_filters_narrow_the_counts(engine: Engine) -> None:
    _fill(engine, "q", range(0, 30), 2, source="portal")
    _fill(engine, "b", [30], 30, source="video")
    assert len(_surges(engine)) == 1
    assert _surges(engine, Filters(sources=("portal",))).empty


def test_the_window_is_judged_against_the_day_before_it(engine: Engine) -> None:
    _fill(engine, "q", range(0, 50), 2)
    _fill(engine, "a", [30], 30)
    _fill(engine, "b", [48], 30)
    # The window opens at hour 40: hour 48 is judged against hours 24-47, half of them outside
    # it; the burst at hour 30, before the window, is not listed.
    window = Filters(start=START + timedelta(hours=40))
    assert list(_surges(engine, window)["start"]) == [_hour(48)]
    assert len(_surges(engine)) == 2


def test_a_window_that_starts_before_the_data_still_skips_its_first_day(engine: Engine) -> None:
    _fill(engine, "b", [2], 40)
    _fill(engine, "q", range(3, 30), 1)
    assert _surges(engine, Filters(start=START - timedelta(days=3))).empty


def test_an_empty_database_has_no_surges(engine: Engine) -> None:
    found = _surges(engine)
    assert found.empty
    assert list(found.columns) == S.EPISODE_COLUMNS


def test_other_thresholds_can_be_asked_for(engine: Engine) -> None:
    _fill(engine, "q", range(0, 30), 10)
    _fill(engine, "a", [30], 25)
    assert _surges(engine).empty
    assert len(_surges(engine, rules=S.SurgeRules(volume_ratio=2.0))) == 1


def test_a_company_new_to_the_data_has_a_first_day_of_its_own(engine: Engine) -> None:
    _fill(engine, "k", range(0, 50), 2, company="kakao")
    _fill(engine, "n", [40], 25, company="naver")  # Naver's very first documents
    _fill(engine, "m", range(41, 50), 1, company="naver")
    assert _surges(engine).empty
    assert _surges(engine, Filters(companies=("naver",))).empty


def test_a_surge_stays_ongoing_through_one_quiet_hour_of_its_company(engine: Engine) -> None:
    _fill(engine, "k", range(0, 30), 1, company="kakao")
    _fill(engine, "b", [30], 30, company="kakao")
    _fill(engine, "n", range(0, 32), 1, company="naver")  # the newest document: hour 31
    [surge] = _surges(engine).itertuples()
    assert surge.ongoing  # comments come late; one quiet hour does not end a surge
    _fill(engine, "l", [32], 1, company="naver")
    assert not _surges(engine)["ongoing"].any()


def test_a_document_dated_in_the_future_does_not_end_every_surge(engine: Engine) -> None:
    # A burst in the current hour after a quiet day, and one comment a feed dated a month ahead.
    this_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    day_before = this_hour - timedelta(hours=30)
    add_scored_comments(engine, "q", day_before, [60 * h for h in range(30)], [0.5] * 30,
                        version=VERSION)  # fmt: skip
    add_scored_comments(engine, "b", this_hour, list(range(30)), [0.5] * 30, version=VERSION)
    future = this_hour + timedelta(days=30)
    add_scored_comments(engine, "f", future, [0], [0.5], company="naver", version=VERSION)
    [surge] = _surges(engine).itertuples()
    assert surge.ongoing  # the data's clock stops at now


def test_a_window_opening_mid_hour_judges_that_hour_whole(engine: Engine) -> None:
    _fill(engine, "q", range(0, 50), 2)
    _fill(engine, "b", [40], 30)
    window = Filters(start=START + timedelta(hours=40, minutes=30))
    assert list(_surges(engine, window)["start"]) == [_hour(40)]


def test_the_first_hour_of_a_window_is_judged_against_whole_hours(engine: Engine) -> None:
    """A window opening at 40:30 judges hour 40 against hours 16-39 whole: the busy hour 16
    (200 more comments, half of them before 16:30) keeps hour 40's 30 comments under three
    times the day's mean, as it does without a window."""
    _fill(engine, "q", range(0, 50), 2)
    _fill(engine, "h", [16], 200)
    _fill(engine, "b", [40], 28)
    window = Filters(start=START + timedelta(hours=40, minutes=30))
    assert _surges(engine, window).empty
    assert _hour(40) not in list(_surges(engine)["start"])
