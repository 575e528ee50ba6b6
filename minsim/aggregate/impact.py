"""Before and after an event: opinion in the hours on either side of a moment, per aspect.

A crisis team asks whether opinion of the apology turned after the press conference. This reads
the scores of the documents published in the `hours` before and after each moment (and inside
the filters) as sums per side and aspect, and `compare_sides` turns them into the change of the
mean score with an approximate 95 % interval. It compares two windows; it is not a causal
effect: anything else that happened in them counts too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select

from minsim.aggregate.sql import Filters, documents_with_scores, where_clauses
from minsim.schema import aspect_scores, documents, scores

SIDES = ("before", "after")
# The aspect of the row that holds every scored document, whatever aspects it names.
ALL_DOCUMENTS = ""
# Below this many scored documents on a side, one comment moves its mean by a tenth of the scale
# or more: the change is not judged.
MIN_PER_SIDE = 10
# Two-sided 95 % quantile of the normal distribution (the means of ten or more bounded scores).
Z_95 = 1.959964
# Verdicts of `compare_sides`.
BETTER, WORSE, UNCLEAR, TOO_FEW = "better", "worse", "unclear", "too_few"
SUM_COLUMNS = ["n", "total", "total_sq", "pos", "neg"]
COMPARE_COLUMNS = [
    "at", "aspect", "n_before", "mean_before", "neg_share_before", "n_after", "mean_after",
    "neg_share_after", "change", "low", "high", "verdict",
]  # fmt: skip


def _sums(compound, label) -> list:  # noqa: ANN001 (SQLAlchemy columns)
    return [
        func.count().label("n"),
        func.sum(compound).label("total"),
        func.sum(compound * compound).label("total_sq"),
        func.sum(case((label == "pos", 1), else_=0)).label("pos"),
        func.sum(case((label == "neg", 1), else_=0)).label("neg"),
    ]


def before_after(
    engine: Engine,
    flt: Filters,
    moments: Sequence[datetime],
    *,
    hours: int,
    version: str | None,
    inherited: bool = True,
) -> pd.DataFrame:
    """Score sums of the documents published in [at - hours, at) ("before") and
    [at, at + hours) ("after") of each moment, inside the filters, under `version`.

    One row per moment, side and aspect (aspect ALL_DOCUMENTS: the documents' own scores);
    columns at, side, aspect, n, total, total_sq, pos, neg. Aspect scores inherited from an
    article count unless `inherited` is False. A side without documents has no row.
    """
    if hours <= 0:
        raise ValueError(f"hours must be positive, not {hours}")
    span = timedelta(hours=hours)
    frames = []
    with engine.connect() as conn:
        for at in moments:
            side = case((documents.c.published_at < at, SIDES[0]), else_=SIDES[1]).label("side")
            near = [documents.c.published_at >= at - span, documents.c.published_at < at + span]
            overall = (
                select(side, literal(ALL_DOCUMENTS).label("aspect"),
                       *_sums(scores.c.compound, scores.c.label))
                .select_from(documents_with_scores(version))
                .where(scores.c.doc_id.is_not(None), *near, *where_clauses(flt))
                .group_by(side)
            )  # fmt: skip
            per_aspect = (
                select(side, aspect_scores.c.aspect,
                       *_sums(aspect_scores.c.compound, aspect_scores.c.label))
                .select_from(
                    documents.join(aspect_scores, aspect_scores.c.doc_id == documents.c.doc_id)
                )
                .where(aspect_scores.c.scorer_version == (version or ""), *near,
                       *where_clauses(flt),
                       *([] if inherited else [aspect_scores.c.inherited.is_(False)]))
                .group_by(side, aspect_scores.c.aspect)
            )  # fmt: skip
            for query in (overall, per_aspect):
                rows = conn.execute(query).mappings().all()
                if rows:
                    frames.append(pd.DataFrame(rows).assign(at=at))
    if not frames:
        return pd.DataFrame(columns=["at", "side", "aspect", *SUM_COLUMNS])
    frame = pd.concat(frames, ignore_index=True)[["at", "side", "aspect", *SUM_COLUMNS]]
    frame[SUM_COLUMNS] = frame[SUM_COLUMNS].astype(float)
    return frame


def _side_stats(n: float, total: float, total_sq: float) -> tuple[float, float]:
    """Mean and variance of a side's scores from their sums (variance 0 below two scores)."""
    mean = total / n
    variance = max(total_sq - total * mean, 0.0) / (n - 1) if n > 1 else 0.0
    return mean, variance


def _row(at: datetime, aspect: str, before: pd.Series | None, after: pd.Series | None) -> dict:
    row: dict[str, object] = {"at": at, "aspect": aspect}
    stats = {}
    for name, sums in (("before", before), ("after", after)):
        n = float(sums["n"]) if sums is not None else 0.0
        row[f"n_{name}"] = int(n)
        if n:
            mean, variance = _side_stats(n, float(sums["total"]), float(sums["total_sq"]))
            stats[name] = (n, mean, variance)
            row[f"mean_{name}"] = mean
            row[f"neg_share_{name}"] = float(sums["neg"]) / n
        else:
            row[f"mean_{name}"] = row[f"neg_share_{name}"] = math.nan
    row["change"] = row["low"] = row["high"] = math.nan
    if len(stats) == 2:
        (n_b, mean_b, var_b), (n_a, mean_a, var_a) = stats["before"], stats["after"]
        change = mean_a - mean_b
        margin = Z_95 * math.sqrt(var_b / n_b + var_a / n_a)
        row.update(change=change, low=change - margin, high=change + margin)
    if min(row["n_before"], row["n_after"]) < MIN_PER_SIDE:  # type: ignore[call-overload]
        row["verdict"] = TOO_FEW
    elif row["low"] > 0:  # type: ignore[operator]
        row["verdict"] = BETTER
    elif row["high"] < 0:  # type: ignore[operator]
        row["verdict"] = WORSE
    else:
        row["verdict"] = UNCLEAR
    return row


def compare_sides(sums: pd.DataFrame) -> pd.DataFrame:
    """One row per moment and aspect from `before_after`'s sums: n, mean score and negative
    share on each side, the change of the mean (after - before) with its approximate 95 %
    interval (low, high; Welch's normal approximation, NaN when a side is empty) and a verdict:
    BETTER or WORSE when the interval excludes 0, UNCLEAR when it does not, TOO_FEW when a side
    has fewer than MIN_PER_SIDE scores."""
    rows = []
    for (at, aspect), group in sums.groupby(["at", "aspect"], sort=True):
        by_side = {side: part.iloc[0] for side, part in group.groupby("side")}
        rows.append(_row(at, aspect, by_side.get("before"), by_side.get("after")))
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)
