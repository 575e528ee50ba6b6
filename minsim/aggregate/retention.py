"""Where `minsim prune` left the data incomplete: the cutoff that comparisons with earlier time
(a surge's day before, the period before, an event's hours before) must not reach past."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, Engine, select

from minsim.aggregate.sql import Filters, where_clauses
from minsim.db import has_prunes
from minsim.schema import documents, prunes


@dataclass(frozen=True)
class Cut:
    """Documents published before `before` were removed by a prune run at `pruned_at` (both
    aware UTC), of `sources`, or of every source when empty."""

    before: datetime
    pruned_at: datetime
    sources: tuple[str, ...] = ()


def pruned_before(engine: Engine, flt: Filters) -> Cut | None:
    """The moment from which the documents of every source the filters read (`_sources_read`)
    are whole again: the latest prune of each source (its
    own, or one of every source), and the latest of those over the sources. None when one of
    them was never pruned: its documents before any cutoff are whole, and a prune of one
    source must not take the others' history out of every comparison. None too when the
    database predates the record of prunes."""
    every, cuts = _cuts_read(engine, flt)
    if cuts is None or not cuts:
        return every
    if None in cuts:
        return None
    return _latest_named([c for c in cuts if c is not None])


def partly_pruned(engine: Engine, flt: Filters) -> Cut | None:
    """When the filters read pruned sources beside others never pruned (so `pruned_before` is
    None and comparisons reach back into the pruned sources' missing days): the latest prune
    among them, naming its sources. None otherwise."""
    _, cuts = _cuts_read(engine, flt)
    if not cuts or None not in cuts:
        return None
    pruned = [c for c in cuts if c is not None]
    return _latest_named(pruned) if pruned else None


def _cuts_read(engine: Engine, flt: Filters) -> tuple[Cut | None, list[Cut | None] | None]:
    """The latest prune of every source, and the latest prune of each source the filters read
    (None for one never pruned); the second is None when no prune was limited to sources."""
    if not has_prunes(engine):
        return None, None
    with engine.connect() as conn:
        rows = conn.execute(select(prunes.c.cut_before, prunes.c.pruned_at, prunes.c.source))
        every: Cut | None = None
        latest: dict[str, Cut] = {}
        for before, at, source in rows:
            cut = Cut(before, at, (source,) if source is not None else ())
            if source is None:
                every = _later(every, cut)
            else:
                latest[source] = _later(latest.get(source), cut)
        if not latest:  # only prunes of every source: which sources there are does not matter
            return every, None
        read = _sources_read(conn, flt)
    return every, [_later(every, latest.get(source)) for source in read]


def _sources_read(conn: Connection, flt: Filters) -> tuple[str, ...]:
    """The sources (of those chosen, else of all) holding a document of the filters' companies
    and kinds, at any time: a source that never wrote of the chosen company (or kind) adds
    nothing to the view, so its whole history must not keep another source's prune from
    cutting it. The time window, search words and the rest are left out on purpose: a source
    is read when it could hold such documents on either side of a comparison, whatever the
    window shows now."""
    read = Filters(companies=flt.companies, kinds=flt.kinds, sources=flt.sources)
    query = select(documents.c.source).where(*where_clauses(read)).distinct()
    return tuple(conn.execute(query).scalars())


def _latest_named(cuts: list[Cut]) -> Cut:
    """The latest of `cuts`, naming every source whose own prune set that cutoff."""
    found = max(cuts, key=_recency)
    if not found.sources:
        return found
    named = {s for c in cuts if c.before == found.before for s in c.sources}
    return replace(found, sources=tuple(sorted(named)))


def _recency(cut: Cut) -> tuple[datetime, bool, datetime]:
    """Which of two cuts stands: the later cutoff; at the same cutoff a prune of every source
    (it names none), else the later prune."""
    return cut.before, not cut.sources, cut.pruned_at


def _later(one: Cut | None, other: Cut | None) -> Cut | None:
    """The one of two cuts that stands (`_recency`); either when the other is None."""
    if one is None or other is None:
        return one or other
    return max(one, other, key=_recency)


def from_cut(flt: Filters, cut: Cut | None) -> Filters:
    """The filters with their start moved up to the cutoff, when it lies later."""
    if cut is None or (flt.start is not None and flt.start >= cut.before):
        return flt
    start = cut.before if flt.end is None else min(cut.before, flt.end)
    return replace(flt, start=start)


def prune_history(engine: Engine) -> list[Cut]:
    """Every recorded prune (a run limited to sources has one row per source, gathered here),
    the latest cutoff first."""
    if not has_prunes(engine):
        return []
    query = select(prunes.c.cut_before, prunes.c.pruned_at, prunes.c.source)
    runs: dict[tuple[datetime, datetime], list[str]] = {}
    with engine.connect() as conn:
        for before, at, source in conn.execute(query):
            runs.setdefault((before, at), []).extend([source] if source is not None else [])
    ordered = sorted(runs.items(), key=lambda item: item[0], reverse=True)
    return [Cut(before, at, tuple(sorted(sources))) for (before, at), sources in ordered]
