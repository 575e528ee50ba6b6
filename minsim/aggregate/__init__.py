"""All read SQL (SQLAlchemy Core, the same on SQLite and PostgreSQL); every function only reads.

`contract` serves the CLI, the scoring pass and the collectors; `rollups`, `lookups`,
`collection` (the collection-health page), `impact` (before and after an event), `surges`
(hours in which a company's volume or negative share jumped) and `terms` (the nouns a period
talks of, and which rose) serve the dashboard and the CLI;
`sql` holds the shared filters and the KST time buckets.
"""

from minsim.aggregate.collection import (
    FailureStreak,
    collection_timeseries,
    failure_streak,
    last_ok_runs,
    recent_runs,
    run_summary,
    source_activity,
    stored_sources,
)
from minsim.aggregate.contract import (
    Prunable,
    article_aspects,
    article_urls,
    count_scored_by_older_versions_only,
    document_counts,
    documents_for_scoring,
    last_runs,
    prunable_documents,
    prunable_ids,
    unscored_doc_ids,
)
from minsim.aggregate.impact import before_after, compare_sides
from minsim.aggregate.lookups import (
    DEFAULT_DOCUMENT_LIMIT,
    aspect_labels,
    company_names,
    count_documents,
    documents_table,
    live_counts,
    newest_times,
    source_names,
    stored_events,
    stored_explanations,
    time_span,
)
from minsim.aggregate.retention import (
    Cut,
    partly_pruned,
    prune_cuts,
    prune_history,
    pruned_before,
    reaches,
)
from minsim.aggregate.rollups import (
    aspect_timeseries,
    events_between,
    latest_scorer_version,
    summary,
    timeseries,
)
from minsim.aggregate.sql import BUCKETS, IN_CHUNK, KST, Filters
from minsim.aggregate.surges import find_surges
from minsim.aggregate.terms import term_table, term_trend, with_surge_terms

__all__ = [
    "Cut",
    "partly_pruned",
    "prune_cuts",
    "prune_history",
    "pruned_before",
    "reaches",
    "Prunable",
    "prunable_documents",
    "prunable_ids",
    "BUCKETS",
    "DEFAULT_DOCUMENT_LIMIT",
    "IN_CHUNK",
    "KST",
    "Filters",
    "article_aspects",
    "article_urls",
    "aspect_labels",
    "aspect_timeseries",
    "before_after",
    "collection_timeseries",
    "company_names",
    "compare_sides",
    "count_documents",
    "document_counts",
    "documents_for_scoring",
    "documents_table",
    "events_between",
    "FailureStreak",
    "failure_streak",
    "last_ok_runs",
    "last_runs",
    "recent_runs",
    "run_summary",
    "latest_scorer_version",
    "live_counts",
    "newest_times",
    "source_activity",
    "source_names",
    "stored_events",
    "stored_explanations",
    "stored_sources",
    "summary",
    "term_table",
    "term_trend",
    "with_surge_terms",
    "find_surges",
    "time_span",
    "timeseries",
    "count_scored_by_older_versions_only",
    "unscored_doc_ids",
]
