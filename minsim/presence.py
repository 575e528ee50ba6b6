"""Which `minsim run` processes are running, and which sources each collects.

Each `minsim run` records itself when it starts (host, process id, the sources it collects),
beats every HEARTBEAT_SECONDS on a thread of its own while it lives, and records its stop. One
whose heartbeat is older than STALE_AFTER was killed or hangs: it no longer counts as running.
Since `minsim run` reads its settings once, readers (`minsim sources`, `minsim status`, the
Sources page) can then name the enabled sources no running process collects (the process was
started before they were added, renamed or enabled, or was given other names) and the sources
two processes collect at once.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from minsim import db, schema
from minsim.errors import MinsimError
from minsim.normalize import column_length
from minsim.store import transaction

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 60.0
# Several heartbeats missed: a beat may wait behind a long write on SQLite (its busy timeout).
STALE_AFTER = timedelta(minutes=5)
# Records of processes gone this long are removed when the next one starts.
KEEP = timedelta(days=30)
HOST_CHARS = column_length(schema.schedulers.c.host)


@dataclass(frozen=True)
class Process:
    """One recorded `minsim run` process."""

    id: int
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime
    stopped_at: datetime | None
    sources: tuple[str, ...]

    def running(self, now: datetime) -> bool:
        """Not stopped, its heartbeat is recent, and, on this host, its process exists (one
        killed a moment ago must not wait out its heartbeat: a restart closes its open run)."""
        recent = self.stopped_at is None and now - self.seen_at <= STALE_AFTER
        return recent and (self.host != this_host() or _exists(self.pid))

    @property
    def label(self) -> str:
        """'on host (pid 4242)'."""
        return f"on {self.host} (pid {self.pid})"


def this_host() -> str:
    """This machine's name as processes record it."""
    return socket.gethostname()[:HOST_CHARS]


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process is there
    except ProcessLookupError:
        return False
    except PermissionError:  # there, run by another user
        return True
    return True


def record_start(engine: Engine, sources: Sequence[str]) -> int:
    """Record this process as a `minsim run` collecting `sources`; returns its id. Records of
    processes gone for KEEP are removed on the way."""
    now = schema.utcnow()
    row = {"host": this_host(), "pid": os.getpid(), "started_at": now,
           "seen_at": now, "stopped_at": None, "sources": json.dumps(list(sources))}  # fmt: skip
    table = schema.schedulers
    with transaction(engine, "record the minsim run process") as conn:
        conn.execute(delete(table).where(table.c.seen_at < now - KEEP))
        return int(conn.execute(insert(table).values(row)).inserted_primary_key[0])


def beat(engine: Engine, process_id: int) -> None:
    """Say this process is still alive."""
    table = schema.schedulers
    with transaction(engine, "record the heartbeat") as conn:
        conn.execute(update(table).where(table.c.id == process_id).values(seen_at=schema.utcnow()))


def record_stop(engine: Engine, process_id: int) -> None:
    table = schema.schedulers
    now = schema.utcnow()
    with transaction(engine, "record the stop") as conn:
        conn.execute(
            update(table).where(table.c.id == process_id).values(seen_at=now, stopped_at=now)
        )


def processes(engine: Engine) -> list[Process]:
    """The recorded processes, newest start first; none on a database from before migration 8."""
    if not db.has_schedulers(engine):
        return []
    table = schema.schedulers
    query = select(table).order_by(table.c.started_at.desc(), table.c.id.desc())
    with transaction(engine, "read the minsim run processes") as conn:
        rows = conn.execute(query).mappings().all()
    return [_process(row) for row in rows]


def _process(row: dict) -> Process:
    try:
        sources = tuple(str(name) for name in json.loads(row["sources"]))
    except (ValueError, TypeError):  # a row written by hand: it collects nothing we know
        sources = ()
    return Process(row["id"], row["host"], row["pid"], row["started_at"], row["seen_at"],
                   row["stopped_at"], sources)  # fmt: skip


def running(recorded: Iterable[Process], now: datetime) -> list[Process]:
    return [process for process in recorded if process.running(now)]


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
    """Beats for one recorded process on a daemon thread until `stop()`; a beat that fails (a
    database locked for long, or gone) is logged and the next one tried."""

    def __init__(self, engine: Engine, process_id: int, every: float = HEARTBEAT_SECONDS) -> None:
        self._engine, self._id, self._every = engine, process_id, every
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="minsim-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stopping.wait(self._every):
            try:
                beat(self._engine, self._id)
            except MinsimError as exc:
                log.warning("heartbeat not recorded: %s", exc)
