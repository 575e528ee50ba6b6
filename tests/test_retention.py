"""After `minsim prune`, comparisons with earlier time stop at its cutoff: surges, watched words,
rising topic words and before/after, on a real SQLite file and the PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, text
from test_aggregate_fixtures import add_scored_comments, prune

from minsim import aggregate, brief, schema, store
from minsim.aggregate import Filters
from minsim.aggregate import surges as S
from minsim.aggregate.impact import ALL_DOCUMENTS
from minsim.aggregate.watched import WATCH_RULES, watched_surges
from minsim.db import PRUNES_MIGRATION, has_prunes

VERSION = "v-retention"
START = datetime(2022, 10, 14, 15, 0, tzinfo=UTC)  # 00:00 KST on 2022-10-15
CUT = START + timedelta(hours=48)  # 00:00 KST on 2022-10-17
PER_HOUR = 25  # above the volume rule's 20 documents an hour
STEADY_HOURS = 80
BURST_HOUR, BURST = 80, 100
TERM = "보상"
SOURCE = "portal"
# More than a day before the cutoff: the data's first day is over before the cutoff comes.
KEPT_BEFORE = timedelta(hours=30)


def _hour(h: int) -> datetime:
    return START + timedelta(hours=h)


def _pruned_corpus(engine: Engine, *, limited_to: tuple[str, ...] = ()) -> int:
    """PER_HOUR comments an hour for STEADY_HOURS hours, then a burst; an article KEPT_BEFORE
    the cutoff that a comment after it keeps; every document names TERM. Then the prune
    of what was published before CUT (of every source, or `limited_to` these), recorded as
    `minsim prune --yes` does; returns how many documents it removed."""
    offsets = [h * 60 + (i * 60) // PER_HOUR for h in range(STEADY_HOURS) for i in range(PER_HOUR)]
    offsets += [BURST_HOUR * 60 + (i * 60) // BURST for i in range(BURST)]
    compounds = [0.5 if i % 2 else -0.5 for i in range(len(offsets))]
    add_scored_comments(engine, "c", START, offsets, compounds, source=SOURCE, version=VERSION)
    kept_at = CUT - KEPT_BEFORE
    add_scored_comments(engine, "kept", kept_at, [0], [-0.9], source=SOURCE, version=VERSION)
    with engine.begin() as conn:
        conn.execute(text("UPDATE documents SET kind = 'article' WHERE doc_id = 'kept0'"))
        conn.execute(text("UPDATE documents SET parent_id = 'kept0' WHERE doc_id = 'c1500'"))
        doc_ids = conn.execute(text("SELECT doc_id FROM documents")).scalars().all()
        conn.execute(insert(schema.document_terms), [{"doc_id": d, "term": TERM} for d in doc_ids])
    found = aggregate.prunable_documents(engine, CUT, limited_to)
    assert found.articles_kept == 1  # the article before the cutoff stays for its comment
    return prune(engine, CUT, limited_to)


def _forget_prunes(engine: Engine) -> None:
    """The same data as a database that never recorded the prune (the code before the record)."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM prunes"))


def test_the_day_after_a_prune_is_not_judged_against_the_emptied_day(engine: Engine) -> None:
    assert _pruned_corpus(engine) == 48 * PER_HOUR  # every comment before CUT
    found = S.find_surges(engine, Filters(), version=VERSION)
    assert list(found["start"]) == [_hour(BURST_HOUR)]  # the burst, judged against a whole day
    assert found.iloc[0]["baseline"] == PER_HOUR
    # Without the record, the hours after the cutoff read the kept article as a day's volume.
    _forget_prunes(engine)
    unrecorded = S.find_surges(engine, Filters(), version=VERSION)
    assert _hour(48) in set(unrecorded["start"])


def test_watched_words_stop_at_the_cutoff_too(engine: Engine) -> None:
    _pruned_corpus(engine)
    found = watched_surges(engine, Filters(), (TERM,), version=VERSION, rules=WATCH_RULES)
    assert list(found["start"]) == [_hour(BURST_HOUR)]
    _forget_prunes(engine)
    unrecorded = watched_surges(engine, Filters(), (TERM,), version=VERSION, rules=WATCH_RULES)
    assert _hour(48) in set(unrecorded["start"])


def test_topic_words_compare_only_what_the_prune_left_of_the_period_before(
    engine: Engine,
) -> None:
    _pruned_corpus(engine)
    straddling = Filters(start=CUT + timedelta(hours=6), end=CUT + timedelta(hours=30))
    table = aggregate.term_table(engine, straddling, version=VERSION)
    assert table.before_documents == 6 * PER_HOUR  # from the cutoff on; not the kept article
    # A period before that lies wholly before the cutoff is not compared.
    day_after = Filters(start=CUT, end=CUT + timedelta(hours=36))
    assert aggregate.term_table(engine, day_after, version=VERSION).before_documents == 0
    assert not aggregate.term_table(engine, day_after, version=VERSION).rising().shape[0]
    _forget_prunes(engine)  # without the record, the lone kept article made every word rise
    assert aggregate.term_table(engine, day_after, version=VERSION).before_documents == 1


def test_before_and_after_counts_nothing_before_the_cutoff(engine: Engine) -> None:
    _pruned_corpus(engine)
    event = [(CUT + timedelta(hours=6), "kakao")]
    sums = aggregate.before_after(engine, Filters(), event, hours=40, version=VERSION)
    overall = sums[sums["aspect"] == ALL_DOCUMENTS].set_index("side")
    assert overall.loc["before", "n"] == 6 * PER_HOUR
    assert overall.loc["after", "n"] == (STEADY_HOURS - 54) * PER_HOUR + BURST  # to the end
    _forget_prunes(engine)  # the kept article was read as the hours before the cutoff
    sums = aggregate.before_after(engine, Filters(), event, hours=40, version=VERSION)
    assert sums[(sums["aspect"] == ALL_DOCUMENTS) & (sums["side"] == "before")]["n"].item() == 151


def _record(engine: Engine, cut_before: datetime, source: str | None, at: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(insert(schema.prunes), [{"cut_before": cut_before, "source": source,
                     "documents": 1, "pruned_at": at}])  # fmt: skip


def test_a_prune_of_some_sources_cuts_only_views_that_read_nothing_unpruned(
    engine: Engine,
) -> None:
    assert aggregate.pruned_before(engine, Filters()) is None
    _pruned_corpus(engine, limited_to=(SOURCE,))
    add_scored_comments(engine, "v", CUT, [60], [0.5], source="video", version=VERSION)
    # video was never pruned: a view that reads it keeps all of its history to compare with,
    # and is told that portal's part of it is gone
    assert aggregate.pruned_before(engine, Filters()) is None
    assert aggregate.partly_pruned(engine, Filters()).sources == (SOURCE,)
    assert aggregate.pruned_before(engine, Filters(sources=("video",))) is None
    assert aggregate.partly_pruned(engine, Filters(sources=("video",))) is None
    portal = Filters(sources=(SOURCE,))
    assert aggregate.pruned_before(engine, portal).sources == (SOURCE,)
    assert aggregate.partly_pruned(engine, portal) is None  # wholly pruned: pruned_before says
    found = S.find_surges(engine, portal, version=VERSION)
    assert list(found["start"]) == [_hour(BURST_HOUR)]
    # Pruned as well, a day later: the view is whole from the later cutoff on.
    later = CUT + timedelta(days=1)
    _record(engine, later, "video", CUT + timedelta(days=30))
    both = aggregate.pruned_before(engine, Filters())
    assert (both.before, both.sources) == (later, ("video",))
    # A prune of every source reaches every view; each source's latest prune counts.
    _record(engine, later, None, CUT + timedelta(days=31))
    both = aggregate.pruned_before(engine, Filters())
    assert (both.before, both.sources) == (later, ())
    assert aggregate.pruned_before(engine, portal).before == later
    assert [(c.before, c.sources) for c in aggregate.prune_history(engine)] == [
        (later, ()),
        (later, ("video",)),
        (CUT, (SOURCE,)),
    ]  # fmt: skip  (the latest cutoff first, then the latest prune)


def test_the_view_of_one_company_is_cut_as_the_view_of_all(engine: Engine) -> None:
    """Companies and kinds do not narrow the sources read: an event or a company's surges
    come out the same whichever companies the view holds."""
    _pruned_corpus(engine, limited_to=(SOURCE,))
    # video, never pruned, writes only of naver, and only comments
    add_scored_comments(engine, "v", CUT, [60], [0.5], source="video", company="naver",
                        version=VERSION)  # fmt: skip
    kakao = Filters(companies=("kakao",))
    for flt in (Filters(), kakao, Filters(kinds=("article",))):
        assert aggregate.prune_cuts(engine, flt)[0] is None, flt
        assert aggregate.prune_cuts(engine, flt)[1].sources == (SOURCE,), flt
    event = [(CUT + timedelta(hours=6), "kakao")]
    found = []
    for flt in (Filters(), kakao):
        sums = aggregate.before_after(engine, flt, event, hours=40, version=VERSION)
        before = sums[(sums["aspect"] == ALL_DOCUMENTS) & (sums["side"] == "before")]
        found.append(before["n"].item())
    assert found == [151, 151]  # with the kept article: video's history is whole
    # the portal alone is cut
    portal = Filters(companies=("kakao",), sources=(SOURCE,))
    sums = aggregate.before_after(engine, portal, event, hours=40, version=VERSION)
    before = sums[(sums["aspect"] == ALL_DOCUMENTS) & (sums["side"] == "before")]
    assert before["n"].item() == 6 * PER_HOUR


def test_a_source_the_prune_emptied_is_still_read(engine: Engine) -> None:
    """What a prune removed cannot be seen any more: a source it emptied still counts as read,
    or its missing days would go unsaid."""
    before = CUT - timedelta(hours=10)
    add_scored_comments(
        engine, "b", before, [0, 60], [0.5, -0.5], source="blog", version=VERSION
    )  # fmt: skip  (all before the cutoff)
    add_scored_comments(
        engine, "p", before, [0, 60 * 12], [0.5, 0.5], source=SOURCE, version=VERSION
    )  # fmt: skip  (never pruned)
    prune(engine, CUT, ("blog",))
    assert aggregate.source_names(engine) == [SOURCE]  # nothing of blog is left
    assert aggregate.pruned_before(engine, Filters()) is None  # the portal was never pruned
    assert aggregate.partly_pruned(engine, Filters()).sources == ("blog",)  # said, not hidden
    assert aggregate.pruned_before(engine, Filters(sources=("blog",))).sources == ("blog",)


def test_a_prune_of_several_sources_is_one_prune_in_the_history(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = iter(range(1, 1000))  # a clock that moves on at every reading, as a slow one does
    monkeypatch.setattr(schema, "utcnow", lambda: CUT + timedelta(seconds=next(ticks)))
    _pruned_corpus(engine, limited_to=(SOURCE, "video"))
    (cut,) = aggregate.prune_history(engine)
    assert (cut.before, cut.sources) == (CUT, (SOURCE, "video"))
    # forgetting one source of the run leaves the other's cutoff
    assert store.forget_prunes(engine, ["video"]) == 1
    assert [c.sources for c in aggregate.prune_history(engine)] == [(SOURCE,)]
    # a prune of every source at the same cutoff names none: it removed every source's
    _record(engine, CUT, None, CUT + timedelta(days=1))
    assert aggregate.pruned_before(engine, Filters(sources=(SOURCE,))).sources == ()


def test_a_prune_that_removes_nothing_records_nothing(engine: Engine) -> None:
    record = store.PruneRecord(CUT, (), 0)
    assert store.delete_documents(engine, [], record=record) == 0
    assert aggregate.prune_history(engine) == []


def test_forgotten_prunes_cut_nothing(engine: Engine) -> None:
    _pruned_corpus(engine)
    _record(engine, CUT, "video", CUT)
    assert store.forget_prunes(engine, ["video"]) == 1
    assert aggregate.pruned_before(engine, Filters()).before == CUT
    assert store.forget_prunes(engine) == 1
    assert aggregate.pruned_before(engine, Filters()) is None
    assert _hour(48) in set(S.find_surges(engine, Filters(), version=VERSION)["start"])


def test_a_database_from_before_the_record_reads_as_never_pruned(engine: Engine) -> None:
    _pruned_corpus(engine)
    with engine.begin() as conn:  # as a version-5 database holds it
        conn.execute(text(f"DELETE FROM schema_migrations WHERE version >= {PRUNES_MIGRATION}"))
        conn.execute(text("DROP TABLE prunes"))
    assert not has_prunes(engine)
    assert aggregate.pruned_before(engine, Filters()) is None
    assert aggregate.prune_history(engine) == []
    assert _hour(48) in set(S.find_surges(engine, Filters(), version=VERSION)["start"])


def test_a_brief_says_what_the_prune_took_when_it_looks_back_past_it(engine: Engine) -> None:
    _pruned_corpus(engine)
    flt = Filters()
    early = brief.period_of(flt, (CUT, CUT + timedelta(hours=12)))
    written = brief.write_brief(engine, flt, early, version=VERSION)
    assert "2022-10-17 00:00 KST 이전에 발행된 문서는" in written
    assert "minsim prune으로 지웠습니다" in written
    late = brief.period_of(flt, (CUT + timedelta(hours=60), CUT + timedelta(hours=72)))
    assert "minsim prune" not in brief.write_brief(engine, flt, late, version=VERSION)


def test_a_brief_of_pruned_and_never_pruned_sources_says_what_is_missing(engine: Engine) -> None:
    _pruned_corpus(engine, limited_to=(SOURCE,))
    add_scored_comments(engine, "v", CUT, [60], [0.5], source="video", version=VERSION)
    flt = Filters()
    early = brief.period_of(flt, (CUT, CUT + timedelta(hours=12)))
    written = brief.write_brief(engine, flt, early, version=VERSION)
    assert "2022-10-17 00:00 KST 이전에 발행된 portal의 문서는" in written
    assert "2022-10-17 00:00 KST 이전 구간은 portal의 문서가 빠진 채 비교됩니다" in written
    # the portal alone is cut, and says so as a cut
    portal = brief.write_brief(engine, Filters(sources=(SOURCE,)), early, version=VERSION)
    assert "그 전과는 비교하지 않고" in portal and "빠진 채" not in portal
