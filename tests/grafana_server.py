"""A loopback HTTP server replaying recorded Grafana 11.x API responses (tests/fixtures/grafana/).

Stateful enough for push/prune: dashboards and folders live in memory; response bodies are the
recorded shapes with ids, uids, titles and versions filled in. Every request is recorded.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).parent / "fixtures" / "grafana"


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@dataclass
class FakeState:
    token: str
    folders: dict[str, str] = field(default_factory=dict)  # uid -> title
    dashboards: dict[str, tuple[dict, str]] = field(default_factory=dict)  # uid -> (dashboard, folderUid)
    requests: list[tuple[str, str, Any, str]] = field(default_factory=list)  # method, path, body, auth
    next_id: int = 1
    health: dict[str, Any] | None = None  # GET /api/health answer; None: the recorded health.json


def _handler(state: FakeState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method: str) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            auth = self.headers.get("Authorization", "")
            state.requests.append((method, url.path, body, auth))
            route = (method, url.path)
            if route == ("GET", "/api/health"):  # Grafana answers health without authentication
                return self._send(200, state.health or recorded("health"))
            if auth != f"Bearer {state.token}":
                return self._send(401, recorded("errors")["401"])
            if route == ("GET", "/api/folders"):
                return self._send(200, [{"id": i + 1, "uid": uid, "title": title}
                                        for i, (uid, title) in enumerate(sorted(state.folders.items()))])
            if route == ("POST", "/api/folders"):
                uid = body.get("uid") or f"f{state.next_id}"
                state.folders[uid] = body["title"]
                out = recorded("folder_created") | {"id": state.next_id, "uid": uid, "title": body["title"]}
                state.next_id += 1
                return self._send(200, out)
            if route == ("POST", "/api/dashboards/db"):
                dash = copy.deepcopy(body["dashboard"])
                uid = dash["uid"]
                old = state.dashboards.get(uid)
                dash["id"] = state.next_id
                dash["version"] = (old[0].get("version", 0) + 1) if old else 1
                state.next_id += 1
                state.dashboards[uid] = (dash, body.get("folderUid", ""))
                return self._send(200, recorded("dashboard_saved") | {
                    "id": dash["id"], "uid": uid, "version": dash["version"], "url": f"/d/{uid}/x",
                    "folderUid": body.get("folderUid", "")})
            if url.path.startswith("/api/dashboards/uid/"):
                uid = url.path.rsplit("/", 1)[-1]
                if uid not in state.dashboards:
                    return self._send(404, recorded("errors")["404_dashboard"])
                dash, fuid = state.dashboards[uid]
                if method == "GET":
                    out = recorded("dashboard_get")
                    out["dashboard"] = dash
                    out["meta"] |= {"folderUid": fuid, "folderTitle": state.folders.get(fuid, "General")}
                    return self._send(200, out)
                if method == "DELETE":
                    del state.dashboards[uid]
                    return self._send(200, recorded("dashboard_deleted") | {
                        "title": dash.get("title", ""), "id": dash["id"], "uid": uid,
                        "message": f"Dashboard {dash.get('title', '')} deleted"})
            if route == ("GET", "/api/search"):
                query = parse_qs(url.query)
                folders = set(query.get("folderUIDs", []))
                hits = [recorded("search_hit") | {"uid": uid, "title": d.get("title", ""), "folderUid": f,
                                                  "folderTitle": state.folders.get(f, "")}
                        for uid, (d, f) in sorted(state.dashboards.items()) if not folders or f in folders]
                return self._send(200, hits)
            return self._send(404, {"message": "Not found"})

        def do_GET(self) -> None:  # noqa: N802
            self._handle("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._handle("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._handle("DELETE")

    return Handler


@contextlib.contextmanager
def grafana(token: str) -> Iterator[tuple[str, FakeState]]:
    state = FakeState(token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
