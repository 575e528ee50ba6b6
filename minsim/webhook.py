"""Posting JSON to a chat webhook (Slack-style `{"text": ...}`) from a thread of its own.

The URL is a secret (a chat webhook's path is its key): it comes only from an environment
variable, is registered with the HTTP client's redaction in every form a message could quote it,
and no message names it. Posts go out in order on a thread of their own, so a slow or failing chat
service never holds up collecting; a post that failed for a reason that may pass is kept and sent
again when the owner asks (`resend_failed`, after the next collection run).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx

from collectors.http import (
    HttpClient,
    HttpError,
    HttpLimits,
    HttpStatusError,
    RetryPolicy,
    add_secret,
    redact,
)
from collectors.redact import redact_url
from minsim.cli_common import terminal_safe
from minsim.errors import MinsimError

log = logging.getLogger(__name__)

# A post gives up within about a minute (3 tries of at most 5 s to connect and 10 s to read,
# waits of at most 10 s between them).
WEBHOOK_POLICY = RetryPolicy(attempts=3, backoff_base=2.0, backoff_max=10.0, retry_after_cap=10.0)
WEBHOOK_LIMITS = HttpLimits(
    connect_timeout=5.0, read_timeout=10.0, max_bytes=1024 * 1024, min_host_delay=0.0
)
# Posts that failed are sent again after the next run (or on a timer when nothing is collected);
# beyond this many, the oldest are dropped.
RESENT_AFTER_RUN = "after the next run"
MAX_UNSENT = 20
# How long a stopping `minsim run` waits for posts still going out.
DRAIN_SECONDS = 15.0


# What Slack-style chat webhooks read as markup in `text` (links, mentions such as <!channel>),
# written as the entities they show as themselves.
CHAT_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def chat_text(text: str) -> str:
    """Text that came from outside, made inert for a chat message's `text`: no mention or link
    markup, and control characters shown as escapes."""
    return terminal_safe(text).translate(CHAT_ENTITIES)


def post_alert(
    sender: WebhookSender | None, title: str, text: str, key: str, record: dict[str, Any]
) -> None:
    """Post one alert, `{"text": "minsim <title>: <text>", <key>: <record>}`, its text made
    inert (chat_text); posts that failed before go first, so the channel reads in order."""
    if sender is None:
        return
    sender.resend_failed()
    sender.send({"text": f"minsim {title}: {chat_text(text)}", key: record})


class WebhookSettingError(MinsimError):
    """A webhook variable holds something that is not an http(s) URL."""


def webhook_from_env(variable: str) -> str | None:
    """The webhook URL in the environment variable `variable` (None when unset or blank),
    registered as a secret in every form a message could show it; a value that is not an
    absolute http(s) URL is an error that does not repeat it."""
    url = os.environ.get(variable, "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        normalized = str(httpx.URL(url)) if usable else ""
    except (ValueError, httpx.InvalidURL):  # a malformed port, IPv6 address or character
        usable = False
    if not usable:
        raise WebhookSettingError(
            f"{variable} must be an http:// or https:// URL (its value is not shown: "
            "a webhook URL is a secret)"
        )
    # As written, as httpx writes it (lower-case scheme and host, no default port, escapes),
    # as a redacted URL is written, without its query, and its path alone: a server's or a
    # library's message may quote any one. (Forms shorter than a real key are not secrets.)
    target = httpx.URL(normalized)
    for form in (url, normalized, redact_url(normalized), str(target.copy_with(query=None)),
                 target.path, target.raw_path.decode("ascii")):  # fmt: skip
        add_secret(form)
    return url


class _Post(NamedTuple):
    """A payload waiting to be posted, and what to do once it is."""

    payload: dict[str, Any]
    on_sent: Callable[[], None] | None


class WebhookSender:
    """Posts payloads to one webhook from a thread of its own, in order; keeps failed ones to
    send again (`resend_failed`), at most MAX_UNSENT. Messages call the hook `label` ("surge
    webhook"), never by its URL."""

    def __init__(
        self,
        url: str,
        label: str,
        policy: RetryPolicy = WEBHOOK_POLICY,
        limits: HttpLimits = WEBHOOK_LIMITS,
        resent: str = RESENT_AFTER_RUN,
    ) -> None:
        """`resent` says when the owner calls `resend_failed`, for the log."""
        self._url, self._label, self._policy, self._limits = url, label, policy, limits
        self._resent = resent
        self._queue: queue.Queue[_Post] = queue.Queue()
        self._failed: list[_Post] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._work, name=label.replace(" ", "-"), daemon=True).start()

    def send(self, payload: dict[str, Any], on_sent: Callable[[], None] | None = None) -> None:
        """Post `payload` on the sender's thread; `on_sent` is called there once it is posted
        (after any resending), never when it is not."""
        self._queue.put(_Post(payload, on_sent))

    def resend_failed(self) -> None:
        with self._lock:
            failed, self._failed = self._failed, []
        for post in failed:
            self._queue.put(post)

    def drain(self, timeout: float) -> bool:
        """True once every queued payload was tried; False when `timeout` ran out first."""
        done = threading.Event()
        threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True).start()
        return done.wait(timeout)

    def close(self, timeout: float = DRAIN_SECONDS) -> None:
        """At the end of collecting: wait up to `timeout` seconds for posts still going out and
        say how many were not sent."""
        unsent = self.unsent() if self.drain(timeout) else None
        if unsent is None:
            log.warning("%s: stopped while posts were still going out", self._label)
        elif unsent:
            log.warning("%s: %d post(s) not sent", self._label, unsent)

    def _work(self) -> None:
        label = self._label
        with HttpClient(self._policy, self._limits) as client:
            while True:
                post = self._queue.get()
                try:
                    client.post_json(self._url, post.payload, label=label)
                except HttpStatusError as error:
                    if error.status in self._policy.retry_statuses:
                        self._keep(post)
                        log.warning("%s failed: %s; sent again %s", label,
                                    redact(str(error)), self._resent)  # fmt: skip
                    else:  # a revoked or wrong hook: trying again changes nothing
                        log.warning("%s failed: %s; not sent again", label,
                                    redact(str(error)))  # fmt: skip
                except HttpError as error:  # a timeout or a lost connection: may pass
                    self._keep(post)
                    log.warning("%s failed: %s; sent again %s", label,
                                redact(str(error)), self._resent)  # fmt: skip
                except Exception as error:  # boundary: the sender thread must live on
                    self._keep(post)
                    log.warning("%s failed: %s: %s", label, type(error).__name__,
                                redact(str(error)))  # fmt: skip
                else:
                    log.info("%s: posted", label)
                    self._sent(post)
                finally:
                    self._queue.task_done()

    def unsent(self) -> int:
        """Posts that failed and wait to be sent again (`resend_failed`)."""
        with self._lock:
            return len(self._failed)

    def _sent(self, post: _Post) -> None:
        if post.on_sent is None:
            return
        try:
            post.on_sent()
        except Exception as error:  # boundary: the sender thread must live on
            log.warning("%s: posted, but what follows failed: %s: %s", self._label,
                        type(error).__name__, redact(str(error)))  # fmt: skip

    def _keep(self, post: _Post) -> None:
        with self._lock:
            self._failed.append(post)
            if len(self._failed) > MAX_UNSENT:
                dropped = len(self._failed) - MAX_UNSENT
                del self._failed[:dropped]
                log.warning("%s: %d unsent post(s) dropped", self._label, dropped)
