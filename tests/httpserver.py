"""A small real HTTP server on 127.0.0.1 for tests, with scripted answers and faults."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    truncate: announce the full Content-Length, send only half the body, close the connection.
    drop: close the connection without answering at all.
    gate: answer only once the test sets this event (or after `delay`, when it is not set).
    """

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False
    drop: bool = False
    gate: threading.Event | None = field(default=None, compare=False)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Request:
    """What the server received (for assertions)."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    method: str = "GET"
    body: bytes = b""

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[0]


POLL_SECONDS = 0.05  # how often serve_forever checks for shutdown (keeps teardown quick)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early (timeouts, size caps) are part of the tests, not errors."""


Script = Reply | list[Reply] | Callable[[Request], Reply]


class LocalServer:
    """Serves scripted routes: a Reply, a list played in order (last repeats), or a function.

    Use as a context manager; `url(path)` gives the absolute URL, `requests` lists what came in.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Script] = {}
        self.requests: list[Request] = []
        self._calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL_SECONDS,), daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, script: Script) -> None:
        self.routes[path] = script

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            script = self.routes.get(request.path)
            n = self._calls.get(request.path, 0)
            self._calls[request.path] = n + 1
        if script is None:
            return Reply(404, b"<html><body>not found</body></html>", {"Content-Type": "text/html"})
        if isinstance(script, Reply):
            return script
        if isinstance(script, list):
            return script[min(n, len(script) - 1)]
        return script(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self._answer(b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self._answer(self.rfile.read(length))

            def _answer(self, body_in: bytes) -> None:
                parts = urlsplit(self.path)
                request = Request(
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.command,
                    body_in,
                )
                reply = server._reply_for(request)
                if reply.gate is not None:
                    reply.gate.wait(reply.delay or None)
                elif reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                body = reply.payload()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                if reply.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                if reply.truncate:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Quiet: tests read `server.requests` instead."""

        return Handler


# Sockets bound and never listening, held for the life of the test process: their ports refuse
# connections, and no server of a parallel test process can take them meanwhile.
_REFUSING: list[socket.socket] = []
# The xdist group of the tests that choose a free port and then start a server on it: they run
# in one test process (`pytest -n 2 --dist loadgroup`), so none takes another's port.
SERVING_GROUP = "serves-on-a-chosen-port"


def refused_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _REFUSING.append(sock)
    return f"http://127.0.0.1:{sock.getsockname()[1]}/"
