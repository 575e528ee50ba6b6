"""Where `minsim prune` left the data incomplete: the cutoff that comparisons with earlier time
(a surge's day before, the period before, an event's hours before) must not reach past."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, or_, select

from minsim.aggregate.sql import Filters
from minsim.db import has_prunes
from minsim.schema import prunes


@dataclass(frozen=True)
class Cut:
    """Documents published before `before` were removed by a prune run at `pruned_at` (both
    aware UTC), of `source` or of every source (None)."""

    before: datetime
    pruned_at: datetime
    source: str | None


def pruned_before(engine: Engine, flt: Filters) -> Cut | None:
    """The latest cutoff of a prune that reached the documents of the filters' sources (a prune
    of every source reaches all; with no source chosen, any prune does); None when none did or
    the database predates the record of prunes."""
    if not has_prunes(engine):
        return None
    query = select(prunes.c.cut_before, prunes.c.pruned_at, prunes.c.source)
    if flt.sources:
        query = query.where(or_(prunes.c.source.is_(None), prunes.c.source.in_(flt.sources)))
    query = query.order_by(prunes.c.cut_before.desc(), prunes.c.pruned_at.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return Cut(row.cut_before, row.pruned_at, row.source) if row else None


def from_cut(flt: Filters, cut: Cut | None) -> Filters:
    """The filters with their start moved up to the cutoff, when it lies later."""
    if cut is None or (flt.start is not None and flt.start >= cut.before):
        return flt
    start = cut.before if flt.end is None else min(cut.before, flt.end)
    return replace(flt, start=start)


def prune_history(engine: Engine) -> list[Cut]:
    """Every recorded prune, the latest cutoff first."""
    if not has_prunes(engine):
        return []
    query = select(prunes.c.cut_before, prunes.c.pruned_at, prunes.c.source).order_by(
        prunes.c.cut_before.desc(), prunes.c.pruned_at.desc(), prunes.c.source
    )
    with engine.connect() as conn:
        return [Cut(*row) for row in conn.execute(query)]
