"""Connections, numbered migrations and SQLite's planner statistics, shared by the writer and
the readers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from minsim import schema
from minsim.errors import StoreError
from minsim.settings import Settings, mask_url

log = logging.getLogger(__name__)

# Writers wait this long for a lock before SQLite gives up (one writer, many readers).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# A database that does not answer within this many seconds is reported as unreachable.
CONNECT_TIMEOUT_SECONDS = 5
# SQLite's planner statistics are retaken when a table's row count has moved by more than this
# factor since they were taken: often enough for a growing database, seldom enough to cost
# little (a full ANALYZE of 500,000 documents and their scores took 3 s here). A sampled
# ANALYZE (analysis_limit) is no cheaper in effect: past its sample it told the planner that a
# scorer version holds 1,000 scores, and the Words page's query took 6.5 s instead of 0.5 s.
STATISTICS_STALE_FACTOR = 1.1
STATISTICS_TABLES = (schema.documents, schema.scores, schema.aspect_scores)


class DatabaseMissing(StoreError):
    """A SQLite file that should already exist does not (nothing was created in its place)."""


def error_reason(exc: Exception) -> str:
    """The first line of what the database driver said (SQLAlchemy wraps it with the SQL and a
    link to its docs, which a user does not need)."""
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def engine_for(settings: Settings, *, create: bool = True) -> Engine:
    return open_engine(settings.database.url, create=create)


def open_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for `url`, checked by connecting once. Raises StoreError naming the masked URL.

    With `create=False` a missing SQLite file raises DatabaseMissing instead of being created
    (with its folders) by the first connection: readers must not leave empty databases behind.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"database URL {mask_url(url)!r} is not valid: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(url, parsed.database, create=create)
    elif backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(
            parsed,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
            pool_pre_ping=True,
        )
    else:
        raise StoreError(
            f"database URL {mask_url(url)!r}: unsupported backend {backend!r} "
            "(use sqlite:///path or postgresql://user@host/db)"
        )
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = error_reason(exc)
        raise StoreError(f"cannot reach the database at {mask_url(url)}: {reason}") from exc
    return engine


def _sqlite_engine(url: str, database: str | None, *, create: bool) -> Engine:
    # In-memory databases and `file:` URIs (which carry their own open mode) have no plain path.
    plain_file = database and database != ":memory:" and not database.startswith("file:")
    path = Path(database) if database and plain_file else None
    if path is not None and not create and not path.exists():
        raise DatabaseMissing(f"database file {path} does not exist")
    if path is not None and create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {database}: {exc.strerror}") from exc
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API object)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _migration_1(conn: Connection) -> None:
    """Create the first set of tables (documents, scores, runs, ...)."""
    first = [
        schema.documents,
        schema.document_companies,
        schema.scores,
        schema.aspect_scores,
        schema.runs,
        schema.cursors,
        schema.events,
        schema.companies,
        schema.aspects,
    ]
    schema.metadata.create_all(conn, tables=first)


def _migration_2(conn: Connection) -> None:
    """Record on each document the run that stored it (documents.run_id, indexed)."""
    # A database created at version 2 or later got the column from migration 1.
    if "run_id" not in {c["name"] for c in inspect(conn).get_columns("documents")}:
        conn.execute(text("ALTER TABLE documents ADD COLUMN run_id INTEGER"))
    index = next(i for i in schema.documents.indexes if i.name == "ix_documents_run_source")
    index.create(conn, checkfirst=True)


def _migration_3(conn: Connection) -> None:
    """Index the newest collection and scoring times, which the live dashboard reads often."""
    for table, name in (
        (schema.documents, "ix_documents_collected_at"),
        (schema.scores, "ix_scores_scored_at"),
    ):
        next(i for i in table.indexes if i.name == name).create(conn, checkfirst=True)


def _migration_4(conn: Connection) -> None:
    """Add the table of each document's topic terms, filled as documents are scored."""
    schema.document_terms.create(conn, checkfirst=True)


def _migration_5(conn: Connection) -> None:
    """Record where each event came from (events.origin), so the events of a scenario file
    follow the file and events added by hand are kept apart."""
    # A database created at version 5 or later got the column from migration 1.
    if "origin" not in {c["name"] for c in inspect(conn).get_columns("events")}:
        conn.execute(text("ALTER TABLE events ADD COLUMN origin VARCHAR(80)"))


def _migration_6(conn: Connection) -> None:
    """Record what `minsim prune` removed, so comparisons with earlier time stop at its cutoff."""
    schema.prunes.create(conn, checkfirst=True)


def _migration_7(conn: Connection) -> None:
    """Record the last scheduled brief delivered at each time of day, so one missed while
    `minsim run` was stopped is known to be owed."""
    schema.briefs.create(conn, checkfirst=True)


def _migration_8(conn: Connection) -> None:
    """Record each `minsim run` process and what it collects, with a heartbeat, so a source
    no running process collects is named."""
    schema.schedulers.create(conn, checkfirst=True)


# Numbered, append-only. A later migration must change tables step by step (ALTER ...), because
# migration 1 creates tables from their current definitions only on a brand-new database.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "create documents, scores, runs, cursors, events, companies, aspects", _migration_1),
    (2, "documents.run_id: the run that stored each document", _migration_2),
    (3, "index documents.collected_at and scores.scored_at", _migration_3),
    (4, "document_terms: each document's topic terms", _migration_4),
    (5, "events.origin: the scenario file or the command that added each event", _migration_5),
    (6, "prunes: the cutoffs of minsim prune", _migration_6),
    (7, "briefs: the last scheduled brief of each time of day", _migration_7),
    (8, "schedulers: each minsim run process, its sources and its heartbeat", _migration_8),
)
# Readers (the dashboard, `minsim status`, `surges`, `brief` ...) work on a database at this
# version or later: migration 3 only adds indexes, which make reading faster, not possible, and
# migration 4's topic terms are read only where `has_terms` says they are there, migration 5's
# event origins only where `has_origins` does, migration 6's prunes only where `has_prunes`
# does, migration 7's briefs only where `has_brief_record` does, migration 8's schedulers only
# where `has_schedulers` does. A reader of an older one asks for `minsim init`; writers always
# migrate in full.
READERS_NEED = 2
# The migration that adds document_terms.
TERMS_MIGRATION = 4
# The migration that adds events.origin (a reader of an older database reads every event as
# stored before origins were recorded).
ORIGIN_MIGRATION = 5
# The migration that adds the prunes table (a reader of an older database knows of no prune).
PRUNES_MIGRATION = 6
# The migration that adds the briefs table (a reader of an older one knows of no brief).
BRIEFS_MIGRATION = 7
# The migration that adds the schedulers table (a reader of an older one knows of none).
SCHEDULERS_MIGRATION = 8


def schema_version(engine: Engine) -> int:
    """The highest applied migration, 0 for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(schema.schema_migrations.name):
            return 0
        versions = conn.execute(select(schema.schema_migrations.c.version)).scalars().all()
    return max(versions, default=0)


def has_terms(engine: Engine) -> bool:
    """The database holds the topic-terms table (a reader of an older one leaves terms out)."""
    return schema_version(engine) >= TERMS_MIGRATION


def has_origins(engine: Engine) -> bool:
    """The events table records where each event came from (migration 5)."""
    return schema_version(engine) >= ORIGIN_MIGRATION


def has_prunes(engine: Engine) -> bool:
    """The database records the cutoffs of `minsim prune` (migration 6)."""
    return schema_version(engine) >= PRUNES_MIGRATION


def has_brief_record(engine: Engine) -> bool:
    """The database records the last scheduled brief of each time of day (migration 7)."""
    return schema_version(engine) >= BRIEFS_MIGRATION


def has_schedulers(engine: Engine) -> bool:
    """Whether the database records the `minsim run` processes (migration 8)."""
    return schema_version(engine) >= SCHEDULERS_MIGRATION


def migrate(engine: Engine) -> list[int]:
    """Apply the missing migrations, each in its own transaction; returns their numbers."""
    applied: list[int] = []
    try:
        with engine.begin() as conn:
            schema.schema_migrations.create(conn, checkfirst=True)
        current = schema_version(engine)
        for version, description, apply in MIGRATIONS:
            if version <= current:
                continue
            with engine.begin() as conn:
                apply(conn)
                conn.execute(
                    schema.schema_migrations.insert().values(
                        version=version, description=description, applied_at=schema.utcnow()
                    )
                )
            log.info("applied migration %d: %s", version, description)
            applied.append(version)
    except OperationalError as exc:
        raise StoreError(f"cannot migrate the database: {exc.orig}") from exc
    return applied


def refresh_statistics(engine: Engine) -> None:
    """Retake SQLite's query-planner statistics when they are missing or stale (PostgreSQL's
    autovacuum keeps its own). Without them SQLite starts a time-window query from every score
    of a version instead of from the documents in the window: three times slower on the demo.
    Best effort: statistics only speed reads up, so a locked or read-only database is logged,
    never raised, and a run that stored its documents stays a good run."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.begin() as conn:
            if _statistics_stale(conn):
                conn.exec_driver_sql("ANALYZE")
    except SQLAlchemyError as exc:
        log.warning("cannot refresh planner statistics: %s", error_reason(exc))


def _statistics_stale(conn: Connection) -> bool:
    """True when a table has rows but no statistics, or its row count has moved by more than
    STATISTICS_STALE_FACTOR since they were taken."""
    recorded: dict[str, int] = {}
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for table, stat in conn.exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1"):
            recorded.setdefault(table, int(str(stat).split()[0]))
    for table in STATISTICS_TABLES:
        rows = conn.execute(select(func.count()).select_from(table)).scalar_one()
        taken = recorded.get(table.name, 0)
        if rows and not taken / STATISTICS_STALE_FACTOR <= rows <= taken * STATISTICS_STALE_FACTOR:
            return True
    return False
