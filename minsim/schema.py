"""The database schema (SQLAlchemy Core tables) shared by the writer and the readers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC on every backend and gives back aware UTC datetimes.

    SQLite has no time-zone type; storing naive UTC everywhere keeps comparisons and sorting the
    same on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; times must be aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),  # article | comment
    Column("source", String(100), nullable=False),
    Column("external_id", String(500), nullable=False),
    Column("parent_id", String(40)),  # a comment's article doc_id
    Column("url", Text),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("author_hash", String(64)),
    Column("published_at", UTCDateTime, nullable=False),
    Column("collected_at", UTCDateTime, nullable=False),
    Column("likes", Integer),
    Column("dislikes", Integer),
    Column("content_hash", String(64), nullable=False),
    # The run (runs.id) that stored this version of the document: new, or its content changed.
    # Empty for documents stored before migration 2.
    Column("run_id", Integer),
    Index("ix_documents_published_at", "published_at"),
    Index("ix_documents_source_published", "source", "published_at"),
    Index("ix_documents_parent_id", "parent_id"),
    # which document sources each run stored (the Sources page), read from the index alone
    Index("ix_documents_run_source", "run_id", "source"),
    # the newest collection time, which the dashboard reads every few seconds (migration 3)
    Index("ix_documents_collected_at", "collected_at"),
)

document_companies = Table(
    "document_companies",
    metadata,
    Column("doc_id", String(40), primary_key=True),
    Column("company", String(64), primary_key=True),
    Index("ix_document_companies_company", "company"),
)

# A document's topic terms (its distinct nouns, from the scorer's tokenization), for counting
# what a period talks of. Keyed by document, not scorer version: they follow the text, and
# scoring a document again writes them again (migration 4).
document_terms = Table(
    "document_terms",
    metadata,
    Column("doc_id", String(40), primary_key=True),
    Column("term", String(100), primary_key=True),
)

scores = Table(
    "scores",
    metadata,
    Column("doc_id", String(40), primary_key=True),
    Column("scorer_version", String(32), primary_key=True),
    Column("compound", Float, nullable=False),  # in [-1, 1]
    Column("label", String(3), nullable=False),  # pos | neg | neu
    Column("pos", Float, nullable=False),
    Column("neg", Float, nullable=False),
    Column("neu", Float, nullable=False),
    Column("hits", Text, nullable=False),  # JSON: the lexicon hits and rules behind the score
    Column("scored_at", UTCDateTime, nullable=False),
    Index("ix_scores_version", "scorer_version"),
    # the newest scoring time, read with the newest collection time (migration 3)
    Index("ix_scores_scored_at", "scored_at"),
)

aspect_scores = Table(
    "aspect_scores",
    metadata,
    Column("doc_id", String(40), primary_key=True),
    Column("scorer_version", String(32), primary_key=True),
    Column("aspect", String(64), primary_key=True),
    Column("compound", Float, nullable=False),
    Column("label", String(3), nullable=False),
    Column("inherited", Boolean, nullable=False),
    Index("ix_aspect_scores_version_aspect", "scorer_version", "aspect"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", String(16), nullable=False),  # running | ok | failed
    Column("counters", Text, nullable=False),  # JSON {"fetched": n, "new": n, ...}
    Column("error", Text),
    Index("ix_runs_source_started", "source", "started_at"),
)

cursors = Table(
    "cursors",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("position", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("company", String(64), nullable=False),
    Column("title", Text, nullable=False),
    # Where the event came from: "scenario:<name>" for a scenario's events.toml, "added" for
    # `minsim events add`, NULL for events stored before migration 5 recorded it.
    Column("origin", String(80), nullable=True),
    UniqueConstraint("at", "company", "title", name="uq_events_at_company_title"),
)

# One row per `minsim prune --yes` and source it was limited to (source NULL: every source):
# documents published before `cut_before` were removed (`documents`: how many it found to
# remove), so a comparison with earlier time (a surge's day before, the period before, an
# event's hours before) must stop there.
prunes = Table(
    "prunes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cut_before", UTCDateTime, nullable=False),
    Column("source", String(100), nullable=True),
    Column("documents", Integer, nullable=False),
    Column("pruned_at", UTCDateTime, nullable=False),
)

# One row per time of day of `[brief] at`: the last scheduled brief `minsim run` delivered at
# that time (`due`: the time it was due, the end of its period), so one that fell due while
# collecting was stopped is owed, and written, when it starts again.
briefs = Table(
    "briefs",
    metadata,
    Column("time_of_day", String(5), primary_key=True),  # "08:00", KST
    Column("due", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=False),
)

# Each `minsim run` process: when it started, the sources it collects, and its heartbeat, so
# readers can tell which configured sources no running process collects (minsim.presence).
schedulers = Table(
    "schedulers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    # The boot and process namespace the pid belongs to: only there does the pid say anything.
    Column("instance", String(100), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("stopped_at", UTCDateTime),
    Column("sources", Text, nullable=False),  # JSON list of source names, [] writing briefs only
    Column("current_run", Integer),  # runs.id of its run under way
    Index("ix_schedulers_seen", "seen_at"),
)

companies = Table(
    "companies",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list
)

aspects = Table(
    "aspects",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("label", Text, nullable=False),
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)


def utcnow() -> datetime:
    """The current time, aware, in UTC (the only clock the store uses)."""
    return datetime.now(UTC)
