"""Loopback servers that misbehave the way real backends do under trouble: accept and never answer,
or answer one byte at a time. Real sockets, so real client libraries meet them."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

DRIP_RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                 + b'{"status":"success","data":{"version":"' + b"9" * 150 + b'"}}')


@contextmanager
def misbehaving_server(mode: str, interval: float = 1.0) -> Iterator[str]:
    """``mode`` is ``hang`` (read the request, never answer) or ``drip`` (one byte every ``interval`` s)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(32)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def serve(conn: socket.socket) -> None:
        conn.settimeout(0.2)
        try:
            try:
                conn.recv(65536)
            except TimeoutError:
                pass
            for byte in DRIP_RESPONSE if mode == "drip" else b"":
                if stop.wait(interval):
                    return
                conn.sendall(bytes([byte]))
            stop.wait()
        except OSError:
            return

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conns.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()
        for conn in conns:
            conn.close()
        time.sleep(0)
