"""The salt that turns nicknames and user ids into hashes (never stored in the database)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from minsim.errors import SettingsError
from minsim.settings import Settings

# 32 random bytes: far beyond what a dictionary attack on nicknames could guess.
SALT_BYTES = 32


def load_salt(settings: Settings) -> str:
    """The salt from the environment variable named in settings, else from the salt file, which
    is created with a random value on first use and readable by its owner only."""
    from_env = os.environ.get(settings.privacy.salt_env)
    if from_env:
        return from_env
    return _salt_file(settings.privacy.salt_file)


def _salt_file(path: Path) -> str:
    try:
        if path.is_file():
            salt = path.read_text(encoding="utf-8").strip()
            if salt:
                return salt
        path.parent.mkdir(parents=True, exist_ok=True)
        salt = secrets.token_hex(SALT_BYTES)
        path.write_text(salt + "\n", encoding="utf-8")
        path.chmod(0o600)
        return salt
    except OSError as exc:
        raise SettingsError(
            f"cannot read or create the salt file {path}: {exc.strerror}; "
            "set the environment variable named by [privacy] salt_env instead"
        ) from exc
