"""The emulator over real HTTP: a thin shell that turns each request into an :class:`EmulatorRequest`.

Everything the emulator does (routing, faults, the request log) happens in
:meth:`tpbis.testing.SheetsEmulator.serve`; this module only reads bytes off
the socket and writes the answer back, or drops the connection when told to.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tpbis.testing._wire import EmulatorRequest, Serves

__all__ = ["EmulatorServer"]


class EmulatorServer(ThreadingHTTPServer):
    """A threading HTTP server whose requests an emulator answers; it can close every connection at stop."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], emulator: Serves) -> None:
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self._workers: set[threading.Thread] = set()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve each connection in its own (tracked) thread."""
        with self._conn_lock:
            self._connections.add(request)
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        with self._conn_lock:
            self._workers = {t for t in self._workers if t.is_alive()}
            self._workers.add(thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        """Forget a finished connection."""
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every keep-alive connection so its thread ends, then join them."""
        with self._conn_lock:
            conns = list(self._connections)
            workers = list(self._workers)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for worker in workers:
            worker.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer headers and body into one write, and don't wait for delayed ACKs (40 ms per request otherwise).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: EmulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; the emulator keeps its own log."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = EmulatorRequest.from_url(self.command, self.path, dict(self.headers.items()), raw)
        response = self.server.emulator.serve(request)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
