"""Before and after an event: opinion in the hours on either side of a moment, per aspect.

A crisis team asks whether opinion of the apology turned after the press conference. This reads
the scores of the documents about an event's company published in the `hours` before and after
it (and inside the filters) as sums per side and aspect, and `compare_sides` turns them into the
change of the mean score with an approximate 95 % interval. It compares two windows; it is not a
causal effect: anything else that happened in them counts too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select

from minsim.aggregate.retention import from_cut, pruned_before
from minsim.aggregate.sql import Filters, documents_with_scores, share_columns, where_clauses
from minsim.schema import aspect_scores, documents, scores

SIDES = ("before", "after")
# The aspect of the row that holds every scored document, whatever aspects it names.
ALL_DOCUMENTS = ""
# Below this many scored documents on a side, one comment moves its mean by a tenth of the scale
# or more: the change is not judged.
MIN_PER_SIDE = 10
# Two-sided 95 % quantiles of Student's t for 1 to 30 degrees of freedom (any statistics table).
T_95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
# The normal quantile, which t approaches; past the table, the Cornish-Fisher expansion in 1/df
# gives t within 0.001.
Z_95 = 1.959964
# Verdicts of `compare_sides`.
BETTER, WORSE, UNCLEAR, TOO_FEW = "better", "worse", "unclear", "too_few"
# What names an event in the frames: its moment and its company.
KEY_COLUMNS = ["at", "company"]
SUM_COLUMNS = ["n", "total", "total_sq", "pos", "neg"]
COMPARE_COLUMNS = [
    *KEY_COLUMNS, "aspect", "n_before", "mean_before", "neg_share_before", "n_after",
    "mean_after", "neg_share_after", "change", "low", "high", "verdict",
]  # fmt: skip


def _sums(compound, label) -> list:  # noqa: ANN001 (SQLAlchemy columns)
    return [
        func.count().label("n"),
        func.sum(compound).label("total"),
        func.sum(compound * compound).label("total_sq"),
        *share_columns(label),
    ]


def before_after(
    engine: Engine,
    flt: Filters,
    events: Sequence[tuple[datetime, str]],
    *,
    hours: float,
    version: str | None,
    inherited: bool = True,
) -> pd.DataFrame:
    """Score sums of the documents about each event's company published in [at - hours, at)
    ("before") and [at, at + hours) ("after"), inside the filters, under `version`.

    `events` are (at, company) pairs: an event is read against its own company's documents
    (the fire at SK C&C's data centre against what was said about SK C&C). One row per event,
    side and aspect (aspect ALL_DOCUMENTS: the documents' own scores); columns at, company,
    side, aspect, n, total, total_sq, pos, neg. Aspect scores inherited from an article count
    unless `inherited` is False. A side without documents has no row.
    """
    if hours <= 0:
        raise ValueError(f"hours must be positive, not {hours}")
    span = timedelta(hours=hours)
    # Nothing before a prune's cutoff is counted: what it left there (older articles kept for
    # their comments) is not the before side.
    flt = from_cut(flt, pruned_before(engine, flt))
    frames = []
    with engine.connect() as conn:
        for at, company in dict.fromkeys(events):  # two events of a moment share one reading
            if flt.companies and company not in flt.companies:
                continue  # the filters leave the event's company out
            about = where_clauses(replace(flt, companies=(company,)))
            side = case((documents.c.published_at < at, SIDES[0]), else_=SIDES[1]).label("side")
            near = [documents.c.published_at >= at - span, documents.c.published_at < at + span]
            overall = (
                select(side, literal(ALL_DOCUMENTS).label("aspect"),
                       *_sums(scores.c.compound, scores.c.label))
                .select_from(documents_with_scores(version))
                .where(scores.c.doc_id.is_not(None), *near, *about)
                .group_by(side)
            )  # fmt: skip
            per_aspect = (
                select(side, aspect_scores.c.aspect,
                       *_sums(aspect_scores.c.compound, aspect_scores.c.label))
                .select_from(
                    documents.join(aspect_scores, aspect_scores.c.doc_id == documents.c.doc_id)
                )
                .where(aspect_scores.c.scorer_version == (version or ""), *near, *about,
                       *([] if inherited else [aspect_scores.c.inherited.is_(False)]))
                .group_by(side, aspect_scores.c.aspect)
            )  # fmt: skip
            for query in (overall, per_aspect):
                rows = conn.execute(query).mappings().all()
                if rows:
                    frames.append(pd.DataFrame(rows).assign(at=at, company=company))
    if not frames:
        return pd.DataFrame(columns=[*KEY_COLUMNS, "side", "aspect", *SUM_COLUMNS])
    frame = pd.concat(frames, ignore_index=True)[[*KEY_COLUMNS, "side", "aspect", *SUM_COLUMNS]]
    frame[SUM_COLUMNS] = frame[SUM_COLUMNS].astype(float)
    return frame


def t_95(df: float) -> float:
    """Two-sided 95 % quantile of Student's t with `df` degrees of freedom (rounded down to a
    whole number inside the table, which widens the interval rather than narrowing it)."""
    if df < len(T_95) + 1:
        return T_95[max(int(df), 1) - 1]
    z = Z_95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _side(sums: dict[str, float] | None) -> tuple[int, float, float, float]:
    """n, mean, variance and negative share of one side from its sums (NaN where undefined:
    no mean without scores, no variance below two)."""
    if sums is None or not sums["n"]:
        return 0, math.nan, math.nan, math.nan
    n, total = sums["n"], sums["total"]
    mean = total / n
    variance = max(sums["total_sq"] - total * mean, 0.0) / (n - 1) if n > 1 else math.nan
    return int(n), mean, variance, sums["neg"] / n


def _interval(
    change: float, before: tuple[int, float, float, float], after: tuple[int, float, float, float]
) -> tuple[float, float]:
    """Welch's 95 % interval of a difference of two means (NaN when a variance is unknown)."""
    (n_b, _, var_b, _), (n_a, _, var_a, _) = before, after
    se_b, se_a = var_b / n_b, var_a / n_a  # NaN with a single score on a side
    if math.isnan(se_b) or math.isnan(se_a):
        return math.nan, math.nan
    spread = se_b + se_a
    # Welch-Satterthwaite degrees of freedom; with no spread at all the interval is the point.
    df = spread**2 / (se_b**2 / (n_b - 1) + se_a**2 / (n_a - 1)) if spread else n_b + n_a - 2
    margin = t_95(df) * math.sqrt(spread)
    return change - margin, change + margin


def _verdict(n_before: int, n_after: int, low: float, high: float) -> str:
    if min(n_before, n_after) < MIN_PER_SIDE:
        return TOO_FEW
    if low > 0:
        return BETTER
    if high < 0:
        return WORSE
    return UNCLEAR


def _row(
    key: tuple, before: dict[str, float] | None, after: dict[str, float] | None
) -> dict[str, object]:
    """One event's and aspect's comparison from the sums of its two sides."""
    b, a = _side(before), _side(after)
    change = a[1] - b[1]  # NaN when a side is empty
    low, high = _interval(change, b, a) if b[0] and a[0] else (math.nan, math.nan)
    return dict(
        zip([*KEY_COLUMNS, "aspect"], key, strict=True),
        n_before=b[0], mean_before=b[1], neg_share_before=b[3],
        n_after=a[0], mean_after=a[1], neg_share_after=a[3],
        change=change, low=low, high=high, verdict=_verdict(b[0], a[0], low, high),
    )  # fmt: skip


def compare_sides(sums: pd.DataFrame) -> pd.DataFrame:
    """One row per event (at, company) and aspect from `before_after`'s sums: n, mean score and
    negative share on each side, the change of the mean (after - before) with its approximate 95 %
    interval (low, high; Welch's t interval, NaN when a side has under two scores) and a verdict:
    BETTER or WORSE when the interval excludes 0, UNCLEAR when it does not, TOO_FEW when a side
    has fewer than MIN_PER_SIDE scores."""
    keys = [*KEY_COLUMNS, "aspect"]
    # One plain dict of sums per side and key: a pandas lookup per row would cost seconds for
    # a few hundred events.
    by_side = {
        side: {
            tuple(row[k] for k in keys): row
            for row in sums[sums["side"] == side][[*keys, *SUM_COLUMNS]].to_dict("records")
        }
        for side in SIDES
    }
    before, after = by_side[SIDES[0]], by_side[SIDES[1]]
    rows = [_row(key, before.get(key), after.get(key)) for key in sorted({*before, *after})]
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)


def event_keys(events: pd.DataFrame) -> tuple[tuple[datetime, str], ...]:
    """(at, company) of each row of an events frame: what `before_after` reads an event by."""
    return tuple(zip(events["at"], events["company"], strict=True))


def rows_of(compared: pd.DataFrame, at: datetime, company: str) -> pd.DataFrame:
    """The compared rows of one event, the all-documents row first, then the aspects by how
    many documents named them after the event."""
    mine = compared[(compared["at"] == at) & (compared["company"] == company)]
    first = mine["aspect"] != ALL_DOCUMENTS
    return (
        mine.assign(_first=first)
        .sort_values(["_first", "n_after"], ascending=[True, False], kind="stable")
        .drop(columns="_first")
    )
