"""Turn a RawItem into a storable Document, or a Drop with a reason. Pure: no I/O."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from sqlalchemy import Column

from minsim.models import KINDS, Document, Drop, RawItem
from minsim.schema import documents

KST = ZoneInfo("Asia/Seoul")
# Longer texts are cut: a comment is never this long, and an article body past it adds no signal.
MAX_TEXT_CHARS = 100_000
MAX_TITLE_CHARS = 1_000
# Clocks differ between sites; anything dated further ahead than this is a parsing error.
FUTURE_TOLERANCE = timedelta(days=1)
# Query parameters that only track clicks and make one article look like several: every
# utm_* (Google Analytics campaigns) and the click ids that ad and social sites append.
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w*|fbclid|gclid|gclsrc|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|ref|from)$",
    re.IGNORECASE,
)
# Only these links are stored: anything else (javascript:, data:, file:) is not an article page
# and would run or open something local when the dashboard shows it as a link.
WEB_SCHEMES = ("http", "https")
# Control characters other than tab and newline (C0 and C1) are never part of a comment, and a
# lone surrogate (half of an emoji whose JSON escape was cut) is no character at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# What no database column stores: PostgreSQL refuses NUL in text, and a lone surrogate cannot be
# encoded as UTF-8 for either backend. One such value would fail its whole batch.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
# Pictographs a zero-width joiner may join into one emoji (an approximation of Unicode's
# Extended_Pictographic property, which the re module cannot name).
_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
# Invisible format characters are removed because they change how a text is shown without being
# seen: a bidi override (U+202E) makes "뒤집기" show as "기집뒤", embeddings, isolates and marks
# (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) reorder text, and zero-width characters,
# soft hyphens and tag characters hide inside words (a company name split by one is not matched).
# Two uses are kept (group `keep`): a zero-width joiner between emoji, which joins a sequence such
# as a family emoji, and the tag characters of a subdivision flag such as Scotland's.
_INVISIBLE = re.compile(
    rf"(?P<keep>(?<=[{_EMOJI}\ufe0f\u20e3])\u200d(?=[{_EMOJI}])"
    r"|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f)"
    r"|[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    r"\ufff9-\ufffb\U0001bca0-\U0001bca3\U000e0001\U000e0020-\U000e007f]"
)
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def column_length(column: Column) -> int:
    """The declared length of a bounded String column of the schema."""
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"column {column} has no length; only bounded columns are checked")
    return length


# Values from outside that fill bounded columns of `documents` (minsim/schema.py). PostgreSQL
# refuses a longer one, and with it every row of its batch; SQLite would store it whole.
MAX_SOURCE_CHARS = column_length(documents.c.source)
MAX_EXTERNAL_ID_CHARS = column_length(documents.c.external_id)


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


def clean_url(url: str) -> str:
    """The URL as given without its tracking parameters: the link stored and shown.

    Unlike canonical_url, the other parameters are kept byte for byte and in their order, and
    the host, path and fragment are untouched, so the stored link opens the same page.
    """
    parts = urlsplit(url.strip())
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not _TRACKING_PARAMS.match(unquote_plus(pair.partition("=")[0]))
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host; False for javascript:, data:, file: etc.,
    and for one holding characters no database stores (its doc_id could not be derived either)."""
    if _UNSTORABLE.search(url):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def doc_id_for_url(url: str) -> str:
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()


def doc_id_for_comment(source: str, external_id: str) -> str:
    return hashlib.sha1(f"{source}:{external_id}".encode()).hexdigest()


def author_hash(author: str, salt: str) -> str:
    """A salted hash of a nickname or user id; the raw value is never stored."""
    # surrogatepass: a nickname (or salt) holding a lone surrogate still gets a stable hash, as
    # it is never stored and need not be valid UTF-8; valid ones hash to the same bytes as before.
    name = author.strip().encode("utf-8", "surrogatepass")
    digest = hmac.new(salt.encode("utf-8", "surrogatepass"), name, hashlib.sha256)
    return digest.hexdigest()[:32]


def clean_text(text: str) -> str:
    """NFC, no control or invisible format characters, spaces folded; newlines kept (they
    separate sentences)."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub(lambda match: match.group("keep") or "", text)
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


def is_future(published: datetime, now: datetime) -> bool:
    """True when a date is further ahead of now than clocks can differ: a parsing error."""
    return published > now + FUTURE_TOLERANCE


def normalize(item: RawItem, *, salt: str, collected_at: datetime) -> Document | Drop:
    """Clean one item; every refusal names its reason (counted as dropped/<reason>)."""
    if item.kind not in KINDS:
        return Drop("bad_kind", f"kind {item.kind!r} is not one of {', '.join(KINDS)}")
    bad_source = _unfit("source", item.source, MAX_SOURCE_CHARS)
    if bad_source:
        return bad_source
    text = clean_text(item.text or "")
    title = clean_text(item.title or "")[:MAX_TITLE_CHARS] or None
    if not text and not title:
        return Drop("empty_text", "no text and no title")
    published = parse_datetime(item.published_at)
    if published is None:
        return Drop("no_date", f"published_at {item.published_at!r} is missing or unreadable")
    if is_future(published, collected_at):
        return Drop("future_date", f"published_at {published.isoformat()} is in the future")
    # A comment's own link is optional: one that is not http(s) is left out, not the comment.
    url = clean_url(item.url) if item.url and is_web_url(item.url) else None
    if item.kind == "article":
        if not item.url:
            return Drop("no_url", "an article needs a url")
        if url is None:
            return Drop("bad_url", f"url {item.url!r} is not http(s)")
        doc_id = doc_id_for_url(item.url)
        external_id = _article_external_id(item.external_id, item.url, doc_id)
        parent_id = None
    else:
        if not item.external_id:
            return Drop("no_external_id", "a comment needs an external_id")
        bad_id = _unfit("external_id", item.external_id, MAX_EXTERNAL_ID_CHARS)
        if bad_id:
            return bad_id
        doc_id = doc_id_for_comment(item.source, item.external_id)
        external_id = item.external_id
        parent_id = _parent_id(item.article_url)
    body = text or title or ""
    content_hash = hashlib.sha256(f"{title or ''}\n{body}".encode()).hexdigest()
    return Document(
        doc_id=doc_id,
        kind=item.kind,
        source=item.source,
        external_id=external_id,
        parent_id=parent_id,
        url=url,
        title=title,
        text=body,
        author_hash=author_hash(item.author, salt) if item.author else None,
        published_at=published,
        collected_at=collected_at,
        likes=_count(item.likes),
        dislikes=_count(item.dislikes),
        content_hash=content_hash,
    )


def _unfit(name: str, value: str, limit: int) -> Drop | None:
    """A Drop when `value` cannot be stored in its column: `<name>_too_long` past `limit`
    characters, `bad_<name>` with characters no database stores; None when it fits."""
    if len(value) > limit:
        return Drop(f"{name}_too_long", f"{name} is {len(value):,} characters, at most {limit:,}")
    if _UNSTORABLE.search(value):
        return Drop(f"bad_{name}", f"{name} holds a NUL or a lone surrogate (not storable)")
    return None


def _article_external_id(given: str, url: str, doc_id: str) -> str:
    """The source's id of an article, else its canonical URL; else, when neither fits the column,
    its doc_id. An article is identified by its URL, which is stored whole: its external_id is only
    a record, so one that does not fit is replaced rather than the article dropped."""
    for candidate in (given, canonical_url(url)):
        if candidate and _unfit("external_id", candidate, MAX_EXTERNAL_ID_CHARS) is None:
            return candidate
    return doc_id


def _parent_id(article_url: str | None) -> str | None:
    """The doc_id of a comment's article; None without an http(s) article URL to link to."""
    return doc_id_for_url(article_url) if article_url and is_web_url(article_url) else None


def _count(value: object) -> int | None:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None
