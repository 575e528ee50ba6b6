"""Turn a RawItem into a storable Document, or a Drop with a reason. Pure: no I/O."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from minsim.models import KINDS, Document, Drop, RawItem

KST = ZoneInfo("Asia/Seoul")
# Longer texts are cut: a comment is never this long, and an article body past it adds no signal.
MAX_TEXT_CHARS = 100_000
MAX_TITLE_CHARS = 1_000
# Clocks differ between sites; anything dated further ahead than this is a parsing error.
FUTURE_TOLERANCE = timedelta(days=1)
# Query parameters that only track clicks and make one article look like several.
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|ref|from)$", re.IGNORECASE)
# Control characters other than tab and newline are never part of a comment.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def canonical_url(url: str) -> str:
    """The URL used for identity: lower-case scheme and host, no fragment or tracking params."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k)
        ]
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def doc_id_for_url(url: str) -> str:
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()


def doc_id_for_comment(source: str, external_id: str) -> str:
    return hashlib.sha1(f"{source}:{external_id}".encode()).hexdigest()


def author_hash(author: str, salt: str) -> str:
    """A salted hash of a nickname or user id; the raw value is never stored."""
    digest = hmac.new(salt.encode("utf-8"), author.strip().encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:32]


def clean_text(text: str) -> str:
    """NFC, no control characters, spaces folded; newlines kept (they separate sentences)."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)[:MAX_TEXT_CHARS]


def parse_datetime(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a datetime, ISO 8601 or RFC 822 string; naive times are KST."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=KST)  # Korean sources write local time
    return parsed.astimezone(UTC)


def normalize(item: RawItem, *, salt: str, collected_at: datetime) -> Document | Drop:
    """Clean one item; every refusal names its reason (counted as dropped/<reason>)."""
    if item.kind not in KINDS:
        return Drop("bad_kind", f"kind {item.kind!r} is not one of {', '.join(KINDS)}")
    text = clean_text(item.text or "")
    title = clean_text(item.title or "")[:MAX_TITLE_CHARS] or None
    if not text and not title:
        return Drop("empty_text", "no text and no title")
    published = parse_datetime(item.published_at)
    if published is None:
        return Drop("no_date", f"published_at {item.published_at!r} is missing or unreadable")
    if published > collected_at + FUTURE_TOLERANCE:
        return Drop("future_date", f"published_at {published.isoformat()} is in the future")
    if item.kind == "article":
        if not item.url:
            return Drop("no_url", "an article needs a url")
        doc_id = doc_id_for_url(item.url)
        external_id = item.external_id or canonical_url(item.url)
        parent_id = None
    else:
        if not item.external_id:
            return Drop("no_external_id", "a comment needs an external_id")
        doc_id = doc_id_for_comment(item.source, item.external_id)
        external_id = item.external_id
        parent_id = doc_id_for_url(item.article_url) if item.article_url else None
    body = text or title or ""
    content_hash = hashlib.sha256(f"{title or ''}\n{body}".encode()).hexdigest()
    return Document(
        doc_id=doc_id,
        kind=item.kind,
        source=item.source,
        external_id=external_id,
        parent_id=parent_id,
        url=item.url,
        title=title,
        text=body,
        author_hash=author_hash(item.author, salt) if item.author else None,
        published_at=published,
        collected_at=collected_at,
        likes=_count(item.likes),
        dislikes=_count(item.dislikes),
        content_hash=content_hash,
    )


def _count(value: object) -> int | None:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None
