"""The scheduler as a real process: it collects on intervals, stops on SIGTERM, and survives
being killed mid-run without losing or duplicating anything."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from minsim import schema
from minsim.scheduler import PROGRESS_SECONDS, ScoringProgress

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "seeds" / "kakao-2022" / "demo"
ARTICLES_KEPT = 6
# Generous bounds for a loaded 2-core machine; the loops end as soon as the condition holds.
WAIT_SECONDS = 180
POLL_SECONDS = 0.05
# Kills tried until one lands while a run is going (runs of the small corpus are short).
KILL_ATTEMPTS = 10

pytestmark = pytest.mark.slow


def _small_corpus(folder: Path) -> int:
    """The first articles of the demo corpus and their comments; returns the number of rows."""
    folder.mkdir()
    articles = [
        json.loads(line)
        for line in (DEMO / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    articles.sort(key=lambda row: row["published_at"])
    kept = articles[:ARTICLES_KEPT]
    urls = {row["url"] for row in kept}
    comments = [
        line
        for line in (DEMO / "comments.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["article_url"] in urls
    ]
    (folder / "articles.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in kept), encoding="utf-8"
    )
    (folder / "comments.jsonl").write_text("\n".join(comments) + "\n", encoding="utf-8")
    return len(kept) + len(comments)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, int]:
    corpus = _small_corpus(tmp_path / "corpus")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.jsonl").write_text(
        json.dumps(
            {
                "kind": "comment",
                "source": "inbox",
                "external_id": "x1",
                "text": "보상안이 생각보다 괜찮네요",
                "published_at": "2022-11-10T10:00:00+09:00",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    config = tmp_path / "minsim.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/minsim.db"\n'
        f'[scenario]\npath = "{REPO / "seeds" / "kakao-2022"}"\n'
        '[[sources]]\nname = "replay"\nkind = "replay"\ninterval = "1s"\n'
        f'demo_dir = "{tmp_path / "corpus"}"\nhours_per_run = 6.0\n'
        '[[sources]]\nname = "inbox"\nkind = "file"\ninterval = "1s"\n'
        f'folder = "{inbox}"\n',
        encoding="utf-8",
    )
    return config, tmp_path / "minsim.db", corpus


def _start(config: Path, cwd: Path, *names: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "minsim", "--config", str(config), "run", *names],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "MINSIM_SALT": "test-salt"},
    )


def _query(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    except Exception:  # the schema may not exist yet while the process starts
        return []
    finally:
        engine.dispose()


def _execute(db: Path, sql: str) -> None:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _wait_for(condition, process: subprocess.Popen[str]) -> None:  # noqa: ANN001
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"scheduler exited early:\n{process.stdout.read()}")  # type: ignore[union-attr]
        time.sleep(POLL_SECONDS)
    process.kill()
    pytest.fail(f"condition not met in {WAIT_SECONDS}s:\n{process.stdout.read()}")  # type: ignore[union-attr]


def _finished_runs(db: Path, source: str) -> int:
    rows = _query(db, f"select count(*) from runs where source = '{source}' and status = 'ok'")
    return rows[0][0] if rows else 0


def test_runs_sources_on_their_interval_and_stops_on_sigterm(
    setup: tuple[Path, Path, int], tmp_path: Path
) -> None:
    config, db, _ = setup
    process = _start(config, tmp_path)
    _wait_for(
        lambda: _finished_runs(db, "replay") >= 3 and _finished_runs(db, "inbox") >= 2, process
    )
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, output
    assert "stopped" in output
    assert "replay: ok" in output
    inbox_new = _query(db, "select counters from runs where source = 'inbox' order by id")
    news = [json.loads(counters).get("new", 0) for (counters,) in inbox_new]
    assert news[0] == 1 and sum(news) == 1  # the dropped file is imported once, not every second
    assert _query(db, "select count(*) from runs where status = 'running'") == [(0,)]


def test_a_killed_scheduler_loses_nothing_and_resumes(
    setup: tuple[Path, Path, int], tmp_path: Path
) -> None:
    config, db, corpus = setup
    for _ in range(KILL_ATTEMPTS):
        process = _start(config, tmp_path)
        _wait_for(
            lambda: (
                _query(db, "select count(*) from runs where status = 'running'") == [(1,)]
                and _finished_runs(db, "replay") >= 1
            ),
            process,
        )
        process.kill()  # SIGKILL: no chance to close the run
        process.communicate(timeout=WAIT_SECONDS)
        # a run can end between the look and the kill; only a kill mid-run tests the recovery
        if _query(db, "select count(*) from runs where status = 'running'") == [(1,)]:
            break
    else:
        pytest.fail(f"none of {KILL_ATTEMPTS} kills landed while a run was going")
    stored_before = _query(db, "select count(*) from documents")[0][0]
    assert _query(db, "pragma integrity_check") == [("ok",)]

    process = _start(config, tmp_path)
    _wait_for(
        lambda: (
            _query(db, "select count(*) from runs where counters like '%replay/finished%'")
            != [(0,)]
        ),
        process,
    )
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=WAIT_SECONDS)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        documents = conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
        interrupted = conn.execute(
            select(func.count())
            .select_from(schema.runs)
            .where(schema.runs.c.error.like("interrupted%"), schema.runs.c.status == "failed")
        ).scalar_one()
        unscored = conn.execute(
            select(func.count())
            .select_from(schema.documents)
            .where(~schema.documents.c.doc_id.in_(select(schema.scores.c.doc_id)))
        ).scalar_one()
    engine.dispose()
    assert stored_before >= 1
    assert interrupted == 1
    assert documents == corpus + 1  # every replayed row and the inbox file, each once
    assert unscored == 0


OLDER_VERSION = "lx-an-older-scorer"


def _minsim(config: Path, cwd: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "minsim", "--config", str(config), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        env={**os.environ, "MINSIM_SALT": "test-salt"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_start_up_scores_only_what_lacks_a_current_score_and_says_why(
    setup: tuple[Path, Path, int], tmp_path: Path
) -> None:
    config, db, corpus = setup
    _minsim(config, tmp_path, "init")
    folder = tmp_path / "corpus"
    _minsim(
        config, tmp_path, "import", str(folder / "articles.jsonl"), str(folder / "comments.jsonl")
    )
    comments = corpus - ARTICLES_KEPT
    for table in ("scores", "aspect_scores"):  # as if the comments were scored by an older scorer
        _execute(
            db,
            f"update {table} set scorer_version = '{OLDER_VERSION}' where doc_id in "
            "(select doc_id from documents where kind = 'comment')",
        )
    articles_before = _query(db, "select doc_id, scorer_version, scored_at from scores order by 1")
    articles_before = [row for row in articles_before if row[1] != OLDER_VERSION]

    process = _start(config, tmp_path, "inbox")
    _wait_for(lambda: _finished_runs(db, "inbox") >= 1, process)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=WAIT_SECONDS)

    assert process.returncode == 0, output
    assert (
        f"scoring {comments} document(s) without a score under the current scorer version" in output
    )
    assert f"{comments} of them have a score of an older scorer version only" in output
    assert f"scored {comments} document(s) in " in output
    assert "interrupted" not in output  # no run was interrupted, so none is blamed
    [version] = {row[1] for row in articles_before}
    scored_now = _query(db, f"select count(*) from scores where scorer_version = '{version}'")
    assert scored_now == [(corpus + 1,)]  # every document, and the inbox comment, scored once
    articles_after = _query(
        db,
        "select doc_id, scorer_version, scored_at from scores where doc_id in "
        "(select doc_id from documents where kind = 'article') "
        f"and scorer_version = '{version}' order by 1",
    )
    assert articles_after == articles_before  # what had a current score was left alone


def test_scoring_progress_is_logged_at_most_every_few_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    progress = ScoringProgress(lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="minsim.scheduler"):
        for done in (500, 1000, 1500, 2000):
            now[0] += PROGRESS_SECONDS / 2
            progress(done, 2000)
    # the last batch is not a progress line: score_unscored logs the total when done
    assert [r.getMessage() for r in caplog.records] == ["scored 1000 of 2000 document(s) (50%)"]
    assert progress.elapsed() == 2 * PROGRESS_SECONDS
