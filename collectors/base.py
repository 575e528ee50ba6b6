"""What a collector may use besides the HTTP client: cursor, counters, secrets, clock."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from collectors.redact import MIN_SECRET_CHARS, REDACTED
from minsim.errors import CollectError
from minsim.models import Company, RunCounters

log = logging.getLogger("minsim.collectors")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _no_urls() -> list[str]:
    return []


@dataclass
class CollectContext:
    """Everything a collect() generator may touch besides the network.

    Collectors never see the store: the pipeline reads the cursor and the stored article URLs for
    them and saves `new_cursor` once everything yielded before `set_cursor` was called is stored.
    """

    source_name: str
    cursor: str | None = None
    counters: RunCounters = field(default_factory=RunCounters)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    clock: Callable[[], datetime] = _utcnow
    stored_article_urls: Callable[[], Iterable[str]] = _no_urls
    companies: tuple[Company, ...] = ()
    demo_dir: Path | None = None
    new_cursor: str | None = None
    secrets: list[str] = field(default_factory=list)

    def set_cursor(self, position: str) -> None:
        """Resume from `position` next run, once every item yielded so far has been stored."""
        self.new_cursor = position

    def cursor_json(self) -> dict:
        """The stored cursor decoded as a JSON object ({} when none or not JSON)."""
        if not self.cursor:
            return {}
        try:
            value = json.loads(self.cursor)
        except ValueError:
            log.warning("%s: ignoring a cursor that is not JSON", self.source_name)
            return {}
        return value if isinstance(value, dict) else {}

    def set_cursor_json(self, value: Mapping[str, object]) -> None:
        self.set_cursor(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def secret(self, env_name: str) -> str:
        """The value of the environment variable `env_name`, remembered so messages can hide it."""
        value = self.env.get(env_name, "")
        if not value:
            raise CollectError(
                f"{self.source_name}: env var {env_name} is not set (it should hold a secret)"
            )
        self.secrets.append(value)
        return value

    def redact(self, text: str) -> str:
        """`text` with every secret read through `secret()` replaced."""
        for value in self.secrets:
            if len(value) >= MIN_SECRET_CHARS:
                text = text.replace(value, REDACTED)
        return text
