"""The only network I/O of minsim: one polite HTTP client with timeouts, retries and caps."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from collectors.redact import add_secret, redact, redact_url
from minsim import __version__
from minsim.errors import CollectError
from minsim.models import RunCounters

log = logging.getLogger("minsim.http")

__all__ = [
    "HttpClient",
    "HttpLimits",
    "RetryPolicy",
    "Response",
    "add_secret",
    "redact",
    "redact_url",
]

USER_AGENT = f"minsim/{__version__} (+https://github.com/minsim)"
CHUNK_BYTES = 64 * 1024  # read size while streaming a body
FETCHED_SCHEMES = ("http", "https")  # nothing else is ever requested (no file://, ftp://, ...)


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before trying a request again (data, so tests pass a fast one)."""

    attempts: int = 4  # one try + three retries: rides out a blip, fits a 15-minute interval
    backoff_base: float = 1.0  # seconds before the first retry, doubled each time
    backoff_max: float = 30.0  # no single backoff sleep longer than this
    jitter: float = 0.5  # up to +50% random spread so workers do not retry in lockstep
    retry_after_cap: float = 120.0  # honour Retry-After, but never sleep longer than 2 minutes
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpLimits:
    """Timeouts and caps applied to every request."""

    connect_timeout: float = 10.0  # seconds to open a connection
    read_timeout: float = 30.0  # seconds of silence while reading
    max_bytes: int = 20 * 1024 * 1024  # 20 MiB: far above any feed or API page we read
    max_redirects: int = 5  # feed hosts chain http->https->www at most a few times
    min_host_delay: float = 1.0  # seconds between two requests to one host (politeness)


@dataclass(frozen=True)
class Response:
    """A finished answer: status, lower-cased headers, the whole body, the (redacted) final URL."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    url: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HttpError(CollectError):
    """A request failed; `url` is already redacted."""

    def __init__(self, message: str, *, url: str, attempts: int = 1) -> None:
        super().__init__(redact(message))
        self.url = redact(url)
        self.attempts = attempts


class HttpStatusError(HttpError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, url: str, status: int, attempts: int = 1) -> None:
        super().__init__(message, url=url, attempts=attempts)
        self.status = status


class HttpTimeout(HttpError):
    """Connecting or reading took longer than the limits allow."""


class HttpConnectionError(HttpError):
    """The connection was refused, dropped, or closed before the body was complete."""


class ResponseTooLarge(HttpError):
    """The body grew past HttpLimits.max_bytes; the download was aborted."""


class TooManyRedirects(HttpError):
    """More redirects than HttpLimits.max_redirects."""


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class HttpClient:
    """The shared client every collector receives. Not thread-safe: one per worker."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    limits: HttpLimits = field(default_factory=HttpLimits)
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = _utcnow
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.limits.read_timeout, connect=self.limits.connect_timeout),
            follow_redirects=True,
            max_redirects=self.limits.max_redirects,
            headers={"User-Agent": self.user_agent},
        )
        self._last_request: dict[str, float] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        counters: RunCounters | None = None,
    ) -> Response:
        """GET `url`, retrying per the policy; 2xx and 304 return, anything else raises."""
        return self._request("GET", url, params=params, headers=headers, counters=counters)

    def post_json(self, url: str, payload: object, *, label: str) -> Response:
        """POST `payload` as JSON to `url` (a webhook), retrying per the policy like `get`: a
        notice sent twice after a lost answer beats one never sent. Messages name `label`, never
        the URL: a webhook's URL is its key, in whatever form a server or httpx writes it."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        return self._request("POST", url, headers=headers, content=body, shown=label)

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        counters: RunCounters | None = None,
        shown: str | None = None,
    ) -> Response:
        """One request with retries; messages name `shown`, else the redacted URL."""
        labelled = shown is not None
        target = _http_url(method, url, params, shown)
        full_url = str(target)
        shown = shown or redact_url(full_url)
        host = target.host
        policy = self.policy
        for attempt in range(1, policy.attempts + 1):
            self._wait_for_host(host)
            wait_hint: float | None = None
            try:
                response = self._fetch(method, full_url, headers or {}, content, shown)
            except httpx.TimeoutException as exc:
                error: HttpError = HttpTimeout(
                    f"{method} {shown} timed out ({type(exc).__name__})",
                    url=shown,
                    attempts=attempt,
                )
            except httpx.TooManyRedirects:
                raise TooManyRedirects(
                    f"{method} {shown} redirected more than {self.limits.max_redirects} times",
                    url=shown,
                ) from None
            except httpx.TransportError as exc:
                error = HttpConnectionError(
                    f"{method} {shown} failed: {type(exc).__name__}: {exc}",
                    url=shown,
                    attempts=attempt,
                )
            else:
                if response.status < 400 or response.not_modified:
                    return response
                # Behind a label (a webhook), the body is left out: a server's error page
                # may quote the request path, which holds the webhook's key.
                hint = "" if labelled else _body_hint(response.content)
                error = HttpStatusError(
                    f"{method} {shown} answered HTTP {response.status}{hint}",
                    url=shown,
                    status=response.status,
                    attempts=attempt,
                )
                if response.status not in policy.retry_statuses:
                    raise error
                wait_hint = retry_after_seconds(response.headers.get("retry-after"), self.now())
            finally:
                self._last_request[host] = self.monotonic()
            if attempt == policy.attempts:
                raise _with_attempts(error, attempt)
            delay = self._backoff(attempt)
            if wait_hint is not None:
                delay = max(delay, min(wait_hint, policy.retry_after_cap))
            if counters is not None:
                counters.add("retry/count")
            log.info("retrying in %.2fs (attempt %d): %s", delay, attempt, error)
            self.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        policy = self.policy
        base = policy.backoff_base * 2 ** (attempt - 1)
        return min(policy.backoff_max, base * (1 + policy.jitter * self.rng.random()))

    def _wait_for_host(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is None:
            return
        wait = self.limits.min_host_delay - (self.monotonic() - last)
        if wait > 0:
            self.sleep(wait)

    def _fetch(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        shown: str,
    ) -> Response:
        cap = self.limits.max_bytes
        with self._client.stream(method, url, headers=dict(headers), content=content) as raw:
            declared = raw.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise ResponseTooLarge(
                    f"{method} {shown}: body of {declared} bytes exceeds the cap of {cap}",
                    url=shown,
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in raw.iter_bytes(CHUNK_BYTES):
                size += len(chunk)
                if size > cap:
                    raise ResponseTooLarge(
                        f"{method} {shown}: body passed the cap of {cap} bytes; aborted",
                        url=shown,
                    )
                chunks.append(chunk)
            return Response(
                status=raw.status_code,
                headers={k.lower(): v for k, v in raw.headers.items()},
                content=b"".join(chunks),
                url=redact_url(str(raw.url)),
            )


def _http_url(
    method: str, url: str, params: Mapping[str, str | int] | None, shown: str | None = None
) -> httpx.URL:
    """`url` with `params`, refused at once (no retries) when it is not an absolute http(s) URL:
    retrying cannot fix it, and a link such as file:///etc/passwd must never be read. Messages
    name `shown` when given, else the redacted URL."""
    try:
        # params=None would clear the URL's own query (?idxno=12345, a webhook's ?key=):
        # merged instead.
        target = httpx.URL(url)
        if params:
            target = target.copy_merge_params(params)
    except httpx.InvalidURL as exc:
        named = shown or redact(url)
        raise HttpError(f"{method} {named}: not a valid URL ({exc})", url=named) from None
    if target.scheme not in FETCHED_SCHEMES or not target.host:
        shown = shown or redact(url)
        raise HttpError(
            f"{method} {shown}: not an absolute http:// or https:// URL; not requested", url=shown
        )
    return target


def _body_hint(content: bytes) -> str:
    """The first characters of an error body, which often say what went wrong (redacted)."""
    snippet = content[:BODY_HINT_CHARS].decode("utf-8", "replace").strip()
    snippet = " ".join(snippet.split())
    return f": {snippet}" if snippet else ""


BODY_HINT_CHARS = 160  # enough for an API error message, short enough for a runs row


def _with_attempts(error: HttpError, attempts: int) -> HttpError:
    error.attempts = attempts
    error.args = (f"{error.args[0]} (after {attempts} attempts)",)
    return error
