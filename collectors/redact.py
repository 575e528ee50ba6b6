"""Keeping secrets out of messages and logs: credential query values and known secret values."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "***"
# query parameters that carry credentials in the APIs we call (SOURCES.md §1, §4)
SENSITIVE_PARAMS = frozenset(
    {"key", "api_key", "apikey", "access_token", "token", "client_secret", "secret", "password"}
)
_PARAM_RE = re.compile(r"(?i)([?&](?:" + "|".join(sorted(SENSITIVE_PARAMS)) + r")=)[^&\s\"'<>]*")
MIN_SECRET_CHARS = 8  # real API keys and client secrets are far longer
# secret values read by collectors, scrubbed from every message and from httpx's own log lines
_KNOWN_SECRETS: set[str] = set()


def add_secret(value: str) -> None:
    """Remember a secret value so that no message or log line of this process can show it.

    Values shorter than MIN_SECRET_CHARS are not real keys and would blank out ordinary words;
    they are still hidden where they travel (credential query parameters)."""
    if len(value) >= MIN_SECRET_CHARS:
        _KNOWN_SECRETS.add(value)


def redact(text: str) -> str:
    """`text` with credential query values and every known secret replaced by ***."""
    text = _PARAM_RE.sub(r"\1" + REDACTED, text)
    # Longest first: a secret that holds a shorter one (a webhook URL and its host's key) must
    # be replaced whole, not cut in two by the shorter one first.
    for secret in sorted(_KNOWN_SECRETS, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def redact_url(url: str) -> str:
    """A URL whose credential query values are replaced (safe for messages and logs)."""
    parts = urlsplit(url)
    query = [
        (k, REDACTED if k.lower() in SENSITIVE_PARAMS else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return redact(urlunsplit(parts._replace(query=urlencode(query, safe="*,"))))


class _RedactingFilter(logging.Filter):
    """Scrubs httpx/httpcore log records, which print full request URLs at INFO level."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _install_log_filters() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactingFilter) for f in logger.filters):
            logger.addFilter(_RedactingFilter())


_install_log_filters()
