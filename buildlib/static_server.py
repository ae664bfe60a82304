"""A small static file server for the built site on loopback, used by the tests and the bench.

It serves the right MIME types for Pyodide (.mjs, .wasm), and, when asked to, the .gz or .br
copies that the build writes next to each file, the way a real static host does.
"""

from __future__ import annotations

import threading
from email.utils import parsedate_to_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MIME = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".json": "application/json",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}


class Handler(SimpleHTTPRequestHandler):
    """Static handler with correct MIME types, optional pre-compressed files and no logging."""

    compress = False
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME}

    def log_message(self, format, *args):  # keep test and bench output clean
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):
        if self.compress:
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            accepted = self.headers.get("Accept-Encoding", "")
            for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
                candidate = path.with_name(path.name + suffix)
                if encoding in accepted and candidate.is_file() and path.is_file():
                    return self._send_encoded(path, candidate, encoding)
        return super().send_head()

    def _send_encoded(self, original: Path, encoded: Path, encoding: str):
        # Revalidation as SimpleHTTPRequestHandler does for plain files, so a warm reload gets 304s.
        mtime = int(original.stat().st_mtime)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                if parsedate_to_datetime(since).timestamp() >= mtime:
                    self.send_response(304)
                    self.end_headers()
                    return None
            except (TypeError, ValueError):
                pass
        body = open(encoded, "rb")  # noqa: SIM115 (closed by copyfile's caller)
        self.send_response(200)
        self.send_header("Last-Modified", self.date_time_string(mtime))
        self.send_header("Content-Type", self.guess_type(str(original)))
        self.send_header("Content-Encoding", encoding)
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(encoded.stat().st_size))
        self.end_headers()
        return body


class _QuietServer(ThreadingHTTPServer):
    """A browser closing a context mid-download resets the connection; that is not an error here."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class StaticServer:
    """Serve `root` on 127.0.0.1 on a free port in a background thread."""

    def __init__(self, root: Path, compress: bool = False, port: int = 0) -> None:
        handler = type("BoundHandler", (Handler,), {"compress": compress})
        self.httpd = _QuietServer(("127.0.0.1", port), partial(handler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
