"""Seconds the topic-term readings take on a large synthetic database (never run by tests).

    .venv/bin/python bench/topics.py [--docs 200000] [--terms-per-doc 15] [--days 30]

Builds, in a temporary SQLite file, comments about one company spread evenly over `--days`, each
scored and naming `--terms-per-doc` terms drawn from a Zipf-like vocabulary of 5,000 words
(a few named everywhere, most rarely), then times what the dashboard and `minsim run` read:
the Topics table over the whole span and over the last week (against the week before),
the trend of five terms by day and by hour, and the watched words' surges over `minsim run`'s
two days and over the whole span. Each reading runs three times; the best is reported, as a
cold cache only adds noise on a shared machine. Prints figures only, never passes or fails.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402
from sqlalchemy import Engine, insert, text  # noqa: E402

from minsim import aggregate, schema  # noqa: E402
from minsim.aggregate.watched import watched_surges  # noqa: E402
from minsim.db import migrate, open_engine  # noqa: E402

VERSION = "bench-topics"
VOCABULARY = 5_000
# Rows handed to the database per INSERT: big enough to be fast, small enough for its limits.
BATCH = 20_000
ROUNDS = 3
START = datetime(2022, 10, 1, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--terms-per-doc", type=int, default=15)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(f"sqlite:///{Path(folder) / 'topics.db'}")
        migrate(engine)
        built = _timed_once(lambda: fill_comments(engine, args.docs, args.terms_per_doc, args.days))
        report = {"docs": args.docs, "build_s": built, **_term_rows(engine),
                  **_readings(engine, args.days)}  # fmt: skip
        engine.dispose()
    for key, value in report.items():
        print(f"{key:>28}: {value}")
    emit(report, args.json)
    return 0


def _term_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {"term_rows": conn.execute(text("SELECT count(*) FROM document_terms")).scalar_one()}


def fill_comments(engine: Engine, docs: int, terms_per_doc: int, days: int) -> None:
    """`docs` scored comments about one company, evenly over `days` from START, each naming
    `terms_per_doc` terms of the Zipf-like vocabulary (a fixed seed: the same every run)."""
    rng = random.Random(7)
    words = [f"말{n:04d}" for n in range(VOCABULARY)]
    # Zipf-like: the n-th word is named about 1/n as often as the first.
    weights = [1 / (n + 1) for n in range(VOCABULARY)]
    step = timedelta(days=days) / docs
    with engine.begin() as conn:
        conn.execute(insert(schema.companies), [{"id": "bench", "name": "벤치", "aliases": "[]"}])
    for first in range(0, docs, BATCH):
        documents, tags, scores, terms = [], [], [], []
        for n in range(first, min(first + BATCH, docs)):
            doc_id = f"b{n:07d}"
            at = START + n * step
            compound = rng.uniform(-1, 1)
            documents.append({
                "doc_id": doc_id, "kind": "comment", "source": "bench", "external_id": doc_id,
                "parent_id": None, "url": None, "title": None, "text": "벤치 댓글",
                "author_hash": None, "published_at": at, "collected_at": at, "likes": 0,
                "dislikes": 0, "content_hash": doc_id, "run_id": None,
            })  # fmt: skip
            tags.append({"doc_id": doc_id, "company": "bench"})
            scores.append({
                "doc_id": doc_id, "scorer_version": VERSION, "compound": compound,
                "label": "pos" if compound > 0.05 else "neg" if compound < -0.05 else "neu",
                "pos": 0.0, "neg": 0.0, "neu": 1.0, "hits": "", "scored_at": at,
            })  # fmt: skip
            named = set(rng.choices(words, weights, k=terms_per_doc))
            terms += [{"doc_id": doc_id, "term": term} for term in named]
        with engine.begin() as conn:
            conn.execute(insert(schema.documents), documents)
            conn.execute(insert(schema.document_companies), tags)
            conn.execute(insert(schema.scores), scores)
            conn.execute(insert(schema.document_terms), terms)


def _readings(engine: Engine, days: int) -> dict[str, float]:
    end = START + timedelta(days=days)
    whole = aggregate.Filters(companies=("bench",))
    week = aggregate.Filters(companies=("bench",), start=end - timedelta(days=7), end=end)
    run_check = aggregate.Filters(start=end - timedelta(days=2))
    five = ["말0000", "말0003", "말0010", "말0100", "말1000"]
    readings: dict[str, Callable[[], object]] = {
        "topics_whole_span_s": lambda: aggregate.term_table(engine, whole, version=VERSION),
        "topics_last_week_s": lambda: aggregate.term_table(engine, week, version=VERSION),
        "trend_5_terms_by_day_s": lambda: aggregate.term_trend(
            engine, whole, five, bucket="day", version=VERSION
        ),
        "trend_5_terms_by_hour_s": lambda: aggregate.term_trend(
            engine, whole, five, bucket="hour", version=VERSION
        ),
        "watched_5_words_run_check_s": lambda: watched_surges(
            engine, run_check, tuple(five), version=VERSION
        ),
        "watched_5_words_whole_span_s": lambda: watched_surges(
            engine, whole, tuple(five), version=VERSION
        ),
    }
    return {name: min(_timed_once(read) for _ in range(ROUNDS)) for name, read in readings.items()}


def _timed_once(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return round(time.perf_counter() - began, 3)


if __name__ == "__main__":
    raise SystemExit(main())
