"""The minsim command as a user runs it: a real process, a real settings file, a real database."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from minsim import schema

REPO = Path(__file__).resolve().parent.parent
COMMANDS = (
    "init",
    "import",
    "score",
    "status",
    "dashboard",
    "demo",
    "explain",
    "eval",
    "lexicon",
    "sources",
    "collect",
    "run",
)


def minsim(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "minsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "MINSIM_SALT": "test-salt"},
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "minsim.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/minsim.db"\n'
        f'[scenario]\npath = "{REPO / "seeds" / "kakao-2022"}"\n',
        encoding="utf-8",
    )
    return path


def test_help_lists_every_command_with_help(tmp_path: Path) -> None:
    result = minsim("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", result.stdout, re.MULTILINE), command
        sub = minsim(command, "--help", cwd=tmp_path)
        assert sub.returncode == 0, (command, sub.stderr)


def test_building_the_parser_leaves_the_heavy_libraries_unloaded(tmp_path: Path) -> None:
    # --help and argument errors answer at once: the database, pandas, the HTTP client and Kiwi
    # load when a command runs.
    probe = (
        "import sys; from minsim.cli import build_parser; build_parser(); "
        "heavy = ('pandas', 'sqlalchemy', 'httpx', 'kiwipiepy'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_readme_documents_every_command_setting_and_kind() -> None:
    from collectors.registry import KINDS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"minsim {command}" in readme, command
    for key in ("url", "path", "extra_lexicons", "salt_env", "salt_file", "interval", "enabled"):
        assert f"`{key}`" in readme, key
    for kind, spec in KINDS.items():
        assert f"`{kind}`" in readme, kind
        for option in spec.options:
            assert f"`{option}`" in readme, (kind, option)
    for column in ("kind", "source", "external_id", "published_at", "article_url", "likes"):
        assert f"`{column}`" in readme, column


def test_bad_settings_file_is_one_message_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[database]\nurl = "sqlite:///x.db"\ncolour = "red"\n', encoding="utf-8")
    result = minsim("--config", str(bad), "status", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"minsim: error: {bad}: unknown key 'colour' in [database]; known keys: url"
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing created before the scenario was found


def test_unreachable_database_is_one_message_and_exit_2(tmp_path: Path, config: Path) -> None:
    url = "postgresql://minsim:s3cret@127.0.0.1:1/minsim"
    result = minsim("--config", str(config), "--database-url", url, "status", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "cannot reach the database at postgresql://minsim:***@127.0.0.1:1/minsim" in result.stderr
    )
    assert "s3cret" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_import_keeps_good_rows_and_what_was_stored(tmp_path: Path, config: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps(
            {
                "kind": "article",
                "source": "my-export",
                "url": "https://example.invalid/a/1",
                "title": "카카오 장애 이틀째",
                "text": "카카오톡이 이틀째 불안정하다.",
                "published_at": "2022-10-16T09:00:00+09:00",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert minsim("--config", str(config), "import", str(good), cwd=tmp_path).returncode == 0
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "kind,source,external_id,text,published_at,article_url,likes\n"
        "comment,my-export,c1,복구가 너무 늦다 진짜,2022-10-16T10:00:00+09:00,"
        "https://example.invalid/a/1,5\n"
        "comment,my-export,c2,이건 날짜가 없다,,https://example.invalid/a/1,1\n"
        "comment,my-export,c3,빨리 고쳐줘서 고맙네요,2022-10-16T11:00:00+09:00,,lots\n"
        "comment,my-export,c4,보상은 제대로 해라,2022-10-16T12:00:00+09:00,,\n",
        encoding="utf-8",
    )
    result = minsim("--config", str(config), "import", str(mixed), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{mixed}:3: published_at is empty" in result.stderr
    assert f"{mixed}:4: likes 'lots' is not a whole number" in result.stderr
    engine = create_engine(f"sqlite:///{tmp_path}/minsim.db")
    with engine.connect() as conn:
        kinds = dict(
            conn.execute(
                select(schema.documents.c.kind, func.count()).group_by(schema.documents.c.kind)
            ).all()
        )
        scored = conn.execute(select(func.count()).select_from(schema.scores)).scalar_one()
        tagged = conn.execute(
            select(schema.document_companies.c.doc_id).where(
                schema.document_companies.c.company == "kakao"
            )
        ).all()
    assert kinds == {"article": 1, "comment": 2}
    assert scored == 3
    assert len(tagged) == 2  # the article names 카카오 and comment c1 inherits it


@pytest.mark.slow
def test_init_demo_loads_scores_and_tags_everything_once(tmp_path: Path, config: Path) -> None:
    first = minsim("--config", str(config), "init", "--demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    counts = _counts(tmp_path / "minsim.db")
    assert counts["article"] >= 150
    assert counts["comment"] >= 5000
    assert counts["scored"] == counts["article"] + counts["comment"]
    assert counts["tagged"] == counts["article"] + counts["comment"]
    assert counts["events"] >= 3
    second = minsim("--config", str(config), "init", "--demo", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert _counts(tmp_path / "minsim.db") == counts
    assert "new 0" in second.stdout
    status = minsim("--config", str(config), "status", cwd=tmp_path)
    assert f"comment {counts['comment']:,}" in status.stdout


def _counts(path: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        kinds = dict(
            conn.execute(
                select(schema.documents.c.kind, func.count()).group_by(schema.documents.c.kind)
            ).all()
        )
        scored = conn.execute(select(func.count()).select_from(schema.scores)).scalar_one()
        tagged = conn.execute(
            select(func.count(schema.document_companies.c.doc_id.distinct()))
        ).scalar_one()
        events = conn.execute(select(func.count()).select_from(schema.events)).scalar_one()
    engine.dispose()
    return {**kinds, "scored": scored, "tagged": tagged, "events": events}


def test_score_fills_gaps_and_rescore_recomputes_everything(tmp_path: Path, config: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "\n".join(
            json.dumps(
                {
                    "kind": "comment",
                    "source": "my-export",
                    "external_id": f"c{n}",
                    "text": text,
                    "published_at": "2022-10-19T12:00:00+09:00",
                },
                ensure_ascii=False,
            )
            for n, text in enumerate(["사과는 했지만 진정성이 없다", "복구가 빨라서 다행이다"])
        ),
        encoding="utf-8",
    )
    assert minsim("--config", str(config), "import", str(rows), cwd=tmp_path).returncode == 0
    engine = create_engine(f"sqlite:///{tmp_path}/minsim.db")
    with engine.begin() as conn:  # a score of an older scorer version, as after a lexicon change
        conn.execute(
            schema.scores.update().values(scorer_version="old"),
        )
    engine.dispose()
    filled = minsim("--config", str(config), "score", cwd=tmp_path)
    assert filled.returncode == 0 and ": 2 documents scored" in filled.stdout
    again = minsim("--config", str(config), "score", cwd=tmp_path)
    assert ": 0 documents scored" in again.stdout
    rescored = minsim("--config", str(config), "score", "--rescore", cwd=tmp_path)
    assert ": 2 documents scored" in rescored.stdout
    counts = _counts(tmp_path / "minsim.db")
    assert counts["scored"] == 2  # the old version's rows are gone


@pytest.mark.slow
def test_dashboard_command_serves_and_stops_on_sigterm(tmp_path: Path, config: Path) -> None:
    import signal
    import socket
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "minsim", "--config", str(config), "dashboard"]
        + ["--port", str(port), "--host", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, healthy = time.monotonic() + 120, False
        while time.monotonic() < deadline and process.poll() is None and not healthy:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                healthy = answer.status_code == 200
            except httpx.TransportError:
                time.sleep(0.5)
        assert healthy, process.stdout.read() if process.poll() is not None else "no answer"
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert page.status_code == 200 and "<html" in page.text.lower()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    with pytest.raises(httpx.TransportError):  # the one process is gone: nothing holds the port
        httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)


def test_init_outside_the_project_names_the_folder_and_how_to_point_at_it(tmp_path: Path) -> None:
    result = minsim("init", "--demo", cwd=tmp_path)
    assert result.returncode != 0
    assert f"scenario folder {tmp_path / 'seeds' / 'kakao-2022'} does not exist" in result.stderr
    assert "--config" in result.stderr and "[scenario] path" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing created before the scenario was found
