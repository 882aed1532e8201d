"""A loopback HTTP server that replays recorded Kubernetes API responses to the real kubernetes client.

Routes are "METHOD /path" (path decoded the way the API server decodes it); a route's value is one
response or {"sequence": [...]} (consumed in order, the last one repeats). PATCH/POST routes may use
{"echo": status} to answer with the request body, as the API server does for an accepted apply/create.
Every request is recorded (method, path, content type, body) for assertions.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kubernetes"


@dataclass
class Recorded:
    method: str
    path: str
    content_type: str
    body: Any


@dataclass
class KubeAPI:
    url: str
    kubeconfig: Path
    requests: list[Recorded] = field(default_factory=list)

    def calls(self, method: str, prefix: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]


def load_routes(*names: str) -> dict[str, Any]:
    """Merge fixture files in order (later routes win), e.g. a base cluster plus a scenario."""
    routes: dict[str, Any] = {}
    for name in names:
        routes.update(json.loads((FIXTURES / name).read_text())["routes"])
    return routes


def serve(routes: dict[str, Any], tmp_path: Path) -> tuple[KubeAPI, ThreadingHTTPServer]:
    positions: dict[str, int] = {}
    lock = threading.Lock()
    api: KubeAPI

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode()
            path = unquote(urlsplit(self.path).path).rstrip("/") or "/"  # the API server serves /version/ too
            api.requests.append(Recorded(self.command, path, self.headers.get("Content-Type", ""), body))
            key = f"{self.command} {path}"
            entry = routes.get(key)
            if entry is None:
                self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                 "message": f"{path} not found", "reason": "NotFound", "code": 404})
                return
            if "sequence" in entry:
                with lock:
                    i = positions.get(key, 0)
                    positions[key] = i + 1
                entry = entry["sequence"][min(i, len(entry["sequence"]) - 1)]
            if "echo" in entry:
                self._send(int(entry["echo"]), body)
            else:
                self._send(int(entry.get("status", 200)), entry.get("body"), entry.get("content_type"))

        def _send(self, status: int, payload: Any, content_type: str | None = None) -> None:
            if isinstance(payload, str):
                data, ctype = payload.encode(), content_type or "text/plain; charset=utf-8"
            else:
                data, ctype = json.dumps(payload).encode(), content_type or "application/json"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: recorded\n"
        f"clusters:\n- name: recorded\n  cluster:\n    server: {url}\n"
        "users:\n- name: tester\n  user:\n    token: recorded-token\n"
        "contexts:\n- name: recorded\n  context:\n    cluster: recorded\n    user: tester\n")
    api = KubeAPI(url, kubeconfig)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return api, server
