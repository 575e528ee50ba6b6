"""Briefs on a schedule: the period due, the file and the webhook post, what is refused, and
`minsim run` writing one at its time as a real process."""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as TimeOfDay
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from cli_support import (
    SCENARIO,
    brief_sections,
    collecting_config,
    run_minsim,
    start_run,
    write_sqlite_config,
)
from httpserver import LocalServer, Reply
from sqlalchemy import Engine, text
from test_aggregate_fixtures import build_database

from collectors.http import RetryPolicy
from minsim import aggregate, store
from minsim import scheduler as scheduler_module
from minsim.brief_schedule import BriefSchedule, BriefSettingError, last_due
from minsim.scenario import load_scenario
from minsim.scheduler import RESENT_WITHOUT_RUNS, Scheduler
from minsim.settings import BriefSettings, load_settings
from minsim.timefmt import KST
from minsim.webhook import WebhookSender, webhook_from_env

FAST = RetryPolicy(attempts=2, backoff_base=0.01, backoff_max=0.01, jitter=0.0)
HOOK_PATH = "/services/T01/B02/brief-token-77c1"
EIGHT = TimeOfDay(8, 0)
# 2022-10-20 08:03 KST: three minutes after the brief due at 08:00.
AFTER_EIGHT = datetime(2022, 10, 19, 23, 3, tzinfo=UTC)
WAIT_SECONDS = 180


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = build_database(tmp_path / "minsim.db")
    yield engine
    engine.dispose()


def _schedule(engine: Engine, settings: BriefSettings, webhook: str | None = None,
              now: datetime = AFTER_EIGHT) -> BriefSchedule:  # fmt: skip
    return BriefSchedule(engine, settings, webhook=webhook, clock=lambda: now, policy=FAST)


def _posts(server: LocalServer) -> list[dict]:
    return [json.loads(r.body) for r in server.requests if r.method == "POST"]


def test_the_brief_due_is_the_last_time_of_day_reached_in_kst() -> None:
    kst = lambda *parts: datetime(*parts, tzinfo=KST)  # noqa: E731
    assert last_due(EIGHT, kst(2022, 10, 20, 8, 0)) == kst(2022, 10, 20, 8, 0)
    assert last_due(EIGHT, kst(2022, 10, 20, 7, 59, 59)) == kst(2022, 10, 19, 8, 0)
    assert last_due(EIGHT, kst(2022, 10, 20, 23, 0)) == kst(2022, 10, 20, 8, 0)
    # 23:30 UTC is 08:30 KST of the next day.
    assert last_due(EIGHT, datetime(2022, 10, 19, 23, 30, tzinfo=UTC)) == kst(2022, 10, 20, 8, 0)
    assert last_due(TimeOfDay(0, 0), kst(2022, 10, 20, 0, 0, 1)) == kst(2022, 10, 20, 0, 0)


def test_a_brief_is_written_whole_for_the_hours_before_its_time(
    database: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "briefs" / "kakao"  # made when missing
    settings = BriefSettings(at=(EIGHT,), hours=24, companies=("kakao",), folder=folder)
    schedule = _schedule(database, settings)
    assert folder.is_dir()
    done = schedule.write(EIGHT)
    path = folder / "minsim-brief-20221019-0800.md"
    assert done == f"brief of 2022-10-19 08:00 ~ 2022-10-20 08:00 KST: written to {path}"
    assert [p.name for p in folder.iterdir()] == [path.name]  # no partial file left
    sections = brief_sections(path.read_text(encoding="utf-8"))
    assert sections["head"][0] == "# 민심 브리핑 · 2022-10-19 08:00 ~ 2022-10-20 08:00 KST"
    assert sections["head"][1].startswith("범위: 카카오 · ")
    # The fixture's Kakao article of 10-19 and its three comments, but nothing of Naver's.
    assert sections["한눈에"][0].startswith("문서 4건 (기사 1, 댓글 3)")
    assert "네이버" not in "\n".join(sections["한눈에"])
    # Written again at the same time (a restarted process), the file is replaced, not doubled.
    schedule.write(EIGHT)
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_a_missed_brief_is_written_again_by_hand_with_until(
    database: Engine, tmp_path: Path
) -> None:
    """A brief due while `minsim run` was down: `minsim brief --hours N --until TIME` writes
    the very same brief."""
    folder = tmp_path / "briefs"
    settings = BriefSettings(at=(EIGHT,), hours=24, companies=("kakao",), folder=folder)
    _schedule(database, settings).write(EIGHT)
    scheduled = (folder / "minsim-brief-20221019-0800.md").read_text(encoding="utf-8")
    config = write_sqlite_config(tmp_path)
    by_hand = run_minsim("--config", str(config), "brief", "--company", "kakao", "--hours", "24",
                         "--until", "2022-10-20 08:00", cwd=tmp_path)  # fmt: skip
    assert by_hand.returncode == 0, by_hand.stderr
    assert by_hand.stdout == scheduled
    both = run_minsim("--config", str(config), "brief", "--day", "2022-10-19",
                      "--until", "2022-10-20 08:00", cwd=tmp_path)  # fmt: skip
    assert both.returncode == 2 and "a --day has its own end" in both.stderr
    loose = run_minsim("--config", str(config), "brief", "--until", "10/20 8시", cwd=tmp_path)
    assert loose.returncode == 2 and "expected a KST time as 'YYYY-MM-DD HH:MM'" in loose.stderr


def test_a_brief_goes_to_the_webhook_even_when_its_file_cannot_be_written(
    database: Engine, tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    folder = tmp_path / "briefs"
    folder.mkdir()
    (folder / "minsim-brief-20221019-0800.md").mkdir()  # where the file would go
    settings = BriefSettings(at=(TimeOfDay(20, 0),), hours=12, folder=folder)
    # 2022-10-20 08:03 KST: the last 20:00 was the day before.
    schedule = _schedule(database, settings, server.url(HOOK_PATH), AFTER_EIGHT)
    caplog.set_level(logging.WARNING)
    done = schedule.write(TimeOfDay(20, 0))
    assert schedule.drain(WAIT_SECONDS)
    assert done == "brief of 2022-10-19 08:00 ~ 2022-10-19 20:00 KST: posted to the brief webhook"
    assert "brief: cannot write" in caplog.text and "minsim-brief-20221019-0800.md" in caplog.text
    [post] = _posts(server)
    assert post["brief"] == {
        "start": "2022-10-19T08:00:00+09:00",
        "end": "2022-10-19T20:00:00+09:00",
        "hours": 12,
        "companies": [],
    }
    assert post["text"].startswith("# 민심 브리핑 · 2022-10-19 08:00 ~ 2022-10-19 20:00 KST\n")
    assert "범위: 모든 회사" in post["text"]
    assert not list(folder.glob("*.part"))


def test_briefs_that_could_go_nowhere_or_name_unknown_companies_are_refused(
    database: Engine, tmp_path: Path
) -> None:
    with pytest.raises(BriefSettingError) as nowhere:
        _schedule(database, BriefSettings(at=(EIGHT,)))
    assert "nowhere to go" in str(nowhere.value)
    assert "MINSIM_BRIEF_WEBHOOK" in str(nowhere.value)
    with pytest.raises(BriefSettingError) as unknown:
        _schedule(database, BriefSettings(at=(EIGHT,), companies=("kakao", "kakoa"),
                                          folder=tmp_path))  # fmt: skip
    known = "known: kakao, naver, skcc"
    assert str(unknown.value) == f"[brief] companies: unknown company kakoa; {known}"
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    with pytest.raises(BriefSettingError) as unmade:
        _schedule(database, BriefSettings(at=(EIGHT,), folder=blocked / "briefs"))
    assert str(unmade.value).startswith(f"[brief] folder {blocked / 'briefs'}: cannot make it")


def test_a_brief_that_fails_is_logged_and_the_scheduler_goes_on(
    database: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = BriefSettings(at=(EIGHT,), folder=tmp_path / "briefs")
    schedule = _schedule(database, settings)
    with database.begin() as conn:  # a database broken under the running process
        conn.execute(text("DROP TABLE scores"))
    scheduler = Scheduler(database, None, None, "salt", [], briefs=schedule)
    caplog.set_level(logging.WARNING)
    scheduler._brief(EIGHT)  # the job itself: it must not raise into APScheduler
    assert "brief at 08:00 failed: OperationalError" in caplog.text
    assert not list((tmp_path / "briefs").iterdir())


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        ("", {}, "[brief] at is set but the briefs have nowhere to go"),
        ("", {"MINSIM_BRIEF_WEBHOOK": "hooks/x-secret"}, "MINSIM_BRIEF_WEBHOOK must be an http"),
        ('folder = "briefs"\ncompanies = ["kakoa"]\n', {}, "unknown company kakoa"),
    ],
)
def test_minsim_run_refuses_briefs_it_cannot_deliver(
    tmp_path: Path, extra: str, env: dict[str, str], message: str
) -> None:
    config = collecting_config(tmp_path, '[brief]\nat = ["08:00"]\n' + extra)
    process = start_run(config, tmp_path, env)
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 2, output
    assert message in output and "x-secret" not in output
    assert "collecting" not in output  # stopped before the first run


def test_a_brief_due_while_the_command_started_is_written_when_collecting_starts(
    database: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A cron job's first time is computed when the scheduler starts: a brief that fell due
    while Kiwi loaded and stored documents were scored must not wait a day."""
    now = datetime.now(KST)
    due = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    folder = tmp_path / "briefs"
    settings = BriefSettings(at=(due.time(),), hours=1, folder=folder)
    schedule = BriefSchedule(database, settings, webhook=None)
    # A source whose name sorts after the brief's job: the brief must still wait for its first
    # run, which brings in what was published before the brief was due.
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "minsim.toml"
    config.write_text(f'[[sources]]\nname = "zz-inbox"\nkind = "file"\ninterval = "1h"\n'
                      f'folder = "{tmp_path / "inbox"}"\n', encoding="utf-8")  # fmt: skip
    sources = load_settings(config).sources
    happened: list[str] = []
    scheduler = Scheduler(
        database, load_scenario(SCENARIO), None, "salt", sources, briefs=schedule,
        on_result=lambda result: happened.append(f"run {result.source}"),
        on_brief=happened.append, started=due - timedelta(minutes=1),
    )  # fmt: skip
    stopper = threading.Timer(0.2, lambda: _stop_when(scheduler, lambda: len(happened) >= 2))
    stopper.start()
    scheduler.start()  # blocks until stopped
    stopper.join()
    span = f"{due - timedelta(hours=1):%Y-%m-%d %H:%M} ~ {due:%Y-%m-%d %H:%M} KST"
    assert happened == [
        "run zz-inbox",
        f"brief of {span}: written to {folder / file_name_for(due, 1)}",
    ]
    # A brief that waited longer than its grace is said to be skipped, in our words, with the
    # time it was due even when it was run at start-up (scheduled for a minute later).
    caplog.set_level(logging.WARNING)
    at = due.time()
    run_at = due + timedelta(minutes=1, seconds=7)
    scheduler._missed(JobExecutionEvent(EVENT_JOB_MISSED, f"brief {at:%H:%M}", "default", run_at))
    assert (
        f"brief of {due:%Y-%m-%d %H:%M} KST skipped: it could not start within 60 minutes"
        in caplog.text
    )


def test_a_brief_due_while_collecting_was_stopped_is_written_when_it_starts_again(
    database: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.now(KST)
    due = now.replace(second=0, microsecond=0) - timedelta(hours=2)
    folder = tmp_path / "briefs"
    settings = BriefSettings(at=(due.time(),), hours=1, folder=folder)
    # The day before's brief was delivered: then collecting stopped.
    store.record_brief(database, due.time(), due - timedelta(days=1))
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "minsim.toml"
    config.write_text(f'[[sources]]\nname = "zz-inbox"\nkind = "file"\ninterval = "1h"\n'
                      f'folder = "{tmp_path / "inbox"}"\n', encoding="utf-8")  # fmt: skip
    happened: list[str] = []
    # By the time the brief is written, the next time of day has come (long first runs): it
    # must still cover the hours before the time it was due while collecting was stopped.
    readings = iter([now])
    late = due + timedelta(days=1, minutes=1)
    schedule = BriefSchedule(database, settings, webhook=None,
                             clock=lambda: next(readings, late))  # fmt: skip
    scheduler = Scheduler(
        database, load_scenario(SCENARIO), None, "salt", load_settings(config).sources,
        briefs=schedule,
        on_result=lambda result: happened.append(f"run {result.source}"),
        on_brief=happened.append, started=now,
    )  # fmt: skip
    caplog.set_level(logging.WARNING)
    stopper = threading.Timer(0.2, lambda: _stop_when(scheduler, lambda: len(happened) >= 2))
    stopper.start()
    scheduler.start()  # blocks until stopped
    stopper.join()
    written = folder / file_name_for(due, 1)
    span = f"{due - timedelta(hours=1):%Y-%m-%d %H:%M} ~ {due:%Y-%m-%d %H:%M} KST"
    assert happened == ["run zz-inbox", f"brief of {span}: written to {written}"]
    assert f"brief of {due:%Y-%m-%d %H:%M} KST was due while collecting was stopped" in caplog.text
    assert store.last_briefs(database) == {f"{due:%H:%M}": due}  # owed no more


def test_only_a_brief_missed_since_one_was_last_delivered_is_owed(
    database: Engine, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0) - timedelta(hours=2)
    at = due.astimezone(KST).time()
    folder = tmp_path / "briefs"

    def owed(folder: Path | None = folder, webhook: str | None = None) -> datetime | None:
        settings = BriefSettings(at=(at,), hours=1, folder=folder)
        schedule = BriefSchedule(database, settings, webhook=webhook, clock=lambda: now)
        return schedule.missed_while_stopped(at, now)

    assert owed() is None  # a first start: no brief of this time of day was ever delivered
    store.record_brief(database, at, due - timedelta(days=1))
    assert owed() == due  # delivered a day before, none since: collecting stopped over it
    # a post leaves no file, but the record says the same
    assert owed(folder=None, webhook="http://127.0.0.1:9/x") == due
    (folder / file_name_for(due.astimezone(KST), 1)).write_text("# 민심 브리핑\n", encoding="utf-8")
    assert owed() is None  # its file is there: written by hand with `minsim brief --until`
    assert owed(folder=tmp_path / "other") == due
    store.record_brief(database, at, due)
    assert owed(folder=tmp_path / "other") is None  # delivered
    # A brief written late (caught up after the next one) never moves the record back.
    settings = BriefSettings(at=(at,), hours=1, folder=tmp_path / "late")
    BriefSchedule(database, settings, webhook=None, clock=lambda: now).write(
        at, due - timedelta(days=1)
    )
    assert store.last_briefs(database) == {f"{at:%H:%M}": due}


def test_the_file_of_the_day_before_owes_a_brief_where_the_database_has_no_record(
    database: Engine, tmp_path: Path
) -> None:
    """Briefs written into a folder before the database recorded them (a database upgraded to
    migration 7): the day before's file says they were being delivered."""
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0) - timedelta(hours=2)
    at = due.astimezone(KST).time()
    folder = tmp_path / "briefs"
    folder.mkdir()
    settings = BriefSettings(at=(at,), hours=1, folder=folder)
    schedule = BriefSchedule(database, settings, webhook=None, clock=lambda: now)
    day_before = (due - timedelta(days=1)).astimezone(KST)
    (folder / file_name_for(day_before - timedelta(days=1), 1)).write_text("#\n", encoding="utf-8")
    assert schedule.missed_while_stopped(at, now) is None  # two days before: not a daily brief
    (folder / file_name_for(day_before, 1)).write_text("#\n", encoding="utf-8")
    assert schedule.missed_while_stopped(at, now) == due
    (folder / file_name_for(due.astimezone(KST), 1)).write_text("#\n", encoding="utf-8")
    assert schedule.missed_while_stopped(at, now) is None  # and its own file is there already


def test_a_posted_brief_counts_as_delivered_once_its_post_went_out(
    database: Engine, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a file, a post still failing when collecting stops leaves the brief owed."""
    server.route(HOOK_PATH, [Reply(503), Reply(503), Reply(200, "ok")])  # FAST tries twice
    settings = BriefSettings(at=(EIGHT,), hours=24)
    schedule = _schedule(database, settings, server.url(HOOK_PATH))
    due = last_due(EIGHT, AFTER_EIGHT)
    store.record_brief(database, EIGHT, due - timedelta(days=1))
    caplog.set_level(logging.WARNING)
    schedule.write(EIGHT)
    assert schedule.drain(WAIT_SECONDS) and "brief webhook failed" in caplog.text
    assert store.last_briefs(database) == {"08:00": due - timedelta(days=1)}  # not delivered
    assert schedule.missed_while_stopped(EIGHT, AFTER_EIGHT + timedelta(minutes=1)) == due
    schedule.resend_failed()
    assert schedule.drain(WAIT_SECONDS)
    assert store.last_briefs(database) == {"08:00": due}  # sent now: delivered
    assert len(_posts(server)) == 3


def test_what_follows_a_post_failing_leaves_the_sender_working(
    server: LocalServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    monkeypatch.setenv("TEST_BRIEF_HOOK", server.url(HOOK_PATH))
    url = webhook_from_env("TEST_BRIEF_HOOK")  # a secret from here on
    assert url is not None
    sender = WebhookSender(url, "brief webhook", FAST)
    after: list[int] = []

    def broken() -> None:
        raise RuntimeError(f"no record for {server.url(HOOK_PATH)}")

    caplog.set_level(logging.WARNING)
    sender.send({"n": 1}, broken)
    sender.send({"n": 2}, lambda: after.append(2))
    assert sender.drain(WAIT_SECONDS)
    assert [post["n"] for post in _posts(server)] == [1, 2] and after == [2]
    assert "brief webhook: posted, but what follows failed: RuntimeError" in caplog.text
    assert "brief-token-77c1" not in caplog.text  # the URL is a secret, even there
    assert sender.unsent() == 0


def test_a_database_from_before_the_record_owes_no_brief_and_the_brief_still_goes_out(
    database: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with database.begin() as conn:
        conn.execute(text("DROP TABLE briefs"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 7"))
    settings = BriefSettings(at=(EIGHT,), hours=24, folder=tmp_path / "briefs")
    schedule = _schedule(database, settings)
    assert schedule.missed_while_stopped(EIGHT, AFTER_EIGHT + timedelta(days=2)) is None
    caplog.set_level(logging.WARNING)
    assert schedule.write(EIGHT).endswith(".md")  # written, though not recorded
    assert "brief at 08:00: delivered, but not recorded: cannot record the brief" in caplog.text


def test_a_stopped_scheduler_runs_nothing_queued_and_a_second_signal_is_left_to_the_system(
    database: Engine, tmp_path: Path
) -> None:
    """Jobs queued behind the run under way when it stops return at once: a SIGTERM must not
    wait for every source and brief that was due."""
    settings = BriefSettings(at=(EIGHT,), folder=tmp_path / "briefs")
    schedule = _schedule(database, settings)
    scheduler = Scheduler(database, None, None, "salt", [], briefs=schedule)
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler._on_signal(signal.SIGTERM, None)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    scheduler._brief(EIGHT)  # queued before the stop: does nothing
    assert not list((tmp_path / "briefs").iterdir())


def file_name_for(due: datetime, hours: int) -> str:
    return f"minsim-brief-{due - timedelta(hours=hours):%Y%m%d-%H%M}.md"


def _stop_when(scheduler: Scheduler, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.stop()


def _next_minute(margin: timedelta) -> datetime:
    """The first whole KST minute at least `margin` from now."""
    soon = datetime.now(KST) + margin
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=1)


@pytest.mark.slow
def test_minsim_run_writes_and_posts_the_brief_at_its_time(
    tmp_path: Path, server: LocalServer
) -> None:
    server.route(HOOK_PATH, Reply(200, "ok"))
    build_database(tmp_path / "minsim.db").dispose()
    # Far enough ahead for the process to load Kiwi and score the fixture first.
    due = _next_minute(timedelta(seconds=20))
    config = collecting_config(
        tmp_path,
        f'[brief]\nat = ["{due:%H:%M}"]\nhours = 6\nfolder = "briefs"\n'
        'webhook_env = "BRIEF_HOOK"\n',
    )
    process = start_run(config, tmp_path, {"BRIEF_HOOK": server.url(HOOK_PATH)})
    brief = tmp_path / "briefs" / f"minsim-brief-{due - timedelta(hours=6):%Y%m%d-%H%M}.md"
    deadline = time.monotonic() + WAIT_SECONDS
    while not (brief.exists() and _posts(server)) and time.monotonic() < deadline:
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, output
    span = f"{due - timedelta(hours=6):%Y-%m-%d %H:%M} ~ {due:%Y-%m-%d %H:%M} KST"
    assert (
        f"writing the brief of the last 6 hours at {due:%H:%M} KST, into {tmp_path / 'briefs'} "
        "and to the webhook in BRIEF_HOOK"
    ) in output
    assert f"brief of {span}: written to {brief}, posted to the brief webhook" in output
    text = brief.read_text(encoding="utf-8")
    assert text.startswith(f"# 민심 브리핑 · {span}\n")
    [post] = _posts(server)
    assert post["text"] == text and post["brief"]["hours"] == 6
    assert "brief-token-77c1" not in output
    # recorded as delivered, so a restart after its time owes nothing
    status = run_minsim("status", cwd=tmp_path)
    assert f"last brief at {due:%H:%M} KST: the one due {due:%Y-%m-%d %H:%M} KST" in status.stdout


def test_with_no_sources_briefs_are_written_alone_and_failed_posts_go_out_again(
    database: Engine, tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """No run comes to send failed posts again: a timer does."""
    server.route(HOOK_PATH, [Reply(503), Reply(503), Reply(200, "ok")])  # FAST tries twice
    monkeypatch.setattr(scheduler_module, "RESEND_SECONDS", 0.2)
    now = datetime.now(KST)
    due = now.replace(second=0, microsecond=0) - timedelta(hours=2)
    store.record_brief(database, due.time(), due - timedelta(days=1))  # then collecting stopped
    settings = BriefSettings(at=(due.time(),), hours=1)
    schedule = BriefSchedule(database, settings, webhook=server.url(HOOK_PATH), policy=FAST,
                             resent=RESENT_WITHOUT_RUNS)  # fmt: skip
    happened: list[str] = []
    scheduler = Scheduler(database, None, None, "", [], briefs=schedule,
                          on_brief=happened.append, started=now)  # fmt: skip
    caplog.set_level(logging.WARNING)
    stopper = threading.Timer(
        0.2, lambda: _stop_when(scheduler, lambda: server.hits(HOOK_PATH) >= 3)
    )
    stopper.start()
    scheduler.start()  # blocks until stopped
    stopper.join()
    span = f"{due - timedelta(hours=1):%Y-%m-%d %H:%M} ~ {due:%Y-%m-%d %H:%M} KST"
    assert happened == [f"brief of {span}: posted to the brief webhook"]
    first, _retry, resent = _posts(server)
    assert resent == first and resent["brief"]["end"] == due.isoformat()
    assert "brief webhook failed: " in caplog.text and "sent again within 5 minutes" in caplog.text


def test_minsim_run_without_sources_writes_the_briefs_alone(
    tmp_path: Path, server: LocalServer
) -> None:
    """A process for the briefs beside one that collects: it loads no scorer, scores nothing
    and leaves the collecting process's run alone, writes the brief it owes at once, and says
    when a failed post goes out again, since no run comes to send it."""
    server.route(HOOK_PATH, Reply(503))
    engine = build_database(tmp_path / "minsim.db")
    due = datetime.now(KST).replace(second=0, microsecond=0) - timedelta(hours=2)
    store.record_brief(engine, due.time(), due - timedelta(days=1))
    running = store.start_run(engine, "inbox")  # the collecting process, mid-run
    scored = _score_rows(engine)
    briefs = f'[brief]\nat = ["{due:%H:%M}"]\nhours = 1\nfolder = "briefs"\nwebhook_env = "HOOK"\n'
    config = collecting_config(tmp_path, "enabled = false\n" + briefs)
    env = {"HOOK": server.url(HOOK_PATH), "MINSIM_SURGE_WEBHOOK": "not-a-url"}  # not its business
    process = start_run(config, tmp_path, env)
    brief = tmp_path / "briefs" / file_name_for(due, 1)
    deadline = time.monotonic() + WAIT_SECONDS
    while not (brief.exists() and server.hits(HOOK_PATH) >= 3) and time.monotonic() < deadline:
        if process.poll() is not None:
            break
        time.sleep(0.1)
    time.sleep(0.5)  # the failed post's log line follows its third and last attempt
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, output
    assert "no enabled sources: writing briefs only, of what other processes collect" in output
    assert "collecting" not in output
    assert (
        f"brief of {due:%Y-%m-%d %H:%M} KST was due while minsim run was stopped: writing it now"
        in output
    )
    assert f"written to {brief}, posted to the brief webhook" in output
    assert brief.read_text(encoding="utf-8").startswith("# 민심 브리핑 · ")
    assert "brief webhook failed: " in output and "sent again within 5 minutes" in output
    # the fixture's scores are from another scorer version: a collecting process rescores them
    assert "scoring" not in output and _score_rows(engine) == scored
    [run] = [r for r in aggregate.last_runs(engine) if r["source"] == "inbox"]
    assert run["id"] == running and run["status"] == "running"
    # No [[sources]] at all: the same. Without briefs there is nothing to do.
    alone = tmp_path / "alone"
    alone.mkdir()
    bare = write_sqlite_config(tmp_path)
    bare.write_text(bare.read_text(encoding="utf-8") + briefs, encoding="utf-8")
    process = start_run(bare, alone, {"HOOK": server.url(HOOK_PATH)})
    first = process.stdout.readline() if process.stdout else ""
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=WAIT_SECONDS)
    assert first.startswith("no enabled sources: writing briefs only")
    bare.write_text(bare.read_text(encoding="utf-8").split("[brief]")[0], encoding="utf-8")
    nothing = start_run(bare, alone, {})
    output, _ = nothing.communicate(timeout=WAIT_SECONDS)
    assert nothing.returncode == 0
    assert output.strip() == "no enabled sources: enable one in the settings file or name it"
    engine.dispose()


def test_minsim_run_writing_briefs_alone_needs_a_database_to_read(tmp_path: Path) -> None:
    config = write_sqlite_config(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8") + '[brief]\nat = ["08:00"]\nfolder = "briefs"\n',
        encoding="utf-8",
    )
    process = start_run(config, tmp_path, {})
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode != 0
    assert (
        f"database file {tmp_path / 'minsim.db'} does not exist; run `minsim init` first" in output
    )
    assert not (tmp_path / "minsim.db").exists()


def _score_rows(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(conn.execute(text("SELECT doc_id, scorer_version FROM scores")).all())
