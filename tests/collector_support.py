"""What the collector tests share: a fast retry policy, short limits, recorded payloads, and
sources built from the registry's defaults (the `server` and `client` fixtures are in conftest)."""

from __future__ import annotations

from pathlib import Path

from collectors.http import HttpLimits, RetryPolicy
from collectors.registry import KINDS
from minsim.settings import SourceSettings

# No waiting between attempts: tests check that retries happen, not how long they take.
FAST = RetryPolicy(attempts=2, backoff_base=0.0, jitter=0.0)
LIMITS = HttpLimits(connect_timeout=2.0, read_timeout=2.0, min_host_delay=0.0)
FIXTURES = Path(__file__).parent / "fixtures"


def payload(kind: str, name: str) -> bytes:
    """A recorded payload from tests/fixtures/<kind>/."""
    return (FIXTURES / kind / name).read_bytes()


def source_of(kind: str, name: str, *, enabled: bool = True, **options: object) -> SourceSettings:
    """A source of `kind` with the registry's defaults, overridden by `options`."""
    spec = KINDS[kind].options
    values = {key: options.get(key, option.default) for key, option in spec.items()}
    return SourceSettings(name, kind, 900, enabled, values)
