"""Which `minsim run` processes are running, and which sources each collects.

Each `minsim run` records itself when it starts (host, process id, the sources it collects)
and the run it has under way, beats every HEARTBEAT_SECONDS on a thread of its own while it
lives, and records its stop. One whose heartbeat is older than STALE_AFTER was killed or is
stopped: it no longer counts as running, and the run it had under way is closed as interrupted
(by the next start, or by the heartbeat of a process still running). Since `minsim run` reads
its settings once, readers (`minsim sources`, `minsim status`, the Sources page) can then name
the enabled sources no running process collects (the process was started before they were
added, renamed or enabled, or was given other names) and the sources two processes collect at
once. Heartbeats are judged by the reader's clock: hosts that share a database keep their
clocks in time (NTP).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, RowMapping, delete, insert, select, update

from minsim import db, schema, store
from minsim.normalize import column_length
from minsim.store import transaction

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 60.0
# Several heartbeats missed: a beat may wait behind a long write on SQLite (its busy timeout).
STALE_AFTER = timedelta(minutes=5)
# Records of processes gone this long are removed when the next one starts.
KEEP = timedelta(days=30)
HOST_CHARS = column_length(schema.schedulers.c.host)
INSTANCE_CHARS = column_length(schema.schedulers.c.instance)
# How long a stopping process waits for a beat under way.
STOP_SECONDS = 5.0


@dataclass(frozen=True)
class Process:
    """One recorded `minsim run` process."""

    id: int
    host: str
    pid: int
    instance: str
    started_at: datetime
    seen_at: datetime
    stopped_at: datetime | None
    sources: tuple[str, ...]
    current_run: int | None = None

    def running(self, now: datetime) -> bool:
        """Not stopped, its heartbeat is recent, and where its pid can be asked about (the same
        boot and process namespace), its process exists: one killed a moment ago must not wait
        out its heartbeat."""
        recent = self.stopped_at is None and now - self.seen_at <= STALE_AFTER
        here = this_instance()
        return recent and (not here or self.instance != here or _exists(self.pid))

    @property
    def name(self) -> str:
        """'host (pid 4242)'."""
        return f"{self.host} (pid {self.pid})"

    @property
    def label(self) -> str:
        """'on host (pid 4242)'."""
        return f"on {self.name}"

    @property
    def is_this_process(self) -> bool:
        """Whether the record names this very process (or a dead one whose pid it took)."""
        here = this_instance()
        return bool(here) and self.instance == here and self.pid == os.getpid()


def this_host() -> str:
    """This machine's name as processes record it."""
    return socket.gethostname()[:HOST_CHARS]


@cache
def this_instance() -> str:
    """The boot and process namespace of this process (Linux), where its pid means something;
    empty where they cannot be read, and then no pid is asked about."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""
    return f"{boot}/{namespace}"[:INSTANCE_CHARS]


def _exists(pid: int) -> bool:
    if pid <= 0:  # 0 and negative ids signal process groups: never a process of ours
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process is there
    except ProcessLookupError:
        return False
    except PermissionError:  # there, run by another user
        return True
    except (OSError, OverflowError):
        return False
    return True


def record_start(engine: Engine, sources: Sequence[str]) -> int:
    """Record this process as a `minsim run` collecting `sources`; returns its id. Records of
    processes gone for KEEP are removed on the way."""
    now = schema.utcnow()
    row = {"host": this_host(), "pid": os.getpid(), "instance": this_instance(),
           "started_at": now, "seen_at": now, "stopped_at": None,
           "sources": json.dumps(list(sources)), "current_run": None}  # fmt: skip
    table = schema.schedulers
    with transaction(engine, "record the minsim run process") as conn:
        conn.execute(delete(table).where(table.c.seen_at < now - KEEP))
        if row["instance"]:  # a record of this pid here is a dead process whose pid we took
            conn.execute(
                update(table)
                .where(table.c.instance == row["instance"], table.c.pid == row["pid"],
                       table.c.stopped_at.is_(None))
                .values(stopped_at=now)
            )  # fmt: skip
        return int(conn.execute(insert(table).values(row)).inserted_primary_key[0])


def beat(engine: Engine, process_id: int) -> None:
    """Say this process is still alive."""
    _set(engine, process_id, "record the heartbeat", seen_at=schema.utcnow())


def record_stop(engine: Engine, process_id: int) -> None:
    """Record that this process stopped: readers stop counting it at once."""
    now = schema.utcnow()
    _set(engine, process_id, "record the stop", seen_at=now, stopped_at=now, current_run=None)


def _set(engine: Engine, process_id: int, what: str, **values: object) -> None:
    table = schema.schedulers
    with transaction(engine, what) as conn:
        done = conn.execute(update(table).where(table.c.id == process_id).values(**values))
    if not done.rowcount:  # removed as gone for KEEP while this process was suspended
        log.warning("this minsim run is no longer recorded: readers will not count it")


def processes(engine: Engine) -> list[Process]:
    """The recorded processes, newest start first; none on a database from before migration 8."""
    if not db.has_schedulers(engine):
        return []
    table = schema.schedulers
    query = select(table).order_by(table.c.started_at.desc(), table.c.id.desc())
    with transaction(engine, "read the minsim run processes") as conn:
        rows = conn.execute(query).mappings().all()
    return [_process(row) for row in rows]


def _process(row: RowMapping) -> Process:
    try:
        loaded = json.loads(row["sources"])
    except ValueError:
        loaded = None
    # A row written by hand may hold anything: names are read as one line of text each.
    names = loaded if isinstance(loaded, list) else []
    return Process(
        row["id"], _one_line(row["host"]), row["pid"], row["instance"], row["started_at"],
        row["seen_at"], row["stopped_at"], tuple(_one_line(str(name)) for name in names),
        row["current_run"],
    )  # fmt: skip


def _one_line(text: str) -> str:
    return " ".join(text.split())


def close_orphaned_runs(engine: Engine, now: datetime) -> int:
    """Close as interrupted the runs recorded under way by processes no longer running (killed:
    nobody else would close them while other processes run); returns how many."""
    gone = [p for p in processes(engine) if p.current_run is not None and not p.running(now)]
    if not gone:
        return 0
    table = schema.schedulers
    closed = 0
    with transaction(engine, "close the runs of processes gone") as conn:
        for process in gone:
            # only if it still has that run under way: one alive after all may have moved on
            cleared = conn.execute(
                update(table)
                .where(table.c.id == process.id, table.c.current_run == process.current_run)
                .values(current_run=None)
            ).rowcount
            if cleared:
                closed += store.interrupt_runs(conn, schema.runs.c.id == process.current_run)
    return closed


def running(recorded: Iterable[Process], now: datetime) -> list[Process]:
    return [process for process in recorded if process.running(now)]


def others(live: Iterable[Process], process_id: int) -> list[Process]:
    """The running processes but the one recorded as `process_id` (this one), and but any
    record naming this very process (a dead one whose pid it took)."""
    return [p for p in live if p.id != process_id and not p.is_this_process]


def not_collected(enabled: Iterable[str], live: Sequence[Process]) -> list[str]:
    """The enabled sources no running process collects, when one runs that collects any (a
    process writing briefs alone says nothing of the sources; none running is said apart)."""
    collected = {name for process in live for name in process.sources}
    if not collected:
        return []
    return [name for name in enabled if name not in collected]


def collected_twice(live: Sequence[Process]) -> dict[str, list[Process]]:
    """The sources two or more running processes collect, each with those processes."""
    by_source: dict[str, list[Process]] = {}
    for process in live:
        for name in process.sources:
            by_source.setdefault(name, []).append(process)
    return {name: found for name, found in sorted(by_source.items()) if len(found) > 1}


class Heartbeat:
    """Beats for one recorded process on a daemon thread until `stop()`, and closes the runs
    of processes found gone (close_orphaned_runs); a beat that fails (a database locked for
    long, or gone) is logged and the next one tried."""

    def __init__(self, engine: Engine, process_id: int, every: float = HEARTBEAT_SECONDS) -> None:
        self._engine, self._id, self._every = engine, process_id, every
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="minsim-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop beating; a beat waiting on the database is left to finish on its own."""
        self._stopping.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.wait(self._every):
            # boundaries: a thread that died would look like a dead process
            try:
                beat(self._engine, self._id)
            except Exception as exc:
                log.warning("heartbeat not recorded: %s: %s", type(exc).__name__, exc)
            try:
                closed = close_orphaned_runs(self._engine, datetime.now(UTC))
            except Exception as exc:
                log.warning("runs of processes gone not closed: %s: %s", type(exc).__name__, exc)
                continue
            if closed:
                log.warning("closed %d run(s) left open by a minsim run that is gone", closed)
