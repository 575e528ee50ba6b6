"""The `rss` kind: RSS/Atom feeds with conditional requests, a keyword/company filter, full text."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import feedparser

from collectors.base import CollectContext
from collectors.http import HttpClient, HttpError
from collectors.payload import PayloadError, plain_text, snippet
from minsim.companies import CompanyMatcher
from minsim.errors import CollectError, SchemaChanged
from minsim.models import Company, RawItem
from minsim.settings import SourceSettings

log = logging.getLogger(__name__)

# CP949 is a superset of EUC-KR; used when a Korean feed declares no charset (SOURCES.md §7)
KOREAN_FALLBACK = "cp949"
PROLOG_BYTES = 256  # the XML declaration is at the very start
_PROLOG_RE = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", re.IGNORECASE)
# feedparser flags these, but the entries are still right (SOURCES.md §7)
BENIGN_BOZO = (feedparser.CharacterEncodingOverride,)


@dataclass(frozen=True)
class FeedResult:
    items: list[RawItem]
    unusable: int  # entries without a link or a title
    malformed: bool  # the XML was broken and feedparser recovered what it could


def decode_for_feedparser(body: bytes, headers: Mapping[str, str]) -> bytes | str:
    """Bytes as they came when a charset is declared anywhere; otherwise UTF-8 if valid, else
    the bytes decoded as CP949 ourselves (feedparser would guess windows-1252: mojibake)."""
    content_type = headers.get("content-type", "").lower()
    if "charset=" in content_type or _PROLOG_RE.match(body[:PROLOG_BYTES]):
        return body
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode(KOREAN_FALLBACK, "replace")
    return body


def parse_feed(body: bytes, headers: Mapping[str, str], *, source: str, where: str) -> FeedResult:
    """Articles of an RSS or Atom document. Pure: bytes and headers in, RawItems out."""
    headers = {k.lower(): v for k, v in headers.items()}  # feedparser reads lower-case keys
    data = decode_for_feedparser(body, headers)
    if isinstance(data, str):
        headers = {k: v for k, v in headers.items() if k != "content-type"}
    parsed = feedparser.parse(data, response_headers=dict(headers))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and isinstance(problem, BENIGN_BOZO):
        problem = None
    if not parsed.get("version"):
        reason = f" ({type(problem).__name__}: {problem})" if problem else ""
        raise PayloadError(f"{where}: answer is not an RSS or Atom feed{reason}; {snippet(body)}")
    items: list[RawItem] = []
    unusable = 0
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        title = plain_text(entry.get("title"))
        if not link or not title:
            unusable += 1
            continue
        summary = plain_text(entry.get("summary") or entry.get("description"))
        outlet = (entry.get("source") or {}).get("title")
        items.append(
            RawItem(
                source=source,
                kind="article",
                external_id=(entry.get("id") or link).strip(),
                url=link,
                title=title,
                text=summary or title,
                published_at=entry.get("published") or entry.get("updated"),
                extra={"outlet": outlet} if outlet else {},
            )
        )
    if problem is not None and not items:
        raise PayloadError(
            f"{where}: feed is not well-formed ({type(problem).__name__}: {problem}) and no "
            f"entry could be read; {snippet(body)}"
        )
    if parsed.entries and not items:
        keys = ", ".join(sorted(parsed.entries[0].keys())[:20])
        raise SchemaChanged(
            f"{where}: {len(parsed.entries)} entries but none has both a link and a title; "
            f"entry fields now: {keys}"
        )
    if not parsed.entries and _has_entry_tags(body):
        raise SchemaChanged(f"{where}: the feed has <item>/<entry> tags but no entry was read")
    return FeedResult(items, unusable, problem is not None)


def _has_entry_tags(body: bytes) -> bool:
    return b"<item" in body or b"<entry" in body


def keep(item: RawItem, keywords: Sequence[str], matcher: CompanyMatcher | None) -> bool:
    """True when no filter is set, or the title/summary names a keyword or a chosen company."""
    if not keywords and matcher is None:
        return True
    text = f"{item.title or ''}\n{item.text}"
    folded = text.casefold()
    if any(word.casefold() in folded for word in keywords):
        return True
    return matcher is not None and bool(matcher.match(text))


def company_matcher(ids: Sequence[str], companies: Sequence[Company]) -> CompanyMatcher | None:
    if not ids:
        return None
    chosen = [c for c in companies if c.id in set(ids)]
    unknown = sorted(set(ids) - {c.id for c in chosen})
    if unknown:
        raise CollectError(
            f"companies {', '.join(unknown)} are not in the scenario "
            f"(known: {', '.join(c.id for c in companies) or 'none'})"
        )
    return CompanyMatcher(chosen)


def extract_text(html_body: bytes) -> str | None:
    """Main text of an article page (trafilatura), or None when nothing could be extracted."""
    import trafilatura  # heavy import, only when full text is on

    return trafilatura.extract(html_body, include_comments=False, include_tables=False) or None


def collect(source: SourceSettings, client: HttpClient, ctx: CollectContext) -> Iterator[RawItem]:
    options = source.options
    where = f"{source.name} ({options['url']})"
    cursor = ctx.cursor_json()
    headers = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = str(cursor["etag"])
    if cursor.get("last_modified"):
        headers["If-Modified-Since"] = str(cursor["last_modified"])
    response = client.get(options["url"], headers=headers, counters=ctx.counters)
    if response.not_modified:
        ctx.counters.add("not_modified")
        return
    result = parse_feed(response.content, response.headers, source=source.name, where=where)
    if result.unusable:
        ctx.counters.add("skipped/no_link_or_title", result.unusable)
    if result.malformed:
        ctx.counters.add("feed/malformed")
        log.warning("%s: malformed feed; kept %d readable entries", where, len(result.items))
    matcher = company_matcher(options.get("companies") or [], ctx.companies)
    keywords = [str(k) for k in options.get("keywords") or []]
    kept = 0
    for item in result.items:
        if kept >= options.get("max_items", len(result.items)):
            ctx.counters.add("skipped/over_max_items")
            continue
        if not keep(item, keywords, matcher):
            ctx.counters.add("filtered")
            continue
        kept += 1
        yield _with_full_text(item, client, ctx) if options.get("full_text") else item
    ctx.set_cursor_json(
        {
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
        }
    )


def _with_full_text(item: RawItem, client: HttpClient, ctx: CollectContext) -> RawItem:
    try:
        page = client.get(item.url or "", counters=ctx.counters)
        text = extract_text(page.content)
    except HttpError as exc:
        log.info("full text of %s not fetched: %s", item.url, exc)
        text = None
    if not text:
        ctx.counters.add("full_text/failed")
        return item
    ctx.counters.add("full_text/ok")
    return RawItem(**{**item.__dict__, "text": text})
