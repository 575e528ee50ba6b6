"""Telling of surges while collecting: once each, in the log and to a webhook on 127.0.0.1, with
the webhook URL kept secret; and `minsim run` doing it as a real process."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import collecting_config, start_run
from httpserver import LocalServer, Reply, refused_url
from sqlalchemy import Engine, insert, update
from test_aggregate_fixtures import (
    LIVE_SURGE_AT,
    SURGE_AT,
    VERSION,
    add_burst,
    add_comments,
    build_database,
)

from collectors.http import RetryPolicy, redact
from minsim import schema
from minsim.settings import DEFAULT_WEBHOOK_ENV as WEBHOOK_ENV
from minsim.surge_watch import SurgeWatch
from minsim.webhook import WebhookSettingError, webhook_from_env

REPO = Path(__file__).resolve().parent.parent
FAST = RetryPolicy(attempts=2, backoff_base=0.01, backoff_max=0.01, jitter=0.0)
# The part of a chat webhook's URL that is its key.
TOKEN = "hook-token-5f2a9c"
HOOK_PATH = f"/services/T01/B02/{TOKEN}"
WAIT_SECONDS = 180


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    """The shared fixture with a burst on 10-19 (over) and one holding the newest document."""
    engine = build_database(tmp_path / "minsim.db")
    add_burst(engine, SURGE_AT, "s")
    add_burst(engine, LIVE_SURGE_AT, "l")
    yield engine
    engine.dispose()


def _posts(server: LocalServer) -> list[dict]:
    return [json.loads(r.body) for r in server.requests if r.method == "POST"]


def test_an_ongoing_surge_is_told_once_in_the_log_and_to_the_webhook(
    database: Engine, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    caplog.set_level(logging.WARNING, logger="minsim.surge_watch")
    watch = SurgeWatch(database, webhook=server.url(HOOK_PATH), policy=FAST)
    [told] = watch.check()
    watch.drain()
    assert told.startswith("카카오 (kakao): volume surge since 2022-10-21 09:00 KST, peak 10-21")
    assert told.endswith("30 docs in 1 hour(s)")
    assert f"surge: {told}" in caplog.text
    [post] = _posts(server)
    assert post["text"] == f"minsim surge: {told}"
    assert post["surge"]["company"] == "kakao" and post["surge"]["ongoing"] is True
    assert post["surge"]["start"] == "2022-10-21T09:00:00+09:00"
    # The 10-19 surge is over: history, not news. A second check tells nothing new.
    assert watch.check() == []
    watch.drain()
    assert len(_posts(server)) == 1


def test_without_a_webhook_the_log_still_tells(
    database: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="minsim.surge_watch")
    assert len(SurgeWatch(database, webhook=None).check()) == 1
    assert "surge: 카카오 (kakao): volume surge" in caplog.text


def test_a_failing_webhook_is_logged_without_its_url_and_tried_again(
    database: Engine,
    server: LocalServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.route(HOOK_PATH, [Reply(500, "chat service down")] * 2 + [Reply(200, "ok")])
    # Written unlike httpx writes it (an upper-case scheme): no form of it may reach a message.
    written = server.url(HOOK_PATH).replace("http://", "HTTP://")
    monkeypatch.setenv(WEBHOOK_ENV, written)
    caplog.set_level(logging.DEBUG)  # httpx's own request lines too
    watch = SurgeWatch(database, webhook=webhook_from_env(WEBHOOK_ENV), policy=FAST)
    assert len(watch.check()) == 1
    watch.drain()
    assert (
        "surge webhook failed: POST surge webhook answered HTTP 500 (after 2 attempts); "
        "sent again after the next run" in caplog.text
    )
    assert "chat service down" not in caplog.text  # an error page may quote the hook's path
    assert len(_posts(server)) == 2  # tried again once, as the policy says
    # The next run's check sends it again; the surge itself is not told again.
    assert watch.check() == []
    watch.drain()
    assert len(_posts(server)) == 3
    assert "surge webhook: posted" in caplog.text
    assert TOKEN not in caplog.text


def test_a_hook_that_is_gone_is_not_tried_again_and_the_end_says_what_was_lost(
    database: Engine, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.route(HOOK_PATH, Reply(404, f"Cannot POST {HOOK_PATH}"))
    caplog.set_level(logging.WARNING, logger="minsim.surge_watch")
    watch = SurgeWatch(database, webhook=server.url(HOOK_PATH), policy=FAST)
    watch.check()
    watch.drain()
    assert "answered HTTP 404; not sent again" in caplog.text and TOKEN not in caplog.text
    watch.check()
    watch.close()
    assert len(_posts(server)) == 1  # a 404 is not retried, now or after the next run
    assert "not sent" not in caplog.text.split("not sent again", 1)[1]


def test_a_refused_connection_is_kept_and_counted_when_collecting_stops(
    database: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="minsim.surge_watch")
    watch = SurgeWatch(database, webhook=refused_url() + "hooks/x", policy=FAST)
    watch.check()
    watch.close()
    assert "sent again after the next run" in caplog.text
    assert "surge webhook: 1 post(s) not sent" in caplog.text


def test_a_document_dated_in_the_future_does_not_hide_the_surges_of_now(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = build_database(tmp_path / "now.db")
    try:
        this_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        add_comments(engine, source="burst", count=30, start=this_hour, version="v-test-1",
                     prefix="b")  # fmt: skip
        add_comments(engine, source="quiet", count=30, start=this_hour - timedelta(hours=30),
                     version="v-test-1", prefix="q", every=timedelta(hours=1))  # fmt: skip
        add_comments(engine, source="feed", count=1, start=this_hour + timedelta(days=400),
                     prefix="f")  # fmt: skip
        assert len(SurgeWatch(engine, webhook=None).check()) == 1
    finally:
        engine.dispose()


def test_late_comments_that_move_a_surge_s_start_do_not_tell_it_again(
    database: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="minsim.surge_watch")
    watch = SurgeWatch(database, webhook=None)
    assert len(watch.check()) == 1
    engine = database
    add_burst(engine, LIVE_SURGE_AT - timedelta(hours=1), "late")  # the hour before it
    assert watch.check() == []
    assert caplog.text.count("surge: ") == 1


def test_no_surge_no_word(tmp_path: Path, server: LocalServer) -> None:
    engine = build_database(tmp_path / "quiet.db")
    try:
        assert SurgeWatch(engine, webhook=server.url(HOOK_PATH), policy=FAST).check() == []
    finally:
        engine.dispose()
    assert server.requests == []


def test_the_webhook_setting_is_checked_and_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEBHOOK_ENV, raising=False)
    assert webhook_from_env(WEBHOOK_ENV) is None
    monkeypatch.setenv(WEBHOOK_ENV, "  ")
    assert webhook_from_env(WEBHOOK_ENV) is None
    for bad in ("ftp://chat.example/secret-path-1", "not a url secret-path-2", "https://"):
        monkeypatch.setenv(WEBHOOK_ENV, bad)
        with pytest.raises(WebhookSettingError) as caught:
            webhook_from_env(WEBHOOK_ENV)
        assert "secret-path" not in str(caught.value)
        assert WEBHOOK_ENV in str(caught.value)
    url = f"https://chat.example{HOOK_PATH}"
    monkeypatch.setenv(WEBHOOK_ENV, url)
    assert webhook_from_env(WEBHOOK_ENV) == url
    assert TOKEN not in redact(f"POST {url} failed")


@pytest.mark.slow
def test_minsim_run_posts_a_surge_once_and_never_prints_the_url(
    database: Engine, server: LocalServer, tmp_path: Path
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    # Six of the live burst's comments call for a boycott: `minsim run` scores them (real Kiwi),
    # which writes their terms, and 불매 is watched.
    with database.begin() as conn:
        for i in range(6):
            conn.execute(update(schema.documents)
                         .where(schema.documents.c.doc_id == f"l{i:04d}")
                         .values(text=f"카카오 불매 운동 합시다 {i}"))  # fmt: skip
    # The variable's name comes from the settings, as every secret's does.
    config = collecting_config(tmp_path, '[surges]\nwebhook_env = "CHAT_HOOK"\nwatch = ["불매"]\n')
    process = start_run(config, tmp_path, {"CHAT_HOOK": server.url(HOOK_PATH)})
    deadline = time.monotonic() + WAIT_SECONDS
    while len(_posts(server)) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    time.sleep(3)  # a few more one-second runs: none may tell of the same surge again
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, output
    company, word = _posts(server)
    assert company["surge"]["company"] == "kakao"
    assert word["surge"]["term"] == "불매" and word["surge"]["docs"] == 6
    assert "surges and failing sources are posted to the webhook in CHAT_HOOK" in output
    assert "watching the words 불매" in output
    assert output.count("surge: 카카오 (kakao): volume surge since 2022-10-21 09:00 KST") == 1
    assert output.count("surge: watched word 불매: surge since 2022-10-21 09:00 KST") == 1
    assert TOKEN not in output and "inbox: ok" in output


def test_minsim_run_refuses_a_webhook_that_is_not_a_url(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "minsim", "--config", str(collecting_config(tmp_path)), "run"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        env={**os.environ, "MINSIM_SALT": "test-salt", WEBHOOK_ENV: "hooks/x-secret"},
    )
    assert result.returncode == 2
    assert "MINSIM_SURGE_WEBHOOK must be an http:// or https:// URL" in result.stderr
    assert "x-secret" not in result.stderr + result.stdout


def test_a_watched_word_s_surge_is_told_once_beside_the_company_s(
    database: Engine, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Six of the live burst's thirty comments name 불매, never named before: the watched word
    surges on its own (5 documents an hour are enough for a word); 소송, in four, does not."""
    with database.begin() as conn:
        conn.execute(
            insert(schema.document_terms),
            [{"doc_id": f"l{i:04d}", "term": "불매"} for i in range(6)]
            + [{"doc_id": f"l{i:04d}", "term": "소송"} for i in range(10, 14)],
        )
    server.route(HOOK_PATH, Reply(200, "ok"))
    caplog.set_level(logging.WARNING, logger="minsim.surge_watch")
    watch = SurgeWatch(database, webhook=server.url(HOOK_PATH), watch=("불매", "소송"),
                       policy=FAST)  # fmt: skip
    company, word = watch.check()
    watch.drain()
    assert company.startswith("카카오 (kakao): volume surge since 2022-10-21 09:00 KST")
    assert word == (
        "watched word 불매: surge since 2022-10-21 09:00 KST, peak 10-21 09:00 6 docs/hour "
        "(before 0.0), 6 docs in 1 hour(s)"
    )
    assert f"surge: {word}" in caplog.text
    posts = _posts(server)
    assert [p["text"] for p in posts] == [f"minsim surge: {company}", f"minsim surge: {word}"]
    assert posts[1]["surge"]["term"] == "불매" and posts[1]["surge"]["kind"] == "watched"
    assert posts[1]["surge"]["ongoing"] is True
    assert watch.check() == []  # told once
    # Without the watch, only the company's surge is told.
    assert len(SurgeWatch(database, webhook=None).check()) == 1


def test_documents_dated_in_the_future_make_no_surge_to_tell(
    database: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """A feed that stamps KST as UTC dates its comments nine hours ahead: six of them naming a
    watched word are hours to come, not a surge going on."""
    ahead = datetime.now(UTC) + timedelta(hours=9)
    ids = add_comments(database, source="skewed", count=6, start=ahead, version=VERSION,
                       prefix="f")  # fmt: skip
    with database.begin() as conn:
        conn.execute(insert(schema.document_terms), [{"doc_id": d, "term": "불매"} for d in ids])
    caplog.set_level(logging.WARNING, logger="minsim.surge_watch")
    assert SurgeWatch(database, webhook=None, watch=("불매",)).check() == []
    assert "watched word" not in caplog.text
