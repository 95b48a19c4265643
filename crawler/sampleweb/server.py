"""The HTTP server in front of a :class:`Site`: one port, one site per Host header.

Documents carry ETag and Last-Modified and answer conditional requests with 304. Faults switched
on in the site happen here: a 500 before the first success, a slow page, a connection reset, a
truncated body, a PDF served as text/html, a 20 MB attachment. ``/_manifest.json`` (any host)
lists what the portals publish; ``/_stats.json`` counts requests per host.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import urllib.parse
from collections import Counter
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .site import HUGE_BYTES, SLOW_SECONDS, Site, route_key


def free_port(preferred: int = 0) -> int:
    """``preferred`` if nothing listens on it, else a port the system picks (``0``: any)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError:
            s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@lru_cache(maxsize=1)
def huge_pdf() -> bytes:
    """A 20 MB 'PDF': a header and padding, enough to trip a crawler's size limit."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    return head + b"%" + b"0" * (HUGE_BYTES - len(head) - 2) + b"\n"


class SampleServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site_options: dict | None = None):
        super().__init__(address, _Handler)
        self.site_options = dict(site_options or {})
        self.requests = Counter()
        self.errors_served: set[str] = set()
        self.lock = threading.Lock()
        self.site = Site(port=self.server_address[1], **self.site_options)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def set_epoch(self, epoch: int) -> None:
        """The same portals a year later, on the same host names and port."""
        self.site = Site(port=self.port, **{**self.site_options, "epoch": epoch})
        self.site_options["epoch"] = epoch

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: SampleServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet: tests and the demo read /_stats.json instead
        pass

    def do_GET(self):
        self._respond("GET")

    def do_HEAD(self):
        self._respond("HEAD")

    def do_POST(self):
        self._respond("POST")

    def _respond(self, method: str) -> None:
        server, site = self.server, self.server.site
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        split = urllib.parse.urlsplit(self.path)
        with server.lock:
            server.requests[host] += 1
        params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            params.update(urllib.parse.parse_qsl(form, keep_blank_values=True))
        if split.path == "/_manifest.json":
            return self._send(200, json.dumps(site.manifest(), ensure_ascii=False, indent=1).encode(),
                              "application/json; charset=utf-8", method)
        if split.path == "/_stats.json":
            return self._send(200, json.dumps(dict(server.requests)).encode(), "application/json", method)
        routes = site.routes.get(host)
        page = None
        if routes is not None:
            page = routes.get(route_key(split.path, split.query)) or routes.get(split.path)
        if page is None:
            return self._send(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode(),
                              "text/html; charset=utf-8", method)
        if method not in page.methods:
            return self._send(405, b"method not allowed", "text/plain", method)
        if page.status in (301, 302):
            return self._send(page.status, b"", "text/html", method, {"Location": page.location})
        if page.status != 200:
            return self._send(page.status, page.body(params), page.content_type, method)
        faults = page.faults
        key = f"{host}{self.path}"
        if "error_once" in faults:
            with server.lock:
                first = key not in server.errors_served
                server.errors_served.add(key)
            if first:
                return self._send(500, b"<h1>500 Internal Server Error</h1>", "text/html", method)
        if "slow" in faults:
            time.sleep(SLOW_SECONDS)
        if "reset" in faults:
            return self._reset()
        body = huge_pdf() if "huge" in faults else page.body(params)
        content_type = "text/html; charset=utf-8" if "pdf_as_html" in faults else page.content_type
        headers = {"ETag": site.etag(body), "Last-Modified": format_datetime(page.modified, usegmt=True)}
        if page.filename:
            quoted = urllib.parse.quote(page.filename)
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quoted}"
        if self._not_modified(headers["ETag"], page.modified):
            return self._send(304, b"", content_type, method, headers)
        if "truncated" in faults:
            return self._send(200, body, content_type, method, headers, truncate=True)
        self._send(200, body, content_type, method, headers)

    def _not_modified(self, etag: str, modified) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, content_type: str, method: str, headers: dict | None = None,
              truncate: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if method == "HEAD" or status == 304:
            return
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._reset()
            return
        self.wfile.write(body)

    def _reset(self) -> None:
        """Close with RST, not FIN: what a crashed or overloaded server looks like to a client."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()


def serve(host: str = "127.0.0.1", port: int = 8765, **site_options) -> SampleServer:
    """A started server (in a background thread)."""
    server = SampleServer((host, port), site_options)
    server.serve_in_thread()
    return server
