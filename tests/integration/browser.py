"""Headless Chromium driven over the DevTools protocol (websocket-client): load a page, collect console
errors and uncaught exceptions, take a screenshot. Debian's `chromium`; a fresh profile per run."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websocket

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-port=0",
         "--remote-allow-origins=*"]


@dataclass
class PageResult:
    console_errors: list[str] = field(default_factory=list)
    screenshot: bytes = b""
    title: str = ""
    values: dict[str, object] = field(default_factory=dict)  # results of the `evaluate` expressions


def load(page: Path, screenshot: Path, wait: float = 1.0, evaluate: dict[str, str] | None = None,
         height: int = 1400, width: int = 1000) -> PageResult:
    """Open ``page``; ``evaluate`` maps names to JavaScript expressions whose (JSON-able) values are returned."""
    profile = tempfile.mkdtemp(prefix="obskit-chromium-")
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port = _port(Path(profile) / "DevToolsActivePort", proc)
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        ws = websocket.create_connection(ws_url, timeout=20, suppress_origin=True)
        result = PageResult()
        ids = iter(range(1, 10_000))

        def call(method: str, **params: object) -> dict:
            msg_id = next(ids)
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                _collect(msg, result)
                if msg.get("id") == msg_id:
                    return msg.get("result", {})

        call("Runtime.enable")
        call("Log.enable")
        call("Page.enable")
        call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        call("Page.navigate", url=page.resolve().as_uri())
        deadline = time.monotonic() + wait
        ws.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                _collect(json.loads(ws.recv()), result)
            except websocket.WebSocketTimeoutException:
                pass
        ws.settimeout(20)
        result.title = call("Runtime.evaluate", expression="document.title")["result"].get("value", "")
        for name, expression in (evaluate or {}).items():
            result.values[name] = call("Runtime.evaluate", expression=expression, returnByValue=True)[
                "result"].get("value")
        shot = call("Page.captureScreenshot", format="png")
        result.screenshot = base64.b64decode(shot["data"])
        screenshot.write_bytes(result.screenshot)
        ws.close()
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _port(active: Path, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if active.exists() and active.read_text().strip():
            return int(active.read_text().split()[0])
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode}")
        time.sleep(0.1)
    raise RuntimeError("chromium did not open a DevTools port within 30 s")


def _collect(msg: dict, result: PageResult) -> None:
    method, params = msg.get("method"), msg.get("params", {})
    if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        result.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
    elif method == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails", {})
        result.console_errors.append(details.get("exception", {}).get("description") or details.get("text", ""))
    elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
        result.console_errors.append(params["entry"].get("text", ""))
