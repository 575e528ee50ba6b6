"""The minsim command as a user runs it: a real process, a real settings file, a real database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from httpserver import SERVING_GROUP
from sqlalchemy import create_engine, func, inspect, select, text

from minsim import db, schema
from tests.cli_support import child_env, run_minsim, write_sqlite_config

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
    "sample",
    "lexicon",
    "sources",
    "collect",
    "run",
    "impact",
    "events",
    "surges",
    "topics",
    "brief",
    "prune",
)


# What a shell reports for a process stopped by SIGPIPE (128 + 13).
EXIT_BROKEN_PIPE = 141
# Linux's limit on one command-line argument (MAX_ARG_STRLEN): longer texts need --file or stdin.
MAX_ARGUMENT_BYTES = 131072
# What a terminal acts on instead of showing (C0 but tab and newline, DEL, C1, bidi controls).
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def minsim(
    *args: str, cwd: Path, timeout: float = 600, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_minsim(*args, cwd=cwd, timeout=timeout, stdin=stdin)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_sqlite_config(tmp_path)


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
    from minsim.settings import _SCHEMA

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"minsim {command}" in readme, command
    for table, keys in _SCHEMA.items():  # every key of every table has a row of its own
        for key in keys:
            assert f"| `[{table}]` | `{key}` |" in readme, (table, key)
    for key in ("name", "kind", "interval", "enabled"):
        assert f"| `[[sources]]` | `{key}` |" in readme, key
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


def test_a_missing_file_does_not_stop_the_next_ones(tmp_path: Path, config: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "kind,source,external_id,text,published_at\n"
        "comment,my-export,c1,복구가 너무 늦다,2022-10-16T10:00:00+09:00\n",
        encoding="utf-8",
    )
    missing = tmp_path / "missing.csv"
    result = minsim("--config", str(config), "import", str(missing), str(good), cwd=tmp_path)
    assert result.returncode == 2
    assert str(missing) in result.stderr and "1 of 2 file(s) failed" in result.stderr
    assert "Traceback" not in result.stderr
    engine = create_engine(f"sqlite:///{tmp_path}/minsim.db")
    with engine.connect() as conn:
        stored = conn.execute(select(schema.documents.c.external_id)).scalars().all()
    assert stored == ["c1"]  # the file after the missing one was imported


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
    # each demo file's runs name the document sources they stored
    lines = status.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "demo:comments" in line)
    stored_into = next(line for line in lines[at + 1 :] if "stored into:" in line)
    assert "demo-community" in stored_into and "demo-portal" in stored_into
    # the run id, as the dashboard's Documents page takes it (?run=N)
    run_id = int(re.search(r" run (\d+) ", lines[at]).group(1))  # type: ignore[union-attr]
    with create_engine(f"sqlite:///{tmp_path / 'minsim.db'}").connect() as conn:
        name = conn.execute(select(schema.runs.c.source).where(schema.runs.c.id == run_id))
        assert name.scalar_one() == "demo:comments.jsonl"


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
@pytest.mark.xdist_group(SERVING_GROUP)  # its port is chosen before the server takes it
def test_dashboard_command_serves_and_stops_on_sigterm(tmp_path: Path, config: Path) -> None:
    import signal
    import socket
    import time

    import httpx

    # the dashboard only reads: the database must exist first
    assert minsim("--config", str(config), "init", cwd=tmp_path).returncode == 0
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


def _settings_file(tmp_path: Path, database: Path, extra: str = "") -> Path:
    path = tmp_path / "minsim.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{database}"\n'
        f'[scenario]\npath = "{REPO / "seeds" / "kakao-2022"}"\n' + extra,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["status", "sources", "dashboard"])
def test_readers_on_a_missing_database_say_so_and_create_nothing(
    tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "nowhere" / "minsim.db"
    source = '[[sources]]\nname = "demo"\nkind = "replay"\ninterval = "30s"\n'
    config = _settings_file(tmp_path, missing, source)
    # a short timeout: were the dashboard to start after all, it would serve until stopped
    result = minsim("--config", str(config), command, cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"minsim: error: database file {missing} does not exist; ")
    assert "run `minsim init`" in line
    assert not (tmp_path / "nowhere").exists()


def test_status_outside_a_project_creates_no_database(tmp_path: Path) -> None:
    result = minsim("status", cwd=tmp_path)
    assert result.returncode == 2
    assert f"database file {tmp_path / 'data' / 'minsim.db'} does not exist" in result.stderr
    assert not (tmp_path / "data").exists()
    flag = minsim("--database-url", f"sqlite:///{tmp_path}/a/b/x.db", "status", cwd=tmp_path)
    assert flag.returncode == 2 and f"{tmp_path}/a/b/x.db does not exist" in flag.stderr
    assert not (tmp_path / "a").exists()


def test_readers_work_on_a_database_whose_missing_migrations_only_add_indexes(
    tmp_path: Path,
) -> None:
    db_file = tmp_path / "v2.db"
    engine = create_engine(f"sqlite:///{db_file}")
    db.migrate(engine)
    with engine.begin() as conn:  # as a version-2 database: without migration 3's indexes
        conn.execute(text("DROP INDEX ix_documents_collected_at"))
        conn.execute(text("DROP INDEX ix_scores_scored_at"))
        conn.execute(text("DROP TABLE document_terms"))  # nor migration 4's table
        conn.execute(text("DELETE FROM schema_migrations WHERE version > 2"))
    engine.dispose()
    config = _settings_file(tmp_path, db_file)
    result = minsim("--config", str(config), "surges", "--ongoing", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    brief = minsim("--config", str(config), "brief", "--hours", "6", cwd=tmp_path)
    assert brief.returncode == 0, brief.stderr
    assert "이 데이터베이스에는 화제어가 없습니다" in brief.stdout


def test_status_on_a_database_without_tables_asks_for_init(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    config = _settings_file(tmp_path, empty)
    result = minsim("--config", str(config), "status", cwd=tmp_path)
    assert result.returncode == 2
    assert "is at schema version 0" in result.stderr and "run `minsim init`" in result.stderr
    engine = create_engine(f"sqlite:///{empty}")
    assert inspect(engine).get_table_names() == []  # not migrated behind the user's back
    engine.dispose()


def test_global_options_are_taken_after_the_command_too(tmp_path: Path, config: Path) -> None:
    assert minsim("init", "--config", str(config), cwd=tmp_path).returncode == 0
    status = minsim("status", "--config", str(config), cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert f"database: sqlite:///{tmp_path}/minsim.db" in status.stdout
    other = tmp_path / "other.db"
    # the option given after the command wins over the one given before it
    args = ("--database-url", "sqlite:///ignored.db", "status", "--database-url")
    both = minsim(*args, f"sqlite:///{other}", cwd=tmp_path)
    assert both.returncode == 2 and f"database file {other} does not exist" in both.stderr
    nested = minsim("lexicon", "check", "--config", str(tmp_path / "absent.toml"), cwd=tmp_path)
    assert nested.returncode == 2
    assert f"settings file {tmp_path / 'absent.toml'} does not exist" in nested.stderr


@pytest.mark.parametrize(
    "args", [("explain", "--json", "좋다"), ("lexicon", "check"), ("--help",)], ids=str
)
def test_a_closed_stdout_ends_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as `| head -c 0`
    try:
        result = subprocess.run(
            [sys.executable, "-m", "minsim", *args],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=600,
            env=child_env(tmp_path),
        )
    finally:
        os.close(write_end)
    assert result.returncode == EXIT_BROKEN_PIPE
    assert result.stderr == ""


def test_explain_escapes_terminal_controls_and_json_stays_faithful(tmp_path: Path) -> None:
    text = "좋다\x1b[2J 정말\x9b\u202e거꾸로\x07"
    shown = minsim("explain", text, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "좋다\\x1b[2J 정말\\x9b\\u202e거꾸로\\x07" in shown.stdout
    assert not TERMINAL_CONTROLS.search(shown.stdout)
    as_json = minsim("explain", "--json", text, cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    hits = json.loads(as_json.stdout)["hits"]
    assert hits and all(text[h["span"][0] : h["span"][1]] == h["text"] for h in hits)


def test_explain_reads_the_text_from_stdin_or_a_file(tmp_path: Path) -> None:
    text = "사과는 했지만 진정성은 하나도 안 느껴진다ㅋㅋ"
    given = minsim("explain", text, cwd=tmp_path)
    assert given.returncode == 0, given.stderr
    (tmp_path / "one.txt").write_text(text, encoding="utf-8")
    assert minsim("explain", "-", stdin=text, cwd=tmp_path).stdout == given.stdout
    assert minsim("explain", "--file", "one.txt", cwd=tmp_path).stdout == given.stdout
    article = tmp_path / "article.txt"
    article.write_text("카카오의 보상안은 실망스럽다. " * 4000, encoding="utf-8")
    assert article.stat().st_size > MAX_ARGUMENT_BYTES  # too long for a command-line argument
    long = minsim("explain", "--file", str(article), cwd=tmp_path)
    assert long.returncode == 0, long.stderr
    assert "label: neg" in long.stdout
    missing = minsim("explain", "--file", "nope.txt", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == ["minsim: error: explain: nope.txt: no such file"]


def test_eval_names_an_unknown_aspect_and_the_known_ones(tmp_path: Path, config: Path) -> None:
    labeled = tmp_path / "aspects.tsv"
    labeled.write_text(
        "text\taspect\tlabel\n사과는 진심이었다\tapology\tpos\n사과가 늦었다\tapologyy\tneg\n",
        encoding="utf-8",
    )
    result = minsim("--config", str(config), "eval", str(labeled), cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"{labeled}:3: unknown aspect 'apologyy'; known aspects: apology, " in line
    assert "resignation" in line


def test_lexicon_check_reports_every_error_and_no_ok_line_for_a_failing_file(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "mine.tsv"
    bad.write_text(
        "key\tweight\tsource\tnote\n뀨뀨/NNG\t2\tuser\t\n좋다/VA\t2\tuser\t\n"
        "뀨/NNG\t9\tuser\t\n싫다/QQ\t-1\tuser\t\n뀨뀨/NNG\t1\tuser\t\n",
        encoding="utf-8",
    )
    result = minsim("lexicon", "check", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert sorted(int(line.split(":")[1]) for line in lines[:-1]) == [3, 4, 5, 6]
    assert all(line.startswith(f"{bad}:") for line in lines[:-1])
    assert lines[-1] == f"minsim: error: 4 errors in {bad}"
    assert "ok" not in result.stdout
    one = tmp_path / "one.tsv"
    one.write_text("key\tweight\tsource\tnote\n뀨뀨/NNG\t2\tuser\t\n", encoding="utf-8")
    single = minsim("lexicon", "check", str(one), cwd=tmp_path)
    assert single.returncode == 0, single.stderr
    assert single.stdout.splitlines() == [f"{one}: 1 entry ok", "ok: 1 entry in 1 file"]


def test_an_induced_lexicon_works_as_a_user_lexicon(tmp_path: Path) -> None:
    out = tmp_path / "induced.tsv"
    sentences = REPO / "tests" / "data" / "sentences.tsv"
    induced = minsim("lexicon", "induce", str(sentences), "-o", str(out), cwd=tmp_path)
    assert induced.returncode == 0, induced.stderr
    check = minsim("lexicon", "check", str(out), cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    found = re.search(
        rf"^{re.escape(str(out))}: (\d+) entr(y|ies) ok; (\d+) induced rows? skipped",
        check.stdout,
        re.MULTILINE,
    )
    assert found and int(found[1]) > 0 and int(found[3]) > 0, check.stdout
    config = _settings_file(
        tmp_path, tmp_path / "minsim.db", f'[scorer]\nextra_lexicons = ["{out}"]\n'
    )
    explained = minsim("--config", str(config), "explain", "--json", "좋다", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    hits = json.loads(explained.stdout)["hits"]
    assert [h["source"] for h in hits if h["key"] == "좋다/VA"] == ["curated"]  # curated wins


def test_induce_that_learns_nothing_fails_and_writes_nothing(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.tsv"
    tiny.write_text("text\tlabel\n좋다\tpos\n나쁘다\tneg\n", encoding="utf-8")
    out = tmp_path / "lexicon.tsv"
    out.write_text("an earlier lexicon\n", encoding="utf-8")
    result = minsim("lexicon", "induce", str(tiny), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "nothing learned" in line and "--min-count 3" in line and f"{out} not written" in line
    assert out.read_text(encoding="utf-8") == "an earlier lexicon\n"
    assert not list(tmp_path.glob("*.partial"))


def test_induce_help_states_the_defaults_induce_uses() -> None:
    from minsim.cli_scorer import INDUCE_OPTIONS
    from sentiment import induce

    for flag, _, meaning in INDUCE_OPTIONS:
        constant = "DEFAULT_" + flag.removeprefix("--").replace("-", "_").upper()
        written = re.search(r"\(default ([0-9.]+)\)", meaning)
        assert written, flag
        assert float(written.group(1)) == getattr(induce, constant), (flag, constant)
