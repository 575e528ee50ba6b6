"""Telling of a source whose runs keep failing, and of its recovery: the streak read from real
databases, the log and a webhook on 127.0.0.1, and `minsim run` doing it as a real process."""

from __future__ import annotations

import json
import logging
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import collecting_config, start_run
from httpserver import LocalServer, Reply
from sqlalchemy import Engine, insert

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


def _add_runs(engine: Engine, source: str, statuses: list[str], start: datetime = START) -> None:
    """Runs of `source` a minute apart from `start`: ok, failed, or interrupted (failed, closed
    at the next start after its process was killed)."""
    rows = []
    for i, status in enumerate(statuses):
        at = start + timedelta(minutes=i)
        error = {"ok": None, "failed": f"HTTP 500 ({i})", "interrupted": store.INTERRUPTED_RUN}
        stored = "ok" if status == "ok" else "failed"
        rows.append({"source": source, "started_at": at, "finished_at": at, "counters": "{}",
                     "status": stored, "error": error[status]})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(schema.runs), rows)


def _result(source: str, ok: bool, error: str | None = None) -> RunResult:
    return RunResult(source, None, "ok" if ok else "failed", {}, error)


def test_a_failure_streak_counts_the_failed_runs_since_the_last_good_one(engine: Engine) -> None:
    _add_runs(engine, "feed", ["failed", "ok", "failed", "interrupted", "failed"])
    _add_runs(engine, "never-good", ["failed", "failed"])
    _add_runs(engine, "fine", ["failed", "ok"])
    # the killed process's run neither counts nor ends the streak
    assert aggregate.failure_streak(engine, "feed") == FailureStreak(
        2, START + timedelta(minutes=2)
    )
    assert aggregate.failure_streak(engine, "never-good") == FailureStreak(2, START)
    assert aggregate.failure_streak(engine, "fine") is None
    assert aggregate.failure_streak(engine, "unknown") is None


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
    for runs in range(1, FAILED_RUNS_TO_TELL + 2):  # one run past the count
        _add_runs(engine, "feed", ["failed"], START + timedelta(minutes=runs))
        told.append(watch.after_run(_result("feed", False, "HTTP 503 from news.test")))
    assert told[: FAILED_RUNS_TO_TELL - 1] == [None] * (FAILED_RUNS_TO_TELL - 1)
    assert told[FAILED_RUNS_TO_TELL - 1] == (
        f"feed: {FAILED_RUNS_TO_TELL} runs in a row failed since 2026-12-08 10:01 KST; "
        "last error: HTTP 503 from news.test"
    )
    assert told[-1] is None  # the same streak: told once
    _add_runs(engine, "feed", ["ok"], START + timedelta(hours=1))
    recovered = watch.after_run(_result("feed", True))
    assert recovered == "feed: collects again, after 3 failed runs since 2026-12-08 10:01 KST"
    assert watch.after_run(_result("feed", True)) is None  # good news is told once too
    sender.close()
    failing, back = _posts(server)
    assert failing["text"] == f"minsim collecting: {told[FAILED_RUNS_TO_TELL - 1]}"
    assert failing["collecting"] == {
        "source": "feed", "state": "failing", "failed_runs": 3,
        "since": "2026-12-08T01:01:00+00:00", "error": "HTTP 503 from news.test",
    }  # fmt: skip
    assert back["collecting"]["state"] == "recovered" and back["collecting"]["error"] is None
    assert back["collecting"]["failed_runs"] == 3
    assert f"collecting: {told[FAILED_RUNS_TO_TELL - 1]}" in caplog.text
    assert f"collecting: {recovered}" in caplog.text


def test_a_new_streak_after_a_good_run_is_told_and_a_restart_tells_one_going_on(
    engine: Engine,
) -> None:
    _add_runs(engine, "feed", ["failed"] * 3)
    watch = FailureWatch(engine)  # no webhook: the log alone
    assert watch.after_run(_result("feed", False)) is not None
    restarted = FailureWatch(engine)
    _add_runs(engine, "feed", ["failed"], START + timedelta(minutes=5))
    told = restarted.after_run(_result("feed", False))
    assert told is not None and told.startswith("feed: 4 runs in a row failed since")
    # a good run ends the streak; the next three failures are a new one
    _add_runs(engine, "feed", ["ok", "failed", "failed", "failed"], START + timedelta(minutes=6))
    told = restarted.after_run(_result("feed", False))
    assert told is not None and "3 runs in a row failed since 2026-12-08 10:07 KST" in told


def test_an_error_is_made_inert_short_and_secret_free_for_the_chat(
    engine: Engine, server: LocalServer
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    key = "sk-live-4be1c0ffee"
    add_secret(key)
    error = f"<!channel> PayloadError: <b>\x1b[2J&gone</b> key={key} " + "x" * 2 * ERROR_CHARS
    _add_runs(engine, "feed", ["failed"] * FAILED_RUNS_TO_TELL)
    sender = WebhookSender(server.url(HOOK_PATH), "surge webhook", FAST)
    told = FailureWatch(engine, sender).after_run(_result("feed", False, error))
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
    deadline = time.monotonic() + WAIT_SECONDS

    def wait_for(posts: int) -> None:
        while len(_posts(server)) < posts and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[0]
            time.sleep(0.1)

    wait_for(1)
    bad.unlink()  # fixed: the next run goes well
    wait_for(2)
    time.sleep(2)  # more good runs: recovery is told once
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
    assert output.count("collecting: inbox: 3 runs in a row failed since") == 1
    assert output.count("collecting: inbox: collects again, after") == 1
    assert "failure-hook-7d1e" not in output
