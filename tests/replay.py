"""A loopback HTTP server that replays recorded backend responses, for backends that cannot run here.

Routes map (method, path) to (status, JSON body or bytes, headers). Requests are recorded so tests
can assert on what the client sent (paths, query strings, headers).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Replay:
    url: str
    routes: dict[tuple[str, str], tuple[int, Any, dict[str, str]]]
    requests: list[Recorded] = field(default_factory=list)


@contextmanager
def replay_server(routes: dict[tuple[str, str], tuple[int, Any] | tuple[int, Any, dict[str, str]]]) -> Iterator[Replay]:
    normalised = {k: (v[0], v[1], v[2] if len(v) > 2 else {}) for k, v in routes.items()}  # type: ignore[misc]
    replay = Replay(url="", routes=normalised)

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            replay.requests.append(Recorded(self.command, parts.path, parts.query, dict(self.headers), body))
            status, payload, headers = replay.routes.get((self.command, parts.path), (404, {"error": "no route"}, {}))
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
            for key, value in headers.items():
                if key != "Content-Type":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    replay.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
