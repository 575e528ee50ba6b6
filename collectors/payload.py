"""Shared checks for answers: JSON/JSONP decoding, required fields, text cleanup. Pure."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from minsim.errors import CollectError, SchemaChanged

SNIPPET_CHARS = 80  # characters of an unexpected body quoted in an error message
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


class PayloadError(CollectError):
    """The answer is not what the endpoint sends at all (HTML error page, broken JSON or XML)."""


def snippet(body: bytes | str) -> str:
    """The start of a body, on one line, for error messages."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = _SPACE_RE.sub(" ", text[: SNIPPET_CHARS * 2]).strip()
    return repr(text[:SNIPPET_CHARS])


def load_json(body: bytes, where: str) -> Any:
    """Decode a JSON body; an HTML page or a cut-off body becomes a PayloadError saying so."""
    if not body.strip():
        raise PayloadError(f"{where}: empty answer where JSON was expected")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PayloadError(f"{where}: answer is not UTF-8 JSON ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        kind = "an HTML page" if body.lstrip()[:1] == b"<" else "malformed JSON"
        raise PayloadError(
            f"{where}: got {kind} where JSON was expected ({exc.msg} at char {exc.pos}); "
            f"starts with {snippet(body)}"
        ) from None


def strip_jsonp(body: bytes, where: str) -> bytes:
    """The JSON inside `callback({...});`: from the first '(' to the last ')' (SOURCES.md §2)."""
    text = body.strip()
    if text[:1] in (b"{", b"["):
        return text
    start, end = text.find(b"("), text.rfind(b")")
    if start < 0 or end <= start:
        kind = "an HTML page" if text[:1] == b"<" else "no JSONP callback"
        raise PayloadError(f"{where}: got {kind} where JSONP was expected; {snippet(body)}")
    return text[start + 1 : end]


def require(obj: object, keys: Iterable[str], where: str) -> Mapping[str, Any]:
    """`obj` as a mapping that has every key; otherwise SchemaChanged naming what is missing."""
    if not isinstance(obj, Mapping):
        raise SchemaChanged(f"{where}: expected an object, got {type(obj).__name__}")
    missing = [key for key in keys if key not in obj]
    if missing:
        present = ", ".join(sorted(map(str, obj))[:20]) or "none"
        raise SchemaChanged(
            f"{where}: field(s) {', '.join(missing)} missing (the source changed its format?); "
            f"fields now: {present}"
        )
    return obj


def plain_text(markup: str | None) -> str:
    """Text of a snippet with <b> and other tags removed and entities unescaped."""
    if not markup:
        return ""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub("", markup))).strip()


def as_count(value: object) -> int | None:
    """A like/dislike count from an int or a numeric string; None when absent or odd."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
