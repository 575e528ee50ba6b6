"""All write SQL: documents, company tags, scores, runs, cursors, the scenario tables and events.

Every write is idempotent (deterministic ids, INSERT ... ON CONFLICT); one batch, one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from itertools import islice
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    Engine,
    String,
    Table,
    delete,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from minsim import db, schema
from minsim.companies import CompanyMatcher
from minsim.errors import StoreError
from minsim.models import Company, Document, Event
from minsim.normalize import column_length
from minsim.timeline import ADDED, TimelineError, event_key, scenario_origin

# Ids per IN (...) clause; SQLite allows 32,766 variables in one statement.
IN_CHUNK = 900
# A run's label (a source name, or `import:<file name>`) is cut to its column: a long file name
# must not stop the file's import, and PostgreSQL refuses a longer value (minsim/schema.py).
RUN_LABEL_CHARS = column_length(schema.runs.c.source)

# The error of a run closed because its process was killed before it finished (its end time is
# when it was closed, so how long it ran is not known).
INTERRUPTED_RUN = "interrupted: the collecting process ended before the run finished"
# The error of a run cut short by Ctrl+C (its end time is when it stopped).
STOPPED_RUN = "interrupted"
# Runs that failed for their process's end, not their source's: not a source failing.
NOT_THE_SOURCE = (INTERRUPTED_RUN, STOPPED_RUN)
# Runs of an imported file and of a demo file are named with these before the file's name; a
# configured source is named by its `[[sources]] name`.
IMPORT_PREFIX = "import:"
DEMO_LOAD_PREFIX = "demo:"


@dataclass
class UpsertResult:
    """What one batch did to the documents.

    Each copy in the batch is counted once, the way importing the copies one after another would
    count them: `new` when nothing with its doc_id came before it (stored, or earlier in the
    batch), `updated` when its content differs from what came before it, else `duplicate`.
    `new_ids` and `updated_ids` name each document whose stored content changed, once: stored for
    the first time, or stored before and given new content (these are tagged and scored).
    """

    new: int = 0
    duplicate: int = 0
    updated: int = 0
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)


class ScoreLike(Protocol):
    """What the store needs of a sentiment score (sentiment.Score satisfies it)."""

    compound: float
    label: str
    pos: float
    neg: float
    neu: float
    aspects: Sequence[Any]
    terms: Sequence[str]

    def to_json(self) -> str: ...


def upsert(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    keys: Sequence[str],
    update_columns: Sequence[str] = (),
    *,
    only_if: Callable[[Any], ColumnElement[bool]] | None = None,
) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE/NOTHING on SQLite and PostgreSQL alike; with
    `only_if`, the stored row is updated only where `only_if(excluded)` holds, decided by the
    database in the same statement."""
    if not rows:
        return
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(table)
    if update_columns:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys),
            set_={c: stmt.excluded[c] for c in update_columns},
            where=only_if(stmt.excluded) if only_if is not None else None,
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt, rows)


def _chunks(items: Iterable[str]) -> Iterator[list[str]]:
    """`items` IN_CHUNK at a time, taken from it only as each chunk is asked for."""
    taking = iter(items)
    while chunk := list(islice(taking, IN_CHUNK)):
        yield chunk


def latest_versions(docs: Iterable[Document]) -> dict[str, Document]:
    """The last copy of each doc_id, in the order the ids first appear: what a batch stores."""
    latest: dict[str, Document] = {}
    for doc in docs:
        latest[doc.doc_id] = doc
    return latest


def upsert_documents(
    engine: Engine, docs: Sequence[Document], run_id: int | None = None
) -> UpsertResult:
    """Store a batch in one transaction, the last copy of each doc_id: new ids inserted, changed
    content updated (both marked with `run_id`, the run storing them), the rest only get their
    like/dislike counts refreshed. See UpsertResult for how copies are counted. Raises StoreError
    naming the document and column when a value is longer than its column, on SQLite as on
    PostgreSQL, before anything is written."""
    latest = latest_versions(docs)
    rows = {doc_id: {**asdict(doc), "run_id": run_id} for doc_id, doc in latest.items()}
    _check_lengths(schema.documents, "doc_id", rows)
    with transaction(engine, "store documents") as conn:
        stored = _stored_hashes(conn, list(latest))
        result = _count_copies(docs, stored)
        changed = set(result.updated_ids)
        inserts, changes, counts = [], [], []
        for doc_id, row in rows.items():
            if doc_id not in stored:
                inserts.append(row)
            elif doc_id in changed:
                changes.append(row)
            else:
                counts.append(row)
        content_columns = [
            "title", "text", "content_hash", "likes", "dislikes", "collected_at", "run_id"
        ]  # fmt: skip
        upsert(conn, schema.documents, inserts, ["doc_id"])
        upsert(conn, schema.documents, changes, ["doc_id"], content_columns)
        upsert(conn, schema.documents, counts, ["doc_id"], ["likes", "dislikes"])
    return result


def _stored_hashes(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """The content hash of each of these documents already stored."""
    stored: dict[str, str] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(schema.documents.c.doc_id, schema.documents.c.content_hash).where(
                schema.documents.c.doc_id.in_(chunk)
            )
        )
        stored.update({doc_id: content_hash for doc_id, content_hash in rows})
    return stored


def _count_copies(docs: Sequence[Document], stored: Mapping[str, str]) -> UpsertResult:
    """Count each copy against what came before it: the stored row, then earlier copies."""
    result = UpsertResult()
    before = dict(stored)  # doc_id -> the content hash the next copy is compared with
    changed: set[str] = set()
    for doc in docs:
        previous = before.get(doc.doc_id)
        if previous is None:
            result.new += 1
            result.new_ids.append(doc.doc_id)
        elif previous != doc.content_hash:
            result.updated += 1
            changed.add(doc.doc_id)
        else:
            result.duplicate += 1
        before[doc.doc_id] = doc.content_hash
    # a document new to the store is inserted with its last copy: it is new, not also updated
    in_order = dict.fromkeys(doc.doc_id for doc in docs)
    result.updated_ids = [doc_id for doc_id in in_order if doc_id in changed and doc_id in stored]
    return result


def _check_lengths(table: Table, key: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
    """Refuse a value longer than its bounded String column, naming the row and the column.

    `rows` maps each row's value of the column `key` (its id) to the row.

    PostgreSQL would refuse it with its whole batch without saying which row; SQLite would store
    it whole. Checking here makes both backends behave the same.
    """
    bounded = [
        (column.name, column.type.length)
        for column in table.c
        if isinstance(column.type, String) and column.type.length
    ]
    for row_id, row in rows.items():
        for name, length in bounded:
            value = row.get(name)
            if isinstance(value, str) and len(value) > length:
                raise StoreError(
                    f"cannot store {table.name}: {key} {row_id}: {name} is {len(value):,} "
                    f"characters, the column holds {length:,}"
                )


def tag_companies(engine: Engine, docs: Sequence[Document], companies: Sequence[Company]) -> None:
    """Tag each document with the companies its title and text name; a comment also inherits its
    article's companies. Articles are tagged first so comments in the same batch inherit."""
    matcher = CompanyMatcher(companies)
    ordered = sorted(docs, key=lambda d: d.kind != "article")
    with transaction(engine, "tag companies") as conn:
        for doc in ordered:
            found = set(matcher.match(f"{doc.title or ''}\n{doc.text}"))
            if doc.parent_id:
                parent_tags = conn.execute(
                    select(schema.document_companies.c.company).where(
                        schema.document_companies.c.doc_id == doc.parent_id
                    )
                ).scalars()
                found.update(parent_tags)
            conn.execute(
                delete(schema.document_companies).where(
                    schema.document_companies.c.doc_id == doc.doc_id
                )
            )
            rows = [{"doc_id": doc.doc_id, "company": company} for company in sorted(found)]
            upsert(conn, schema.document_companies, rows, ["doc_id", "company"])


def save_scores(
    engine: Engine, doc_ids: Sequence[str], scores: Sequence[ScoreLike], version: str
) -> None:
    """Store document and aspect scores keyed by (doc_id, scorer_version), replacing old rows,
    and each document's topic terms in place of the ones it had."""
    if len(doc_ids) != len(scores):
        raise ValueError(f"{len(doc_ids)} doc ids but {len(scores)} scores")
    now = schema.utcnow()
    rows, aspect_rows, term_rows = [], [], []
    for doc_id, score in zip(doc_ids, scores, strict=True):
        term_rows.extend({"doc_id": doc_id, "term": term} for term in dict.fromkeys(score.terms))
        rows.append(
            {
                "doc_id": doc_id,
                "scorer_version": version,
                "compound": float(score.compound),
                "label": score.label,
                "pos": float(score.pos),
                "neg": float(score.neg),
                "neu": float(score.neu),
                "hits": score.to_json(),
                "scored_at": now,
            }
        )
        for aspect in score.aspects:
            aspect_rows.append(
                {
                    "doc_id": doc_id,
                    "scorer_version": version,
                    "aspect": aspect.aspect,
                    "compound": float(aspect.compound),
                    "label": aspect.label,
                    "inherited": bool(aspect.inherited),
                }
            )
    value_columns = ["compound", "label", "pos", "neg", "neu", "hits", "scored_at"]
    with transaction(engine, "save scores") as conn:
        for chunk in _chunks(list(doc_ids)):
            conn.execute(
                delete(schema.aspect_scores).where(
                    schema.aspect_scores.c.doc_id.in_(chunk),
                    schema.aspect_scores.c.scorer_version == version,
                )
            )
            conn.execute(
                delete(schema.document_terms).where(schema.document_terms.c.doc_id.in_(chunk))
            )
        upsert(conn, schema.scores, rows, ["doc_id", "scorer_version"], value_columns)
        upsert(conn, schema.aspect_scores, aspect_rows, ["doc_id", "scorer_version", "aspect"])
        upsert(conn, schema.document_terms, term_rows, ["doc_id", "term"])


def delete_other_versions(engine: Engine, version: str) -> int:
    """Drop scores of every scorer version but `version`; returns how many document scores went."""
    with transaction(engine, "drop old scores") as conn:
        conn.execute(
            delete(schema.aspect_scores).where(schema.aspect_scores.c.scorer_version != version)
        )
        gone = conn.execute(delete(schema.scores).where(schema.scores.c.scorer_version != version))
    return gone.rowcount or 0


# The tables whose rows belong to one document, in the order save_scores deletes from them, so a
# prune and a scoring pass on PostgreSQL take their locks in the same order.
DOCUMENT_ROWS = (
    schema.aspect_scores,
    schema.document_terms,
    schema.scores,
    schema.document_companies,
)


def delete_documents(
    engine: Engine,
    doc_ids: Iterable[str],
    progress: Callable[[int], None] | None = None,
    *,
    record: PruneRecord | None = None,
) -> int:
    """Delete documents with everything stored about them, IN_CHUNK at a time, each chunk in its
    own transaction; `progress` hears the running count. Returns how many went. `record` is
    stored in the first chunk's transaction: once anything is gone, readers know the data
    before its cutoff are incomplete, and a prune that removes nothing records nothing.

    Comments are expected before the articles they are about (aggregate.prunable_ids gives
    them so), so a stop part way leaves no comment without its article; and an article that a
    comment outside the chunk is about, one that came in meanwhile, stays. `doc_ids` is read
    a chunk at a time: it may be a stream that reads the database as it goes.
    """
    documents = schema.documents
    comment = documents.alias("comment")
    gone = 0
    for chunk in _chunks(doc_ids):
        with transaction(engine, "delete documents") as conn:
            if record is not None:
                now = schema.utcnow()  # one moment for the run's rows: they read as one prune
                conn.execute(
                    insert(schema.prunes),
                    [
                        {"cut_before": record.cut_before, "source": source,
                         "documents": record.documents, "pruned_at": now}
                        for source in (record.sources or (None,))
                    ],
                )  # fmt: skip
                record = None
            held = exists().where(
                comment.c.parent_id == documents.c.doc_id, comment.c.doc_id.not_in(chunk)
            )
            going = list(
                conn.execute(
                    select(documents.c.doc_id).where(documents.c.doc_id.in_(chunk), ~held)
                ).scalars()
            )
            if going:
                for table in DOCUMENT_ROWS:
                    conn.execute(delete(table).where(table.c.doc_id.in_(going)))
                deleted = delete(documents).where(documents.c.doc_id.in_(going))
                gone += conn.execute(deleted).rowcount
        if progress is not None:
            progress(gone)
    return gone


@dataclass(frozen=True)
class PruneRecord:
    """A prune's cutoff, the sources it was limited to (none: every source) and how many
    documents it found to remove; `delete_documents` stores it with its first deletions."""

    cut_before: datetime
    sources: tuple[str, ...]
    documents: int


def forget_prunes(engine: Engine, sources: Sequence[str] = ()) -> int:
    """Forget the recorded prunes (of `sources` only, when given), so comparisons look back past
    their cutoffs again; returns how many records went."""
    table = schema.prunes
    query = delete(table)
    if sources:
        query = query.where(table.c.source.in_(list(sources)))
    with transaction(engine, "forget prunes") as conn:
        return int(conn.execute(query).rowcount)


def delete_orphan_rows(engine: Engine) -> int:
    """Delete the scores, aspect scores, company tags and terms whose document is gone (a
    scoring pass beside a prune can write them for a document being removed); returns how
    many rows went."""
    documents = schema.documents
    gone = 0
    with transaction(engine, "delete the rows of removed documents") as conn:
        for table in DOCUMENT_ROWS:
            orphan = ~exists().where(documents.c.doc_id == table.c.doc_id)
            gone += conn.execute(delete(table).where(orphan)).rowcount
    return gone


def start_run(engine: Engine, source: str, process: int | None = None) -> int:
    """Record a run of `source` (its label, cut to RUN_LABEL_CHARS) as running; returns its id.
    With `process` (a `minsim run`'s record, minsim.presence), it is recorded as that process's
    run under way in the same transaction, so no start of another process finds it unowned."""
    with transaction(engine, "start a run") as conn:
        result = conn.execute(
            schema.runs.insert().values(
                source=source[:RUN_LABEL_CHARS],
                started_at=schema.utcnow(),
                status="running",
                counters="{}",
            )
        )
        run_id = int(result.inserted_primary_key[0])
        if process is not None:
            table = schema.schedulers
            conn.execute(update(table).where(table.c.id == process).values(current_run=run_id))
        return run_id


def finish_run(
    engine: Engine, run_id: int, status: str, counters: Mapping[str, int], error: str | None
) -> None:
    """Record how a run ended; the tables it wrote into have changed, so refresh statistics."""
    with transaction(engine, "finish a run") as conn:
        conn.execute(
            update(schema.runs)
            .where(schema.runs.c.id == run_id)
            .values(
                finished_at=schema.utcnow(),
                status=status,
                counters=json.dumps(dict(counters), ensure_ascii=False, sort_keys=True),
                error=error,
            )
        )
        # no longer under way in the process that ran it (writers migrate in full: the
        # table is there)
        table = schema.schedulers
        conn.execute(update(table).where(table.c.current_run == run_id).values(current_run=None))
    db.refresh_statistics(engine)


def close_interrupted_runs(
    engine: Engine, error: str = INTERRUPTED_RUN, *, spare: Sequence[int] = ()
) -> int:
    """Mark runs still `running` as failed (their process was killed), with `error` and the
    time they were closed, not when they stopped (which nobody saw); returns how many. The runs
    in `spare` (under way in another running process) are left alone."""
    with transaction(engine, "close interrupted runs") as conn:
        return interrupt_runs(conn, schema.runs.c.id.not_in(list(spare)), error=error)


def interrupt_runs(
    conn: Connection, *which: ColumnElement[bool], error: str = INTERRUPTED_RUN
) -> int:
    """In a transaction under way: close the runs still `running` that match `which` as
    failed with `error`, as of now; returns how many."""
    table = schema.runs
    result = conn.execute(
        update(table)
        .where(table.c.status == "running", *which)
        .values(finished_at=schema.utcnow(), status="failed", error=error)
    )
    return result.rowcount or 0


def get_cursor(engine: Engine, source: str) -> str | None:
    with transaction(engine, "read a cursor") as conn:
        return conn.execute(
            select(schema.cursors.c.position).where(schema.cursors.c.source == source)
        ).scalar_one_or_none()


def set_cursor(engine: Engine, source: str, position: str) -> None:
    row = {"source": source, "position": position, "updated_at": schema.utcnow()}
    with transaction(engine, "save a cursor") as conn:
        upsert(conn, schema.cursors, [row], ["source"], ["position", "updated_at"])


def record_brief(engine: Engine, at: time, due: datetime) -> None:
    """Record that the scheduled brief of time of day `at`, due at `due`, was delivered,
    unless a later one of that time of day is recorded (a brief caught up late)."""
    table = schema.briefs
    row = {"time_of_day": f"{at:%H:%M}", "due": due, "delivered_at": schema.utcnow()}
    with transaction(engine, "record the brief") as conn:
        # one statement: two writers cannot both read the old row and the earlier one win
        upsert(conn, table, [row], ["time_of_day"], ["due", "delivered_at"],
               only_if=lambda new: table.c.due <= new.due)  # fmt: skip


def last_briefs(engine: Engine) -> dict[str, datetime]:
    """The time each time of day's last scheduled brief was due ('08:00' -> aware UTC), by
    time of day; empty for a database from before the record."""
    if not db.has_brief_record(engine):
        return {}
    query = select(schema.briefs.c.time_of_day, schema.briefs.c.due)
    with transaction(engine, "read the briefs delivered") as conn:
        return {at: due for at, due in conn.execute(query.order_by(schema.briefs.c.time_of_day))}


def save_scenario(engine: Engine, scenario: Any, *, prune: bool = False) -> list[Event]:
    """Store the scenario's companies, aspect labels and events (names and chart annotations).

    Returns the events stored from the scenario's events.toml before that the file no longer
    lists (retitled, moved or taken out). With `prune` (what `minsim init` asks for, where a
    person reads what it says) they are also taken off the timeline; every other command only
    reports them, so a stale copy of the file stored by a collector cannot delete anything.
    Events added by hand, of another scenario or stored before origins were recorded are never
    taken off this way; one the file now lists becomes the file's.
    """
    companies = [
        {"id": c.id, "name": c.name, "aliases": json.dumps(list(c.aliases), ensure_ascii=False)}
        for c in scenario.companies
    ]
    aspects = [{"id": a.id, "label": a.label} for a in scenario.aspects]
    origin = scenario_origin(scenario.name)
    events = [
        {"at": e.at, "company": e.company, "title": e.title, "origin": origin}
        for e in scenario.events
    ]
    with transaction(engine, "store the scenario") as conn:
        upsert(conn, schema.companies, companies, ["id"], ["name", "aliases"])
        upsert(conn, schema.aspects, aspects, ["id"], ["label"])
        upsert(conn, schema.events, events, ["at", "company", "title"], ["origin"])
        return _events_left_out(conn, origin, scenario.events, prune=prune)


def _events_left_out(
    conn: Connection, origin: str, listed: Sequence[Event], *, prune: bool
) -> list[Event]:
    """The events stored from a scenario file that the file no longer lists, deleted when
    `prune`."""
    table = schema.events
    wanted = {event_key(e) for e in listed}
    stored = conn.execute(
        select(table.c.id, table.c.at, table.c.company, table.c.title)
        .where(table.c.origin == origin)
        .order_by(table.c.at, table.c.id)
    ).all()
    gone = [row for row in stored if event_key(row) not in wanted]
    if gone and prune:
        conn.execute(delete(table).where(table.c.id.in_([row.id for row in gone])))
    return [Event(at=row.at, company=row.company, title=row.title) for row in gone]


def add_event(engine: Engine, at: datetime, company: str, title: str) -> None:
    """Add an event by hand (origin `added`); TimelineError for a company the database does not
    hold or an event it already holds. `title` is expected checked (timeline.check_title)."""
    table = schema.events
    with transaction(engine, "add the event") as conn:
        _check_company(conn, company)
        try:
            conn.execute(insert(table).values(at=at, company=company, title=title, origin=ADDED))
        except IntegrityError as exc:  # the unique (at, company, title) says it is there
            raise TimelineError("the timeline already holds this event") from exc


def edit_event(engine: Engine, event_id: int, at: datetime, company: str, title: str) -> None:
    """Give one event a new time, company and title. It becomes an event added by hand (origin
    `added`): whatever file it came from no longer lists it so, and `minsim init` must not take
    it off. TimelineError as for `add_event`, and when the event is no longer there."""
    table = schema.events
    with transaction(engine, "edit the event") as conn:
        _check_company(conn, company)
        values = {"at": at, "company": company, "title": title, "origin": ADDED}
        try:
            edited = conn.execute(update(table).where(table.c.id == event_id).values(values))
        except IntegrityError as exc:
            raise TimelineError("the timeline already holds this event") from exc
    if not edited.rowcount:
        raise TimelineError("the event was removed meanwhile; list the events again")


def _check_company(conn: Connection, company: str) -> None:
    known = conn.execute(select(schema.companies.c.id)).scalars().all()
    if company not in known:
        raise TimelineError(
            f"unknown company {company}; known: {', '.join(sorted(known)) or 'none'}"
        )


def remove_event(engine: Engine, event_id: int) -> None:
    """Take one event off the timeline; TimelineError when it is no longer there."""
    table = schema.events
    with transaction(engine, "remove the event") as conn:
        removed = conn.execute(delete(table).where(table.c.id == event_id)).rowcount
    if not removed:
        raise TimelineError("the event was removed meanwhile; list the events again")


class transaction:
    """engine.begin() whose database errors become StoreError naming the operation (`what`,
    as in "cannot store documents")."""

    def __init__(self, engine: Engine, what: str) -> None:
        self._engine, self._what = engine, what

    def __enter__(self) -> Connection:
        try:
            self._context = self._engine.begin()
            return self._context.__enter__()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot {self._what}: {db.error_reason(exc)}") from exc

    def __exit__(self, exc_type, exc, tb) -> bool:  # noqa: ANN001
        try:
            self._context.__exit__(exc_type, exc, tb)
        except SQLAlchemyError as error:
            raise StoreError(f"cannot {self._what}: {db.error_reason(error)}") from error
        if isinstance(exc, SQLAlchemyError):
            raise StoreError(f"cannot {self._what}: {db.error_reason(exc)}") from exc
        return False
