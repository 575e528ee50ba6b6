"""What the command-line tests share: running `python -m minsim` in a clean environment, a
settings file pointing at a SQLite file in the test's folder and the shipped scenario, and
reading a brief by its sections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "seeds" / "kakao-2022"
# A command gets this long before the test fails (a demo import takes under a minute).
COMMAND_TIMEOUT_SECONDS = 600


def child_env(cwd: Path, salt: str = "test-salt") -> dict[str, str]:
    """No inherited settings or secrets: only a PATH, a home in the test folder and a salt."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "MINSIM_SALT": salt}


def run_minsim(
    *args: str,
    cwd: Path,
    timeout: float = COMMAND_TIMEOUT_SECONDS,
    stdin: str | None = None,
    salt: str = "test-salt",
) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process and capture what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "minsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
        env=child_env(cwd, salt),
    )


def write_sqlite_config(folder: Path) -> Path:
    """A minsim.toml using `folder`/minsim.db and the shipped Kakao-2022 scenario."""
    path = folder / "minsim.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{folder}/minsim.db"\n[scenario]\npath = "{SCENARIO}"\n',
        encoding="utf-8",
    )
    return path


def collecting_config(folder: Path, extra: str = "") -> Path:
    """A minsim.toml using `folder`/minsim.db, the shipped scenario and one `file` source,
    "inbox", reading `folder`/inbox every second; `extra` is added as written."""
    inbox = folder / "inbox"
    inbox.mkdir()
    config = folder / "minsim.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{folder}/minsim.db"\n[scenario]\npath = "{SCENARIO}"\n'
        f'[[sources]]\nname = "inbox"\nkind = "file"\ninterval = "1s"\nfolder = "{inbox}"\n'
        + extra,
        encoding="utf-8",
    )
    return config


def start_run(config: Path, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """`minsim run` as a child process with `env` added to ours and a salt, printing both its
    streams into one pipe."""
    return subprocess.Popen(
        [sys.executable, "-m", "minsim", "--config", str(config), "run"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "MINSIM_SALT": "test-salt", **env},
    )


def brief_sections(text: str) -> dict[str, list[str]]:
    """A brief's non-empty lines by section: its `## ` headings, "head" before the first and
    "foot" after the closing rule."""
    sections: dict[str, list[str]] = {}
    current = "head"
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:]
        elif line == "---":
            current = "foot"
        elif line:
            sections.setdefault(current, []).append(line)
    return sections
