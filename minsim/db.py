"""Connections and numbered migrations, shared by the writer and the readers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
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


class DatabaseMissing(StoreError):
    """A SQLite file that should already exist does not (nothing was created in its place)."""


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
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
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


# Numbered, append-only. A later migration must change tables step by step (ALTER ...), because
# migration 1 creates tables from their current definitions only on a brand-new database.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "create documents, scores, runs, cursors, events, companies, aspects", _migration_1),
    (2, "documents.run_id: the run that stored each document", _migration_2),
)


def schema_version(engine: Engine) -> int:
    """The highest applied migration, 0 for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(schema.schema_migrations.name):
            return 0
        versions = conn.execute(select(schema.schema_migrations.c.version)).scalars().all()
    return max(versions, default=0)


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
