"""The HTTP layer against a real server on 127.0.0.1: retries, Retry-After, timeouts, caps."""

from __future__ import annotations

import gzip
import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from httpserver import LocalServer, Reply, refused_url

from collectors.http import (
    USER_AGENT,
    HttpClient,
    HttpConnectionError,
    HttpError,
    HttpLimits,
    HttpStatusError,
    HttpTimeout,
    ResponseTooLarge,
    RetryPolicy,
    TooManyRedirects,
    add_secret,
    redact,
    retry_after_seconds,
)
from minsim.models import RunCounters

FAST = RetryPolicy(attempts=3, backoff_base=0.01, backoff_max=0.05, jitter=0.0, retry_after_cap=30)
NO_HOST_DELAY = HttpLimits(connect_timeout=2.0, read_timeout=2.0, min_host_delay=0.0)


@pytest.fixture
def server():
    with LocalServer() as s:
        yield s


def make_client(policy: RetryPolicy = FAST, limits: HttpLimits = NO_HOST_DELAY, **kw) -> tuple:
    sleeps: list[float] = []
    return HttpClient(policy, limits, sleep=sleeps.append, **kw), sleeps


def test_ok_answer_returns_body_headers_and_sends_user_agent(server):
    headers = {"Content-Type": "text/plain; charset=utf-8", "ETag": '"x"'}
    server.route("/a", Reply(200, "안녕", headers))
    client, _ = make_client()
    response = client.get(server.url("/a"), params={"q": "카카오"})
    assert response.status == 200
    assert response.content.decode() == "안녕"
    assert response.headers["etag"] == '"x"'
    assert server.requests[0].headers["user-agent"] == USER_AGENT
    assert server.requests[0].arg("q") == "카카오"


def test_500_then_success_retries_once_and_counts_it(server):
    server.route("/a", [Reply(500, "boom"), Reply(200, "ok")])
    client, sleeps = make_client()
    counters = RunCounters()
    assert client.get(server.url("/a"), counters=counters).content == b"ok"
    assert server.hits("/a") == 2
    assert counters.get("retry/count") == 1
    assert len(sleeps) == 1


def test_429_retry_after_seconds_is_honoured(server):
    server.route("/a", [Reply(429, "slow down", {"Retry-After": "7"}), Reply(200, "ok")])
    client, sleeps = make_client()
    assert client.get(server.url("/a")).content == b"ok"
    assert sleeps == [7.0]


def test_429_retry_after_http_date_is_honoured_and_capped(server):
    now = datetime(2022, 10, 15, 7, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=12), usegmt=True)
    far = format_datetime(now + timedelta(hours=3), usegmt=True)
    server.route(
        "/a",
        [
            Reply(429, "", {"Retry-After": later}),
            Reply(503, "", {"Retry-After": far}),
            Reply(200, "ok"),
        ],
    )
    client, sleeps = make_client(now=lambda: now)
    assert client.get(server.url("/a")).content == b"ok"
    assert sleeps == [12.0, FAST.retry_after_cap]


def test_retry_after_parsing_rejects_garbage():
    now = datetime(2022, 10, 15, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
    assert retry_after_seconds("Sat, 15 Oct 2022 00:00:00 GMT", now + timedelta(days=1)) == 0.0


def test_persistent_503_gives_up_after_the_policy_attempts(server):
    server.route("/a", Reply(503, "<html>maintenance</html>"))
    client, sleeps = make_client()
    with pytest.raises(HttpStatusError) as info:
        client.get(server.url("/a"))
    assert info.value.status == 503
    assert "after 3 attempts" in str(info.value)
    assert server.hits("/a") == 3
    assert len(sleeps) == 2
    assert sleeps[1] > sleeps[0]  # exponential backoff


def test_4xx_other_than_408_429_is_not_retried(server):
    server.route("/a", Reply(404, "gone"))
    client, _ = make_client()
    with pytest.raises(HttpStatusError) as info:
        client.get(server.url("/a"))
    assert info.value.status == 404
    assert server.hits("/a") == 1


def test_slow_answer_times_out(server):
    server.route("/a", Reply(200, "late", delay=0.6))
    client, _ = make_client(
        RetryPolicy(attempts=2, backoff_base=0.0, jitter=0.0),
        HttpLimits(connect_timeout=1.0, read_timeout=0.2, min_host_delay=0.0),
    )
    with pytest.raises(HttpTimeout, match="timed out"):
        client.get(server.url("/a"))
    assert server.hits("/a") == 2


def test_connection_refused_is_a_named_error():
    client, sleeps = make_client()
    with pytest.raises(HttpConnectionError, match="ConnectError"):
        client.get(refused_url())
    assert len(sleeps) == FAST.attempts - 1


def test_truncated_body_is_an_error_not_a_short_answer(server):
    server.route("/a", Reply(200, "x" * 2000, truncate=True))
    client, _ = make_client()
    with pytest.raises(HttpConnectionError):
        client.get(server.url("/a"))
    assert server.hits("/a") == FAST.attempts


def test_dropped_connection_then_success(server):
    server.route("/a", [Reply(drop=True), Reply(200, "ok")])
    client, _ = make_client()
    assert client.get(server.url("/a")).content == b"ok"


def test_body_over_the_cap_is_aborted(server):
    server.route("/big", Reply(200, b"x" * 5000))
    client, _ = make_client(limits=HttpLimits(max_bytes=1000, min_host_delay=0.0))
    with pytest.raises(ResponseTooLarge, match="5000 bytes"):
        client.get(server.url("/big"))
    assert server.hits("/big") == 1  # never retried


def test_compressed_body_over_the_cap_is_aborted_while_streaming(server):
    bomb = gzip.compress(b"0" * 200_000)
    server.route("/gz", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    client, _ = make_client(limits=HttpLimits(max_bytes=50_000, min_host_delay=0.0))
    with pytest.raises(ResponseTooLarge, match="aborted"):
        client.get(server.url("/gz"))


def test_redirect_loop_stops_at_the_cap(server):
    server.route("/loop", Reply(302, "", {"Location": "/loop"}))
    client, _ = make_client(limits=HttpLimits(max_redirects=3, min_host_delay=0.0))
    with pytest.raises(TooManyRedirects):
        client.get(server.url("/loop"))
    assert server.hits("/loop") == 4


def test_304_is_returned_not_raised(server):
    server.route("/feed", Reply(304))
    client, _ = make_client()
    assert client.get(server.url("/feed")).not_modified


def test_minimum_delay_between_requests_to_one_host(server):
    server.route("/a", Reply(200, "ok"))
    ticks = iter([100.0, 100.2, 100.2, 100.4])
    client, sleeps = make_client(
        limits=HttpLimits(min_host_delay=1.5), monotonic=lambda: next(ticks)
    )
    client.get(server.url("/a"))  # stamps 100.0
    client.get(server.url("/a"))  # reads 100.2 -> waits 1.3s
    assert sleeps == [pytest.approx(1.3)]


def test_api_key_in_query_never_reaches_messages_or_logs(server, caplog):
    secret = "SeCrEt-key-9f8e7d"
    server.route("/api", Reply(401, '{"error": "bad key"}'))
    client, _ = make_client()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(HttpStatusError) as info:
        client.get(server.url("/api"), params={"key": secret, "part": "snippet"})
    assert secret not in str(info.value)
    assert secret not in info.value.url
    assert "key=***" in str(info.value)
    assert caplog.records, "httpx logs the request; the filter must scrub it, not drop it"
    assert secret not in caplog.text


def test_short_values_are_not_treated_as_secrets():
    add_secret("ab")
    add_secret("a-real-looking-secret-value")
    assert redact("table abc") == "table abc"
    assert redact("x a-real-looking-secret-value y") == "x *** y"


def test_post_json_sends_the_body_and_retries_like_get(server):
    server.route("/hook", [Reply(503, "busy"), Reply(200, "ok")])
    client, sleeps = make_client()
    response = client.post_json(server.url("/hook"), {"text": "카카오 급증", "n": 3}, label="hook")
    assert response.status == 200
    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert json.loads(server.requests[-1].body) == {"text": "카카오 급증", "n": 3}
    assert server.requests[-1].headers["content-type"] == "application/json; charset=utf-8"
    assert len(sleeps) == 1


def test_a_refused_post_names_its_label_never_the_url(server):
    server.route("/services/T000/B000/hook-secret-token", Reply(404, "no such hook"))
    client, _ = make_client()
    # Not registered as a secret, and written unlike httpx writes it: the errors show the label.
    # (httpx's own log line shows what it sent; secrets registered in any form are scrubbed
    # from it, tests/test_surge_watch.py.)
    url = server.url("/services/T000/B000/hook-secret-token").replace("http:", "HTTP:")
    with pytest.raises(HttpStatusError) as caught:
        client.post_json(url, {"text": "x"}, label="chat hook")
    # Nor its error page, which may quote the path.
    assert str(caught.value) == "POST chat hook answered HTTP 404"
    assert caught.value.url == "chat hook"
    with pytest.raises(HttpError) as refused:
        client.post_json("ftp://hooks.example/hook-secret-token", {}, label="chat hook")
    assert "hook-secret-token" not in str(refused.value)


def test_a_secret_holding_a_shorter_one_is_hidden_whole():
    add_secret("key-0123456789")
    add_secret("https://chat.example/hook/key-0123456789/more")
    shown = redact("POST https://chat.example/hook/key-0123456789/more failed")
    assert shown == "POST *** failed"


def test_a_url_s_own_query_is_kept_and_merged_with_params(server):
    server.route("/news/articleView.html", Reply(200, "ok"))
    client, _ = make_client()
    client.get(server.url("/news/articleView.html?idxno=12345"))
    client.get(server.url("/news/articleView.html?idxno=7"), params={"page": 2})
    assert server.requests[0].query == {"idxno": ["12345"]}
    assert server.requests[1].query == {"idxno": ["7"], "page": ["2"]}
