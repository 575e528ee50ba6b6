"""The record of the `minsim run` processes: written and read on real databases, judged, shown
by `minsim sources`, `minsim status` and the Sources page, and kept by real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import collecting_config, run_minsim, start_run
from httpserver import LocalServer, Reply
from sqlalchemy import Engine, insert, select, update

from minsim import db, presence, schema, store
from minsim.cli_check import NEVER_RAN
from minsim.presence import STALE_AFTER, Process
from minsim.timefmt import format_kst

WAIT_SECONDS = 120
# Another machine: whether its processes exist is told by their heartbeat alone.
HOST = "collector-7f3a"
ELSEWHERE = "another-boot/pid:[1]"
NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # 10:00 KST


def _process(pid: int, sources: tuple[str, ...], seen: timedelta = timedelta(0),
             stopped: bool = False) -> Process:  # fmt: skip
    started = NOW - timedelta(hours=1)
    return _record(pid, HOST, pid, started, NOW - seen, NOW - seen if stopped else None, sources)


def _record(
    id: int, host: str, pid: int, started: datetime, seen: datetime, stopped: datetime | None,
    sources: tuple[str, ...], current_run: int | None = None,
) -> Process:  # fmt: skip
    """A process recorded elsewhere: its pid is not asked about, only its heartbeat."""
    return Process(id, host, pid, ELSEWHERE, started, seen, stopped, sources, current_run)


def test_processes_are_recorded_beat_stop_and_old_ones_go(engine: Engine) -> None:
    # another machine's process writing briefs only, then this one
    now = datetime.now(UTC)
    briefs_id = _add(engine, _record(0, HOST, 7, now - timedelta(minutes=1), now, None, ()))
    mine = presence.record_start(engine, ["news", "inbox"])
    [collecting, briefs] = presence.processes(engine)  # newest first
    assert (collecting.id, briefs.id) == (mine, briefs_id)
    assert collecting.sources == ("news", "inbox") and briefs.sources == ()
    assert collecting.host == presence.this_host() == socket.gethostname()
    assert collecting.pid == os.getpid() and collecting.instance == presence.this_instance()
    assert collecting.stopped_at is None and collecting.running(datetime.now(UTC))
    with engine.begin() as conn:  # as if a minute passed
        earlier = collecting.started_at - timedelta(minutes=1)
        conn.execute(update(schema.schedulers).values(seen_at=earlier))
    presence.beat(engine, mine)
    presence.record_stop(engine, briefs_id)
    by_id = {p.id: p for p in presence.processes(engine)}
    assert by_id[mine].seen_at >= collecting.started_at and by_id[mine].stopped_at is None
    assert by_id[briefs_id].stopped_at is not None
    assert not by_id[briefs_id].running(datetime.now(UTC))
    # a process gone for a month is forgotten when the next starts
    with engine.begin() as conn:
        gone = datetime.now(UTC) - presence.KEEP - timedelta(days=1)
        conn.execute(update(schema.schedulers).where(schema.schedulers.c.id == briefs_id)
                     .values(seen_at=gone))  # fmt: skip
    again = presence.record_start(engine, ["news"])
    assert [p.id for p in presence.processes(engine)] == [again, mine]


def test_a_database_from_before_the_record_knows_no_process(engine: Engine) -> None:
    with engine.begin() as conn:
        schema.schedulers.drop(conn)
        conn.execute(
            schema.schema_migrations.delete().where(schema.schema_migrations.c.version == 8)
        )
    assert not db.has_schedulers(engine) and presence.processes(engine) == []


def test_which_sources_no_running_process_collects_and_which_two_collect() -> None:
    a = _process(1, ("news", "inbox"))
    b = _process(2, ("inbox",), seen=STALE_AFTER - timedelta(seconds=1))
    silent = _process(3, ("blog",), seen=STALE_AFTER + timedelta(seconds=1))  # killed, or hangs
    stopped = _process(4, ("blog",), stopped=True)
    briefs = _process(5, ())
    live = presence.running([a, b, silent, stopped, briefs], NOW)
    assert [p.id for p in live] == [1, 2, 5]
    assert presence.not_collected(["news", "blog", "inbox"], live) == ["blog"]
    assert presence.collected_twice(live) == {"inbox": [a, b]}
    # a process writing briefs alone says nothing of the sources; none running is said apart
    assert presence.not_collected(["news"], [briefs]) == []
    assert presence.not_collected(["news"], []) == []


def test_a_heartbeat_thread_beats_until_stopped(engine: Engine) -> None:
    process_id = presence.record_start(engine, ["news"])
    [started] = presence.processes(engine)
    heartbeat = presence.Heartbeat(engine, process_id, every=0.05)
    heartbeat.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while presence.processes(engine)[0].seen_at == started.seen_at:
        assert time.monotonic() < deadline, "no heartbeat recorded"
        time.sleep(0.05)
    heartbeat.stop()
    beaten = presence.processes(engine)[0].seen_at
    time.sleep(0.2)
    assert presence.processes(engine)[0].seen_at == beaten  # stopped: no more beats


def _add(engine: Engine, process: Process) -> int:
    row = {"host": process.host, "pid": process.pid, "instance": process.instance,
           "started_at": process.started_at, "seen_at": process.seen_at,
           "stopped_at": process.stopped_at, "sources": json.dumps(list(process.sources)),
           "current_run": process.current_run}  # fmt: skip
    with engine.begin() as conn:
        return int(conn.execute(insert(schema.schedulers).values(row)).inserted_primary_key[0])


def _initialised_with_feeds(tmp_path: Path) -> tuple[Path, Engine]:
    """A database made by `minsim init` and settings with inbox (every second), new-feed
    (enabled, every 15m) and off-feed (disabled); the settings file and the database."""
    config = collecting_config(
        tmp_path,
        '[[sources]]\nname = "new-feed"\nkind = "rss"\ninterval = "15m"\nurl = "https://x.test/"\n'
        '[[sources]]\nname = "off-feed"\nkind = "rss"\ninterval = "15m"\nurl = "https://x.test/"\n'
        "enabled = false\n",
    )
    assert run_minsim("--config", str(config), "init", cwd=tmp_path).returncode == 0
    return config, db.open_engine(f"sqlite:///{tmp_path / 'minsim.db'}")


def test_sources_and_status_name_what_no_running_process_collects(tmp_path: Path) -> None:
    config, engine = _initialised_with_feeds(tmp_path)
    now = datetime.now(UTC)
    # one process collects inbox; another one, on a host named with a terminal escape, was
    # killed an hour ago (it collected new-feed: it counts no more)
    running = _record(0, HOST, 4242, now - timedelta(hours=2), now, None, ("inbox",))
    killed = _record(0, "evil\x1b[2J", 7, now - timedelta(hours=3), now - timedelta(hours=1),
                     None, ("new-feed",))  # fmt: skip
    _add(engine, running)
    _add(engine, killed)
    # inbox (every second) last started an hour ago, though the running process collects it
    with engine.begin() as conn:
        hour_ago = now - timedelta(hours=1)
        conn.execute(insert(schema.runs), {"source": "inbox", "started_at": hour_ago,
                                           "finished_at": hour_ago, "status": "ok",
                                           "counters": "{}"})  # fmt: skip
    listing = run_minsim("--config", str(config), "sources", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    lines = [line.strip() for line in listing.stdout.splitlines()]
    [new_feed] = [i for i, line in enumerate(lines) if line.startswith("new-feed")]
    started = format_kst(now - timedelta(hours=2))
    assert lines[new_feed + 1] == (
        f"not collected: no running `minsim run` collects it (running: on {HOST} (pid 4242) since "
        f"{started}): it reads the settings when it starts, so it does not know a source added, "
        "renamed or enabled since, nor one it was not given by name; restart it"
    )
    assert not any(line.startswith("not collected") for line in lines[new_feed + 2 :])  # off-feed
    [inbox] = [i for i, line in enumerate(lines) if line.startswith("inbox")]
    assert lines[inbox + 1] == (
        f"overdue: no run started for 1h (every 1s), though `minsim run` on {HOST} (pid 4242) "
        "collects it: if the interval changed since it started, restart it"
    )
    assert lines[-1] == (
        f"`minsim run` on {HOST} (pid 4242): running since {started} (seen 0m ago), collecting "
        "inbox"
    )
    status = run_minsim("--config", str(config), "status", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    lines = [line.strip() for line in status.stdout.splitlines()]
    [new_feed] = [i for i, line in enumerate(lines) if line.startswith("new-feed")]
    assert lines[new_feed].split() == ["new-feed", "never", "ran"]
    assert lines[new_feed + 1].startswith("not collected: no running `minsim run` collects it")
    assert lines[-1].startswith(f"`minsim run` on {HOST} (pid 4242): running since")
    # the running one stops: the killed one is older, so the stopped one is said
    with engine.begin() as conn:
        conn.execute(update(schema.schedulers).where(schema.schedulers.c.pid == 4242)
                     .values(stopped_at=now))  # fmt: skip
    listing = run_minsim("--config", str(config), "sources", cwd=tmp_path)
    assert "not collected" not in listing.stdout
    assert listing.stdout.splitlines()[-1].startswith(
        f"`minsim run`: none running; the last, on {HOST} (pid 4242), stopped "
    )
    # two processes collecting inbox at once: said, with the host's escape shown inert
    _add(engine, _record(0, "evil\x1b[2J", 7, now, now, None, ("inbox",)))
    _add(engine, _record(0, HOST, 4243, now, now, None, ("inbox", "new-feed")))
    listing = run_minsim("--config", str(config), "sources", cwd=tmp_path)
    # newest first, as they are listed
    twice = (
        f"collected twice: by `minsim run` on {HOST} (pid 4243) and on evil\\x1b[2J (pid 7); "
        "stop one"
    )
    assert twice in listing.stdout, listing.stdout
    assert "\x1b" not in listing.stdout
    engine.dispose()


def _open_run(engine: Engine, source: str) -> int:
    with engine.begin() as conn:
        row = {"source": source, "started_at": datetime.now(UTC), "status": "running",
               "counters": "{}"}  # fmt: skip
        return int(conn.execute(insert(schema.runs).values(row)).inserted_primary_key[0])


def _status(engine: Engine, run_id: int) -> str:
    with engine.connect() as conn:
        query = select(schema.runs.c.status).where(schema.runs.c.id == run_id)
        return str(conn.execute(query).scalar_one())


def test_the_runs_of_processes_gone_are_closed_and_the_others_spared(engine: Engine) -> None:
    now = datetime.now(UTC)
    gone_run, live_run, unowned = (_open_run(engine, name) for name in ("a", "b", "c"))
    gone = _add(engine, _record(0, HOST, 1, now, now - STALE_AFTER * 2, None, ("a",), gone_run))
    _add(engine, _record(0, HOST, 2, now, now, None, ("b",), live_run))
    # a heartbeat closes the run of the process gone, and only that one
    assert presence.close_orphaned_runs(engine, now) == 1
    assert [_status(engine, r) for r in (gone_run, live_run, unowned)] == [
        "failed", "running", "running"]  # fmt: skip
    assert {p.id: p.current_run for p in presence.processes(engine)}[gone] is None
    assert presence.close_orphaned_runs(engine, now) == 0
    # a start closes every open run but those under way in running processes
    assert store.close_interrupted_runs(engine, spare=[live_run]) == 1
    assert [_status(engine, r) for r in (live_run, unowned)] == ["running", "failed"]


def test_a_pid_is_asked_about_only_in_this_boot_and_namespace() -> None:
    here = presence.this_instance()
    if not here:
        pytest.skip("no /proc here: processes are judged by their heartbeat alone")
    dead_pid = _ended_pid()
    me = Process(1, presence.this_host(), os.getpid(), here, NOW, NOW, None, ())
    dead = replace(me, pid=dead_pid)
    assert me.running(NOW) and me.is_this_process
    assert not dead.running(NOW)  # a recent heartbeat, but its process is gone
    assert replace(dead, instance=ELSEWHERE).running(NOW)  # elsewhere: the heartbeat says
    assert not replace(me, pid=0).running(NOW)  # never a process group


def _ended_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# At most this long (within the client's read timeout) a run waits on the answer the test holds.
SLOW_ANSWER_SECONDS = 25.0


@pytest.mark.slow
def test_minsim_run_records_itself_and_its_stop_and_spares_another_s_run(
    tmp_path: Path, server: LocalServer
) -> None:
    answer = threading.Event()  # slow-feed's run waits until the test has looked
    server.route("/slow.xml", Reply(200, "<rss><channel></channel></rss>",
                                    delay=SLOW_ANSWER_SECONDS, gate=answer))  # fmt: skip
    slow = server.url("/slow.xml")
    config = collecting_config(
        tmp_path,
        f'[[sources]]\nname = "slow-feed"\nkind = "rss"\ninterval = "1h"\nurl = "{slow}"\n',
    )
    engine = db.open_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    deadline = time.monotonic() + WAIT_SECONDS

    def recorded() -> list[Process]:
        try:
            return presence.processes(engine)
        except store.StoreError:  # the database is being created
            return []

    def collecting(child: subprocess.Popen[str], records: int) -> Process:
        """Wait until `child` is recorded and has finished a run since (its start-up is over);
        returns its record."""
        while True:
            assert child.poll() is None, child.communicate()[0]
            assert time.monotonic() < deadline, "timed out"
            mine = [p for p in recorded() if p.pid == child.pid]
            if len(recorded()) >= records and mine and _finished_since(engine, mine[0].started_at):
                return mine[0]
            time.sleep(0.1)

    first = start_run(config, tmp_path, {})
    me = collecting(first, 1)
    assert me.sources == ("inbox", "slow-feed") and me.stopped_at is None
    assert me.host == presence.this_host() and me.instance == presence.this_instance()
    # the first waits on slow-feed's answer: a second `minsim run` of the same sources is told
    # they run twice, and leaves that run alone
    while (under_way := recorded()[-1].current_run) is None or _source(
        engine, under_way
    ) != "slow-feed":
        assert time.monotonic() < deadline, "no run of slow-feed under way"
        time.sleep(0.1)
    second = start_run(config, tmp_path, {})
    collecting(second, 2)
    assert _status(engine, under_way) == "running"
    answer.set()
    for child in (second, first):
        child.send_signal(signal.SIGTERM)
    outputs = [child.communicate(timeout=WAIT_SECONDS)[0] for child in (second, first)]
    assert f"inbox is collected by another `minsim run` too, {me.label}: stop one" in outputs[0]
    assert "slow-feed is collected by another `minsim run` too" in outputs[0]
    assert "left open" not in outputs[0]
    assert _status(engine, under_way) != "running"  # the first finished it before stopping
    assert all(p.stopped_at is not None for p in recorded())
    # killed: no stop is recorded, and it counts as gone at once (its pid is free)
    killed = start_run(config, tmp_path, {})
    collecting(killed, 3)
    killed.kill()
    killed.wait(timeout=WAIT_SECONDS)
    newest = recorded()[0]
    assert newest.pid == killed.pid and newest.stopped_at is None
    assert not newest.running(datetime.now(UTC))  # its heartbeat is recent, but it is gone
    engine.dispose()


def _source(engine: Engine, run_id: int) -> str:
    with engine.connect() as conn:
        query = select(schema.runs.c.source).where(schema.runs.c.id == run_id)
        return str(conn.execute(query).scalar_one())


def _finished_since(engine: Engine, moment: datetime) -> bool:
    table = schema.runs
    query = select(table.c.id).where(table.c.finished_at.is_not(None), table.c.started_at > moment)
    with engine.connect() as conn:
        return conn.execute(query.limit(1)).first() is not None


def test_check_exits_1_naming_each_problem_and_0_when_collecting_is_healthy(
    tmp_path: Path,
) -> None:
    config, engine = _initialised_with_feeds(tmp_path)

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        return run_minsim("--config", str(config), "check", *extra, cwd=tmp_path)

    # nothing ran yet, and no `minsim run` is about to
    first = check()
    assert first.returncode == 1, first.stderr
    assert first.stdout.splitlines() == [
        f"inbox: never ran: {NEVER_RAN}", f"new-feed: never ran: {NEVER_RAN}"]  # fmt: skip
    # a running `minsim run` collects both, inbox ran well a moment ago, new-feed starts soon
    now = datetime.now(UTC)
    _add(engine, _record(0, HOST, 4242, now, now, None, ("inbox", "new-feed")))
    _runs(engine, "inbox", [("ok", None)], now - timedelta(seconds=10))
    healthy = check()
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert healthy.stdout.splitlines()[0] == "ok: 2 enabled source(s) collected on time"
    assert healthy.stdout.splitlines()[1].startswith(f"`minsim run` on {HOST} (pid 4242)")
    # three failed runs in a row since: failing, with the last error shown inert
    _runs(engine, "inbox", [("failed", "HTTP 500"), ("failed", "HTTP 500"),
                            ("failed", "HTTP 503 \x1b[2J")], now)  # fmt: skip
    failing = check("--json")
    assert failing.returncode == 1
    report = json.loads(failing.stdout)
    assert report["ok"] is False and report["enabled"] == ["inbox", "new-feed"]
    [problem] = report["problems"]
    assert problem["source"] == "inbox" and problem["kind"] == "failing"
    assert problem["text"].startswith("3 runs in a row failed since ")
    assert problem["text"].endswith("last error: HTTP 503 \x1b[2J")
    assert [p["pid"] for p in report["running"]] == [4242]
    text = check()
    assert "inbox: failing: 3 runs in a row failed since" in text.stdout
    assert "\x1b" not in text.stdout and "HTTP 503 \\x1b[2J" in text.stdout
    engine.dispose()


def _runs(engine: Engine, source: str, runs: list[tuple[str, str | None]], at: datetime) -> None:
    """Finished runs of `source`, a second apart from `at`, with their status and error."""
    with engine.begin() as conn:
        for i, (status, error) in enumerate(runs):
            started = at + timedelta(seconds=i)
            conn.execute(insert(schema.runs), {"source": source, "started_at": started,
                                               "finished_at": started, "status": status,
                                               "counters": "{}", "error": error})  # fmt: skip


def test_a_start_takes_no_record_of_its_own_pid_for_another_process(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a dead process here whose pid this one took: stopped when this one records itself
    here = presence.this_instance()
    ghost = Process(0, presence.this_host(), os.getpid(), here, NOW, datetime.now(UTC), None, ())
    ghost_id = _add(engine, ghost)
    me = presence.record_start(engine, ["inbox"])
    by_id = {p.id: p for p in presence.processes(engine)}
    if here:
        assert by_id[ghost_id].stopped_at is not None
    assert presence.others(presence.running(by_id.values(), datetime.now(UTC)), me) == []
    # where no pid can be asked about, this process's own record is still not another one
    monkeypatch.setattr(presence, "this_instance", lambda: "")
    mine = by_id[me]
    assert mine.running(datetime.now(UTC)) and presence.others([mine], me) == []


def test_a_finished_run_is_no_longer_under_way(engine: Engine) -> None:
    process = presence.record_start(engine, ["inbox"])
    run = store.start_run(engine, "inbox", process)
    assert presence.processes(engine)[0].current_run == run
    store.finish_run(engine, run, "ok", {}, None)
    assert presence.processes(engine)[0].current_run is None
