"""Telling of a source whose runs keep failing, and of its recovery: the streak read from real
databases, the log and a webhook on 127.0.0.1, and `minsim run` doing it as a real process."""

from __future__ import annotations

import json
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import collecting_config, start_run
from httpserver import LocalServer, Reply
from sqlalchemy import Engine, create_engine, func, insert, select

import collectors.redact
from collectors.http import RetryPolicy, add_secret
from minsim import aggregate, schema, store
from minsim.aggregate import FailureStreak
from minsim.failure_watch import ERROR_CHARS, FAILED_RUNS_TO_TELL, FailureWatch
from minsim.pipeline import RunResult
from minsim.webhook import WebhookSender

FAST = RetryPolicy(attempts=2, backoff_base=0.01, backoff_max=0.01, jitter=0.0)
HOOK_PATH = "/services/T01/B02/failure-hook-7d1e"
START = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # 10:00 KST
WAIT_SECONDS = 180


def _add_runs(
    engine: Engine, source: str, statuses: list[str], start: datetime = START
) -> list[RunResult]:
    """Runs of `source` a minute apart from `start`: ok, failed, failed with no error, killed
    (closed at the next start) or stopped (by Ctrl+C); each as the pipeline reports it."""
    errors = {"ok": None, "failed": "HTTP 500 from news.test", "failed without error": None,
              "killed": store.INTERRUPTED_RUN, "stopped": store.STOPPED_RUN}  # fmt: skip
    results = []
    with engine.begin() as conn:
        for i, status in enumerate(statuses):
            at = start + timedelta(minutes=i)
            stored = "ok" if status == "ok" else "failed"
            row = {"source": source, "started_at": at, "finished_at": at, "counters": "{}",
                   "status": stored, "error": errors[status]}  # fmt: skip
            run_id = conn.execute(insert(schema.runs).values(row)).inserted_primary_key[0]
            results.append(RunResult(source, run_id, stored, {}, errors[status]))
    return results


def test_a_failure_streak_counts_the_failed_runs_since_the_last_good_one(engine: Engine) -> None:
    runs = _add_runs(engine, "feed", ["failed", "ok", "failed without error", "killed", "stopped",
                                      "failed"])  # fmt: skip
    _add_runs(engine, "never-good", ["failed", "failed"])
    fine = _add_runs(engine, "fine", ["failed", "ok"])
    # runs that failed for their process's end neither count nor end the streak
    ok = runs[1].run_id
    streak = aggregate.failure_streak(engine, "feed")
    assert streak == FailureStreak(ok, 2, START + timedelta(minutes=2))
    assert aggregate.failure_streak(engine, "never-good") == FailureStreak(0, 2, START)
    assert aggregate.failure_streak(engine, "fine") is None
    assert aggregate.failure_streak(engine, "unknown") is None
    # the streak a good run ended: the failed runs between it and the good run before it
    ended = aggregate.failure_streak(engine, "fine", before=fine[1].run_id)
    assert ended == FailureStreak(0, 1, START)
    assert aggregate.failure_streak(engine, "feed", before=ok) == FailureStreak(0, 1, START)


def _posts(server: LocalServer) -> list[dict]:
    return [json.loads(r.body) for r in server.requests if r.method == "POST"]


def test_a_streak_is_told_once_when_it_reaches_the_count_and_again_at_recovery(
    engine: Engine, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    caplog.set_level(logging.WARNING, logger="minsim.failure_watch")
    sender = WebhookSender(server.url(HOOK_PATH), "surge webhook", FAST)
    watch = FailureWatch(engine, sender)
    told = []
    for minute in range(1, FAILED_RUNS_TO_TELL + 2):  # one run past the count
        [failed] = _add_runs(engine, "feed", ["failed"], START + timedelta(minutes=minute))
        told.append(watch.after_run(failed))
    assert told[: FAILED_RUNS_TO_TELL - 1] == [None] * (FAILED_RUNS_TO_TELL - 1)
    failing = told[FAILED_RUNS_TO_TELL - 1]
    assert failing == (
        f"feed: {FAILED_RUNS_TO_TELL} runs in a row failed since 2026-12-08 10:01 KST; "
        "last error: HTTP 500 from news.test"
    )
    assert told[-1] is None  # the same streak: told once
    [ok] = _add_runs(engine, "feed", ["ok"], START + timedelta(hours=1))
    recovered = watch.after_run(ok)
    assert recovered == "feed: collects again, after 4 failed runs since 2026-12-08 10:01 KST"
    [again] = _add_runs(engine, "feed", ["ok"], START + timedelta(hours=2))
    assert watch.after_run(again) is None  # good news is told once too
    sender.close()
    failing_post, back = _posts(server)
    assert failing_post["text"] == f"minsim failing source: {failing}"
    assert failing_post["collecting"] == {
        "source": "feed", "state": "failing", "failed_runs": 3,
        "since": "2026-12-08T01:01:00+00:00", "error": "HTTP 500 from news.test",
    }  # fmt: skip
    assert back["text"] == f"minsim source recovered: {recovered}"
    assert back["collecting"]["state"] == "recovered" and back["collecting"]["error"] is None
    assert back["collecting"]["failed_runs"] == 4
    assert f"failing source: {failing}" in caplog.text
    assert f"source recovered: {recovered}" in caplog.text


def test_a_restart_tells_a_streak_going_on_again_and_its_end(engine: Engine) -> None:
    _add_runs(engine, "feed", ["failed"] * 3)
    assert FailureWatch(engine).after_run(_add_runs(engine, "feed", ["failed"])[0]) is not None
    restarted = FailureWatch(engine)  # no webhook: the log alone
    told = restarted.after_run(_add_runs(engine, "feed", ["failed"])[0])
    assert told is not None and told.startswith("feed: 5 runs in a row failed since")
    # a process that never saw the streak still tells that it ended
    told = FailureWatch(engine).after_run(_add_runs(engine, "feed", ["ok"])[0])
    assert told == "feed: collects again, after 5 failed runs since 2026-12-08 10:00 KST"
    # a good run ends the streak; the next three failures are a new one
    new = _add_runs(engine, "feed", ["failed"] * 3, START + timedelta(minutes=7))
    told = restarted.after_run(new[-1])
    assert told is not None and "3 runs in a row failed since 2026-12-08 10:07 KST" in told


def test_a_run_that_started_earlier_and_failed_later_is_the_same_streak(engine: Engine) -> None:
    """A `minsim collect` of the source started before the scheduler's failures and ended
    failed after them: the streak's first start moves back, but it is still one streak."""
    watch = FailureWatch(engine)
    *_, third = _add_runs(engine, "feed", ["failed"] * 3, START + timedelta(minutes=1))
    assert watch.after_run(third) is not None
    [late] = _add_runs(engine, "feed", ["failed"], START - timedelta(minutes=5))
    assert watch.after_run(late) is None
    assert aggregate.failure_streak(engine, "feed").since == START - timedelta(minutes=5)  # type: ignore[union-attr]


def test_an_error_is_made_inert_short_and_secret_free_for_the_chat(
    engine: Engine, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    monkeypatch.setattr(collectors.redact, "_KNOWN_SECRETS", set())  # this test's secret only
    key = "sk-live-4be1c0ffee"
    add_secret(key)
    error = f"<!channel> PayloadError: <b>\x1b[2J&gone</b> key={key} " + "x" * 2 * ERROR_CHARS
    *_, last = _add_runs(engine, "feed", ["failed"] * FAILED_RUNS_TO_TELL)
    sender = WebhookSender(server.url(HOOK_PATH), "surge webhook", FAST)
    told = FailureWatch(engine, sender).after_run(replace(last, error=error))
    sender.close()
    [post] = _posts(server)
    text = post["text"]
    assert "&lt;!channel&gt; PayloadError: &lt;b&gt;\\x1b[2J&amp;gone&lt;/b&gt; key=***" in text
    assert "<" not in text and "\x1b" not in text and key not in json.dumps(post)
    assert told is not None and told.endswith("…")
    assert len(post["collecting"]["error"]) == ERROR_CHARS


@pytest.mark.slow
def test_minsim_run_tells_of_a_source_that_keeps_failing_and_of_its_recovery(
    server: LocalServer, tmp_path: Path
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    config = collecting_config(tmp_path, '[surges]\nwebhook_env = "CHAT_HOOK"\n')
    # A file without one good row fails every run of the inbox (every second) while it lies there.
    bad = tmp_path / "inbox" / "broken.csv"
    bad.write_text("nothing,useful\n1,2\n", encoding="utf-8")
    process = start_run(config, tmp_path, {"CHAT_HOOK": server.url(HOOK_PATH)})
    engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    deadline = time.monotonic() + WAIT_SECONDS

    def wait_until(done: Callable[[], bool]) -> None:
        while not done():
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.1)

    def good_runs() -> int:
        query = select(func.count()).select_from(schema.runs).where(schema.runs.c.status == "ok")
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    wait_until(lambda: len(_posts(server)) >= 1)
    bad.unlink()  # fixed: the next run goes well
    wait_until(lambda: len(_posts(server)) >= 2)
    wait_until(lambda: good_runs() >= 3)  # more good runs: recovery is told once
    engine.dispose()
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, output
    failing, back = _posts(server)
    assert (
        failing["collecting"]["source"] == "inbox" and failing["collecting"]["state"] == "failing"
    )
    assert failing["collecting"]["failed_runs"] == FAILED_RUNS_TO_TELL
    assert "broken.csv" in failing["collecting"]["error"]
    assert back["collecting"]["state"] == "recovered"
    assert output.count("failing source: inbox: 3 runs in a row failed since") == 1
    assert output.count("source recovered: inbox: collects again, after") == 1
    assert "failure-hook-7d1e" not in output
