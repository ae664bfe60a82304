"""nginx on loopback, serving a built site exactly as deploy/nginx.conf does: for the tests and the bench.

    with NginxServer(site_dir) as server:
        server.url  # "http://127.0.0.1:<free port>/"

The configuration is buildlib.headers.nginx() for this folder (its own rules unless given), on a free
loopback port, with its pid and temp files in a temporary folder, in one foreground process.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from . import headers

NGINX = "/usr/sbin/nginx"
START_TIMEOUT = 15  # seconds for nginx to accept connections
ATTEMPTS = 5  # a free port can be taken by someone else between choosing it and nginx binding it


def nginx_binary() -> str:
    """Debian's nginx, with a message that says how to get it."""
    found = shutil.which("nginx") or (NGINX if Path(NGINX).exists() else None)
    if found is None or not Path(headers.BROTLI_MODULE).exists():
        raise RuntimeError("nginx with its brotli module is not installed: `make test` installs it "
                           "(apt-get install nginx libnginx-mod-http-brotli-static)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NginxServer:
    """Serve `site_dir` with nginx on 127.0.0.1 until the block ends."""

    def __init__(self, site_dir: Path, rules: tuple[headers.Rule, ...] | None = None) -> None:
        self.site_dir = Path(site_dir).resolve()
        self.rules = headers.for_site(self.site_dir) if rules is None else rules
        self.port = 0
        self._work = Path()
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def config(self, port: int) -> str:
        """The configuration this server runs: deploy/nginx.conf's, for this folder and port."""
        return headers.nginx(self.rules, root=str(self.site_dir), listen=f"127.0.0.1:{port}",
                             runtime=str(self._work / "run"), single_process=True, access_log=False)

    def _start(self, port: int) -> bool:
        conf = self._work / "nginx.conf"
        conf.write_text(self.config(port), encoding="utf-8")
        log = (self._work / "error.log").open("ab")
        self._process = subprocess.Popen([nginx_binary(), "-p", str(self._work), "-c", str(conf)],
                                         stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                self.port = port
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def __enter__(self) -> NginxServer:
        self._work = Path(tempfile.mkdtemp(prefix="nginx-"))
        for _ in range(ATTEMPTS):
            if self._start(_free_port()):
                return self
            self._stop()
            log = (self._work / "error.log").read_text(errors="replace")
            if "Address already in use" not in log:
                break
        shutil.rmtree(self._work, ignore_errors=True)
        raise RuntimeError(f"nginx did not start serving {self.site_dir}:\n{log[-3000:]}")

    def _stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __exit__(self, *exc) -> None:
        self._stop()
        shutil.rmtree(self._work, ignore_errors=True)
