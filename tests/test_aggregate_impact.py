"""Before/after an event: sums per side and aspect in SQL, then the change with its interval.

The SQL runs on a real SQLite file and on the PostgreSQL server on this machine.
"""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine
from test_aggregate_fixtures import add_scored_comments

from minsim.aggregate import Filters
from minsim.aggregate import impact as I

VERSION = "v-impact"
EVENT = datetime(2022, 10, 19, 1, 0, tzinfo=UTC)  # 10:00 KST, the press conference


def _add(engine: Engine, prefix: str, offsets: list[int], compounds: list[float], **kw) -> None:
    kw.setdefault("version", VERSION)
    add_scored_comments(engine, prefix, EVENT, offsets, compounds, **kw)


ALL = Filters()


def _sums(engine: Engine, flt: Filters = ALL, **kw) -> pd.DataFrame:
    kw.setdefault("hours", 24)
    kw.setdefault("version", VERSION)
    company = kw.pop("company", "kakao")
    return I.before_after(engine, flt, [(EVENT, company)], **kw)


def _one(frame: pd.DataFrame, side: str, aspect: str) -> pd.Series:
    rows = frame[(frame["side"] == side) & (frame["aspect"] == aspect)]
    assert len(rows) == 1, frame
    return rows.iloc[0]


def test_sides_split_at_the_event_and_end_at_the_window(engine: Engine) -> None:
    # -24 h is the first minute in; the event's own minute is after; +24 h is out.
    _add(engine, "b", [-24 * 60, -60, -1], [-0.5, -0.3, -0.1])
    _add(engine, "a", [0, 60, 24 * 60 - 1], [0.2, 0.4, 0.6])
    _add(engine, "out", [-24 * 60 - 1, 24 * 60], [1.0, 1.0])
    frame = _sums(engine)
    before, after = _one(frame, "before", "apology"), _one(frame, "after", "apology")
    assert (before["n"], after["n"]) == (3, 3)
    assert before["total"] == pytest.approx(-0.9)
    assert before["total_sq"] == pytest.approx(0.35)
    assert (before["neg"], before["pos"], after["pos"]) == (3, 0, 3)
    overall = _one(frame, "after", I.ALL_DOCUMENTS)
    assert overall["n"] == 3 and overall["total"] == pytest.approx(1.2)
    assert set(zip(frame["at"], frame["company"], strict=True)) == {(EVENT, "kakao")}


def test_an_event_reads_its_own_companys_documents_inside_the_filters(engine: Engine) -> None:
    _add(engine, "k", [-30, 30], [-0.4, 0.4])
    _add(engine, "n", [-30, 30], [0.9, 0.9], company="naver", source="blog")
    _add(engine, "i", [-30, 30], [-0.8, -0.8], aspect="outage", inherited=True)
    _add(engine, "old", [-30, 30], [1.0, 1.0], version="v-old")
    kakao = _sums(engine)
    assert _one(kakao, "before", I.ALL_DOCUMENTS)["n"] == 2  # not Naver's, not the old version's
    assert _one(kakao, "after", "outage")["n"] == 1
    naver = _sums(engine, company="naver")
    assert _one(naver, "after", "apology")["total"] == pytest.approx(0.9)
    assert set(naver["company"]) == {"naver"}
    # Two companies' events at one moment are read apart.
    both = I.before_after(engine, ALL, [(EVENT, "kakao"), (EVENT, "naver")], hours=24,
                          version=VERSION)  # fmt: skip
    overall = both[(both["aspect"] == I.ALL_DOCUMENTS) & (both["side"] == "after")]
    assert dict(zip(overall["company"], overall["total"], strict=True)) == pytest.approx(
        {"kakao": 0.4 - 0.8, "naver": 0.9}
    )
    # Nothing scored yet (no scorer version): nothing to read.
    assert _sums(engine, version=None).empty
    # A filter on other companies leaves the event's own company out: nothing is read.
    assert _sums(engine, Filters(companies=("naver",))).empty
    assert _sums(engine, Filters(sources=("blog",))).empty
    assert _one(_sums(engine, Filters(sources=("portal",))), "after", I.ALL_DOCUMENTS)["n"] == 2
    explicit = _sums(engine, inherited=False)
    assert "outage" not in set(explicit["aspect"])
    # The filter's window cuts a side short: nothing before the event is left.
    clipped = _sums(engine, Filters(start=EVENT))
    assert set(clipped["side"]) == {"after"}


def test_no_documents_near_the_moment_gives_an_empty_frame(engine: Engine) -> None:
    _add(engine, "far", [-3 * 24 * 60], [0.5])
    frame = _sums(engine, hours=6)
    assert frame.empty
    assert list(frame.columns) == [*I.KEY_COLUMNS, "side", "aspect", *I.SUM_COLUMNS]
    assert I.compare_sides(frame).empty
    with pytest.raises(ValueError, match="hours must be positive"):
        _sums(engine, hours=0)


def test_several_events_are_read_in_one_call(engine: Engine) -> None:
    later = EVENT + timedelta(days=3)
    _add(engine, "x", [-10, 10, 3 * 24 * 60 + 5], [0.1, 0.2, 0.3])
    events = [(EVENT, "kakao"), (later, "kakao"), (EVENT, "kakao")]  # the last shares a reading
    frame = I.before_after(engine, Filters(), events, hours=6, version=VERSION)
    assert set(frame["at"]) == {EVENT, later}
    assert len(frame[frame["at"] == EVENT]) == 4  # two sides, all documents and apology
    assert _one(frame[frame["at"] == later], "after", "apology")["total"] == pytest.approx(0.3)


def _sums_of(at: datetime, aspect: str, before: list[float], after: list[float]) -> pd.DataFrame:
    rows = []
    for side, values in (("before", before), ("after", after)):
        if values:
            rows.append({
                "at": at, "company": "kakao", "side": side, "aspect": aspect,
                "n": float(len(values)),
                "total": sum(values), "total_sq": sum(v * v for v in values),
                "pos": float(sum(v > 0 for v in values)), "neg": float(sum(v < 0 for v in values)),
            })  # fmt: skip
    return pd.DataFrame(rows)


def test_compare_gives_the_welch_interval_and_a_verdict() -> None:
    before = [-0.6, -0.2, -0.4, 0.1, -0.5, -0.3, -0.7, 0.0, -0.4, -0.2, -0.1, -0.5]
    after = [0.3, 0.1, -0.1, 0.5, 0.2, 0.4, 0.0, 0.2, 0.6, 0.1]
    row = I.compare_sides(_sums_of(EVENT, "apology", before, after)).iloc[0]
    change = statistics.mean(after) - statistics.mean(before)
    se_before = statistics.variance(before) / len(before)
    se_after = statistics.variance(after) / len(after)
    df = (se_before + se_after) ** 2 / (se_before**2 / 11 + se_after**2 / 9)
    assert int(df) == 19
    margin = 2.093 * math.sqrt(se_before + se_after)  # t(19), from a printed table
    assert row["change"] == pytest.approx(change)
    assert (row["low"], row["high"]) == (
        pytest.approx(change - margin),
        pytest.approx(change + margin),
    )
    assert row["neg_share_before"] == pytest.approx(10 / 12)
    assert (row["n_before"], row["n_after"], row["verdict"]) == (12, 10, I.BETTER)
    worse = I.compare_sides(_sums_of(EVENT, "apology", after, before)).iloc[0]
    assert worse["verdict"] == I.WORSE and worse["change"] == pytest.approx(-change)


@pytest.mark.parametrize(
    ("df", "printed"), [(1, 12.706), (9.9, 2.262), (30, 2.042), (40, 2.021), (60, 2.000),
                        (120, 1.980), (1e9, 1.960)],
)  # fmt: skip
def test_t_quantiles_match_a_printed_table(df: float, printed: float) -> None:
    assert I.t_95(df) == pytest.approx(printed, abs=0.001)


def test_compare_says_unclear_or_too_few() -> None:
    noisy = [0.9, -0.9] * 6
    unclear = I.compare_sides(_sums_of(EVENT, "outage", noisy, [v * 0.9 for v in noisy])).iloc[0]
    assert unclear["low"] < 0 < unclear["high"] and unclear["verdict"] == I.UNCLEAR
    # Nine after the event: a clear-looking change is still not judged.
    few = I.compare_sides(_sums_of(EVENT, "stock", [-0.9] * 12, [0.9] * 9)).iloc[0]
    assert few["change"] == pytest.approx(1.8) and few["verdict"] == I.TOO_FEW
    one_side = I.compare_sides(_sums_of(EVENT, "stock", [], [0.5, 0.3])).iloc[0]
    assert one_side["n_before"] == 0 and math.isnan(one_side["mean_before"])
    assert math.isnan(one_side["change"]) and one_side["verdict"] == I.TOO_FEW
    # One score on a side says nothing of the spread: a change, but no interval.
    single = I.compare_sides(_sums_of(EVENT, "stock", [0.5], [0.1, 0.3])).iloc[0]
    assert single["change"] == pytest.approx(-0.3)
    assert math.isnan(single["low"]) and math.isnan(single["high"])
