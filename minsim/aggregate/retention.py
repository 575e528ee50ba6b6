"""Where `minsim prune` left the data incomplete: the cutoff that comparisons with earlier time
(a surge's day before, the period before, an event's hours before) must not reach past."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, select

from minsim.aggregate.lookups import stored_sources_of
from minsim.aggregate.sql import Filters
from minsim.db import has_prunes
from minsim.schema import prunes


@dataclass(frozen=True)
class Cut:
    """Documents published before `before` were removed by a prune run at `pruned_at` (both
    aware UTC), of `sources`, or of every source when empty."""

    before: datetime
    pruned_at: datetime
    sources: tuple[str, ...] = ()


def pruned_before(engine: Engine, flt: Filters) -> Cut | None:
    """The moment from which the documents of every source the filters read are whole again
    (`prune_cuts`), or None."""
    return prune_cuts(engine, flt)[0]


def partly_pruned(engine: Engine, flt: Filters) -> Cut | None:
    """When the filters read pruned sources beside others never pruned (so `pruned_before` is
    None and comparisons reach back into the pruned sources' missing days): the latest prune
    among them, naming its sources (`prune_cuts`). None otherwise."""
    return prune_cuts(engine, flt)[1]


def prune_cuts(engine: Engine, flt: Filters) -> tuple[Cut | None, Cut | None]:
    """What prunes did to the sources the filters read: (the cut, the partial cut).

    The cut is the moment from which the documents of every source read are whole again: the
    latest prune of each source (its own, or one of every source), and the latest of those
    over the sources. There is none when one of them was never pruned: its documents before
    any cutoff are whole, and a prune of one source must not take the others' history out of
    every comparison; the partial cut then names the latest prune among the others. Neither
    when the database predates the record of prunes.

    The sources read are those chosen, else every source that holds a document or was pruned
    on its own (what a prune removed cannot be seen any more: a source it emptied is still
    read). The companies, kinds, time window and the rest are left out on purpose: the view
    of one company is cut as the view of all is, so an event or a company's surges come out
    the same in both."""
    every, latest = _recorded(engine)
    if not latest:  # only prunes of every source: which sources there are does not matter
        return every, None
    if flt.sources:
        read = set(flt.sources)
    else:
        with engine.connect() as conn:
            read = set(stored_sources_of(conn)) | set(latest)
    return _judge(every, latest, read)


def _recorded(engine: Engine) -> tuple[Cut | None, dict[str, Cut]]:
    """The latest prune of every source, and the latest prune of each source pruned on its
    own; (None, {}) when the database predates the record."""
    every: Cut | None = None
    latest: dict[str, Cut] = {}
    if not has_prunes(engine):
        return every, latest
    with engine.connect() as conn:
        rows = conn.execute(select(prunes.c.cut_before, prunes.c.pruned_at, prunes.c.source))
        for before, at, source in rows:
            cut = Cut(before, at, (source,) if source is not None else ())
            if source is None:
                every = _later(every, cut)
            else:
                latest[source] = _later(latest.get(source), cut)
    return every, latest


def _judge(
    every: Cut | None, latest: dict[str, Cut], read: set[str]
) -> tuple[Cut | None, Cut | None]:
    """The cut and the partial cut (`prune_cuts`) of the sources read."""
    cuts = [_later(every, latest.get(source)) for source in sorted(read)]
    if not cuts:
        return every, None
    pruned = [c for c in cuts if c is not None]
    if len(pruned) < len(cuts):
        return None, _latest_named(pruned) if pruned else None
    return _latest_named(pruned), None


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


def reaches(cut: Cut | None, looks_back_to: datetime | None) -> bool:
    """Whether a comparison reaching back to `looks_back_to` (None: to the start of the data)
    passes the cutoff of `cut` (None: no prune)."""
    return cut is not None and (looks_back_to is None or looks_back_to < cut.before)


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
