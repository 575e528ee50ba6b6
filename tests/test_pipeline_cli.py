"""`minsim sources` and `minsim collect` as a user runs them: real processes, real files."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from httpserver import LocalServer, Reply
from sqlalchemy import create_engine, func, select, update

from minsim import schema, store
from tests.cli_support import run_minsim

REPO = Path(__file__).resolve().parent.parent
ROWS = [
    {
        "kind": "article",
        "source": "dropbox",
        "url": "https://demo.minsim.invalid/cli/1",
        "title": "카카오 먹통 사흘째",
        "text": "카카오톡 일부 기능이 여전히 불안정하다.",
        "published_at": "2022-10-17T09:00:00+09:00",
    },
    {
        "kind": "comment",
        "source": "dropbox",
        "external_id": "cli-c1",
        "text": "이젠 그냥 텔레그램 씁니다ㅋㅋ",
        "published_at": "2022-10-17T09:30:00+09:00",
        "article_url": "https://demo.minsim.invalid/cli/1",
    },
]


def minsim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_minsim(*args, cwd=cwd, salt="cli-salt")


@pytest.fixture
def server():
    with LocalServer() as s:
        s.route("/gone.xml", Reply(404, "<html><body>no such feed</body></html>"))
        yield s


def write_config(tmp_path: Path, server: LocalServer) -> Path:
    drop = tmp_path / "drop"
    drop.mkdir()
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS)
    (drop / "rows.jsonl").write_text(text, encoding="utf-8")
    config = tmp_path / "minsim.toml"
    config.write_text(
        f"""
[database]
url = "sqlite:///{tmp_path / "minsim.db"}"
[scenario]
path = "{REPO / "seeds" / "kakao-2022"}"

[[sources]]
name = "dropbox"
kind = "file"
interval = "1m"
folder = "{drop}"

[[sources]]
name = "gone-feed"
kind = "rss"
interval = "15m"
url = "{server.url("/gone.xml")}"

[[sources]]
name = "comments"
kind = "naver_comments"
interval = "1h"
enabled = false
""",
        encoding="utf-8",
    )
    return config


def test_collect_and_sources_as_a_user_runs_them(tmp_path, server):
    config = write_config(tmp_path, server)
    result = minsim("--config", str(config), "collect", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "dropbox (file): collecting" in out and "gone-feed (rss): collecting" in out
    assert "comments (naver_comments)" not in out  # disabled and not named
    summary = out[out.index("summary:") :]
    assert "dropbox" in summary and "ok" in summary and "new 2" in summary
    assert "gone-feed" in summary and "FAILED" in summary and "HTTP 404" in summary
    engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.documents)).scalar_one() == 2
    engine.dispose()

    listing = minsim("--config", str(config), "sources", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    lines = {line.split()[0]: line for line in listing.stdout.splitlines() if line.strip()}
    assert lines["dropbox"].split()[1:5] == ["file", "1m", "yes", "ok"]
    assert "KST" in lines["dropbox"] and "new 2" in lines["dropbox"]
    assert lines["gone-feed"].split()[1:5] == ["rss", "15m", "yes", "failed"]
    assert "HTTP 404" in listing.stdout
    assert lines["comments"].split()[1:5] == ["naver_comments", "1h", "no", "never"]

    unknown = minsim("--config", str(config), "collect", "nosuch", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "no source named 'nosuch'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_sources_reads_an_existing_database_only(tmp_path, server):
    config = write_config(tmp_path, server)
    database = tmp_path / "minsim.db"
    missing = minsim("--config", str(config), "sources", cwd=tmp_path)
    assert missing.returncode == 2
    (line,) = missing.stderr.strip().splitlines()
    assert f"database file {database} does not exist" in line and "run `minsim init`" in line
    assert not database.exists()
    assert minsim("--config", str(config), "init", cwd=tmp_path).returncode == 0
    listing = minsim("--config", str(config), "sources", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert [line.split()[-1] for line in listing.stdout.splitlines()[1:]] == ["never"] * 3


def test_sources_without_any_configured_needs_no_database(tmp_path):
    config = tmp_path / "minsim.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "minsim.db"}"\n')
    listing = minsim("--config", str(config), "sources", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.startswith("no sources configured")
    assert not (tmp_path / "minsim.db").exists()


def test_run_errors_are_shown_with_terminal_controls_escaped(tmp_path, server):
    from minsim import db, store

    config = write_config(tmp_path, server)
    assert minsim("--config", str(config), "init", cwd=tmp_path).returncode == 0
    engine = db.open_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    run_id = store.start_run(engine, "gone-feed")  # as a feed that answered with escape codes
    store.finish_run(engine, run_id, "failed", {}, "PayloadError: <b>\x1b[2J\u202egone</b>")
    engine.dispose()
    for command in ("sources", "status"):
        shown = minsim("--config", str(config), command, cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert "PayloadError: <b>\\x1b[2J\\u202egone</b>" in shown.stdout, command
        assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout, command


def _runs_started(tmp_path: Path, now: datetime, started: list[tuple[str, timedelta]]) -> None:
    """A good run of each source, started (and ended) that long before `now`."""
    engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    for source, before in started:
        run = store.start_run(engine, source)
        store.finish_run(engine, run, "ok", {"fetched": 0}, None)
        with engine.begin() as conn:
            conn.execute(update(schema.runs).where(schema.runs.c.id == run)
                         .values(started_at=now - before, finished_at=now - before))  # fmt: skip
    engine.dispose()


def test_sources_says_which_enabled_source_stopped_being_collected(tmp_path, server):
    config = write_config(tmp_path, server)
    assert minsim("--config", str(config), "init", cwd=tmp_path).returncode == 0
    now = datetime.now(UTC)
    # dropbox (every 1m) last started 2 hours ago; gone-feed (every 15m) 20 minutes ago, within
    # three intervals; comments (disabled) a day ago.
    _runs_started(tmp_path, now, [("dropbox", timedelta(hours=2)),
                                  ("gone-feed", timedelta(minutes=20)),
                                  ("comments", timedelta(days=1))])  # fmt: skip
    listing = minsim("--config", str(config), "sources", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    [overdue] = [line.strip() for line in listing.stdout.splitlines() if "overdue" in line]
    # 2h, or 2h 1m on a slow machine
    assert re.fullmatch(r"overdue: no run started for 2h( 1m)? \(every 1m\): is `minsim run` "
                        r"running\?", overdue), overdue  # fmt: skip
    status = minsim("--config", str(config), "status", cwd=tmp_path)  # the same line
    [again] = [line.strip() for line in status.stdout.splitlines() if "overdue" in line]
    assert re.fullmatch(r"overdue: no run started for 2h( 1m)? \(every 1m\): is `minsim run` "
                        r"running\?", again), again  # fmt: skip
    # a run still marked running holds back the next: named as such
    engine = create_engine(f"sqlite:///{tmp_path / 'minsim.db'}")
    run = store.start_run(engine, "dropbox")
    with engine.begin() as conn:
        conn.execute(update(schema.runs).where(schema.runs.c.id == run)
                     .values(started_at=now - timedelta(hours=1)))  # fmt: skip
    engine.dispose()
    listing = minsim("--config", str(config), "sources", cwd=tmp_path)
    [overdue] = [line.strip() for line in listing.stdout.splitlines() if "overdue" in line]
    assert overdue.startswith("overdue: its run started 1h")
    assert "is still marked running: a long run, or `minsim run` was stopped" in overdue
