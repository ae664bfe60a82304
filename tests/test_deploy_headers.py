"""The site as deployed: nginx, configured by the build (buildlib/headers.py), sends every header the site
needs, refuses to be framed by another origin and serves the pre-compressed copies; site/_headers says the
same for Netlify and Cloudflare Pages; deploy/nginx.conf runs as the README says."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from buildlib import csp, headers
from buildlib.nginx import nginx_binary

FETCH = """async (url) => {
  const response = await fetch(url, {cache: 'no-store'});  // what the server sends, not the cache's copy
  const body = new Uint8Array(await response.arrayBuffer());
  const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', body))]
    .map((b) => b.toString(16).padStart(2, '0')).join('');
  const entry = performance.getEntriesByName(response.url).at(-1);
  return {sha256: digest, transferred: entry ? entry.encodedBodySize : null};
}"""


def one(site_dir: Path, pattern: str) -> str:
    """The site path ("assets/…") of the one built file that matches a glob."""
    (found,) = sorted(site_dir.glob(pattern))
    return found.relative_to(site_dir).as_posix()


def fetched(page, url: str) -> dict:
    """A fetch of `url` from a page of the site, as Chromium got it from the network: status, the headers on the
    wire (JavaScript does not see them all: HSTS over plain HTTP), the body's digest and the bytes transferred."""
    with page.expect_response(url) as caught:
        body = page.evaluate(FETCH, url)
    return {"status": caught.value.status, "headers": caught.value.all_headers(), **body}


def assert_common(found: dict[str, str], what: str) -> None:
    for name, value in headers.COMMON.items():
        assert found.get(name.lower()) == value, f"{what}: {name} is {found.get(name.lower())!r}"


@pytest.mark.browser
def test_a_page_carries_the_policy_header_and_every_security_header(page, site_url):
    response = page.goto(site_url + "cancellation/")
    found = response.all_headers()
    assert_common(found, "cancellation/")
    policy = csp.parse(found["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'wasm-unsafe-eval'" not in policy["script-src"]
    assert found["cache-control"] == "no-cache"
    assert found["content-type"] == "text/html; charset=utf-8"
    assert found["vary"] == "Accept-Encoding"


@pytest.mark.browser
def test_content_hashed_files_are_immutable_and_served_with_their_types(page, site_url, site_dir):
    page.goto(site_url)
    version_dir = one(site_dir, "assets/pyodide/v*")
    expected = {
        one(site_dir, "assets/desk/glue.*.mjs"): "text/javascript; charset=utf-8",
        one(site_dir, "assets/desk/engine.*.zip"): "application/zip",
        one(site_dir, "assets/javascripts/bundle.*.min.js"): "text/javascript; charset=utf-8",
        one(site_dir, "assets/stylesheets/main.*.min.css"): "text/css; charset=utf-8",
        f"{version_dir}/pyodide.asm.wasm": "application/wasm",
        f"{version_dir}/pyodide.mjs": "text/javascript; charset=utf-8",
    }
    for path, content_type in expected.items():
        response = fetched(page, site_url + path)
        assert response["status"] == 200, path
        assert_common(response["headers"], path)
        assert response["headers"]["content-type"] == content_type, path
        assert response["headers"]["cache-control"] == headers.IMMUTABLE, path
        assert response["sha256"] == hashlib.sha256((site_dir / path).read_bytes()).hexdigest(), path


@pytest.mark.browser
def test_the_desk_worker_gets_its_own_policy_that_alone_may_compile_wasm(page, site_url, site_dir):
    page.goto(site_url)
    worker = fetched(page, site_url + one(site_dir, "assets/desk/worker.*.mjs"))["headers"]
    policy = csp.parse(worker["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'", "blob:", "'wasm-unsafe-eval'"]  # self-host mode: no CDN at all
    assert policy["connect-src"] == ["'self'"]
    assert worker["cache-control"] == headers.IMMUTABLE


@pytest.mark.browser
def test_brotli_is_served_to_a_browser_that_accepts_it_and_decodes_to_the_same_bytes(page, site_url, site_dir):
    page.goto(site_url)
    path = f"{one(site_dir, 'assets/pyodide/v*')}/pyodide.asm.wasm"
    response = fetched(page, site_url + path)
    assert response["headers"]["content-encoding"] == "br"
    assert response["headers"]["vary"] == "Accept-Encoding"
    assert response["transferred"] == (site_dir / f"{path}.br").stat().st_size  # the .br copy went over the wire
    assert response["sha256"] == hashlib.sha256((site_dir / path).read_bytes()).hexdigest()


class _FramingPage(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def other_origin(tmp_path, site_url):
    """A second loopback origin with a page that frames the site and, as a control, a page of its own."""
    (tmp_path / "own.html").write_text("<!doctype html><title>own</title><p id=own>framed fine</p>")
    (tmp_path / "frame.html").write_text(
        "<!doctype html><title>framing</title>"
        f'<iframe id=site src="{site_url}cancellation/"></iframe><iframe id=own src="own.html"></iframe>')
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_FramingPage, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_a_page_framed_by_another_origin_is_refused(page, other_origin, site_url):
    refusals = []
    page.on("console", lambda message: "frame-ancestors" in message.text and refusals.append(message.text))
    with page.expect_response(f"{site_url}cancellation/") as framed:
        page.goto(other_origin + "frame.html", wait_until="load")
    assert framed.value.status == 200  # the site answered; the browser refused to show it
    own = page.frame_locator("#own").locator("#own")
    assert own.text_content() == "framed fine"  # the control: framing itself works on this page
    site_frame = page.locator("#site").content_frame
    assert site_frame.locator("#decision-desk").count() == 0
    assert refusals, "Chromium did not report the frame-ancestors refusal"


# --- site/_headers and deploy/nginx.conf ----------------------------------------------------------------------

def netlify_blocks(text: str) -> list[tuple[str, dict[str, str]]]:
    blocks: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if line.startswith("/"):
            blocks.append((line, {}))
        elif line.startswith("  "):
            name, _, value = line.strip().partition(": ")
            blocks[-1][1][name] = value
    return blocks


def test_headers_file_lists_each_page_and_hashed_file_once_with_what_nginx_sends(site_dir, site_url):
    blocks = netlify_blocks((site_dir / "_headers").read_text(encoding="utf-8"))
    paths = [path for path, _ in blocks]
    assert blocks[0] == ("/*", headers.COMMON)
    assert len(paths) == len(set(paths)), "a path in two blocks gets its headers twice"
    assert len(blocks) <= 100, "Cloudflare Pages reads at most 100 rules"
    for page in ("/", "/cancellation/", "/cancellation/index.html", "/404.html"):
        assert page in paths, page
    for path, sent in blocks[1:]:
        with urllib.request.urlopen(site_url + path.lstrip("/")) as response:
            served = {name: response.headers[name] for name in sent}
        assert served == sent, path
        if path.endswith((".html", "/")):
            assert "frame-ancestors 'none'" in sent["Content-Security-Policy"], path


def test_the_deploy_configuration_serves_site_from_the_repository_as_the_readme_says(site_dir):
    """`nginx -p <repo> -c deploy/nginx.conf`, in a copy whose site/ nginx's workers may read."""
    repo = Path(tempfile.mkdtemp(prefix="deploy-"))
    repo.chmod(0o755)
    port = _free_port()
    process = None
    try:
        shutil.copytree(site_dir, repo / "site")
        conf = headers.write_nginx(repo / "site", repo / "deploy" / "nginx.conf", root="site",
                                   listen=f"127.0.0.1:{port}")
        test = subprocess.run([nginx_binary(), "-t", "-p", str(repo), "-c", "deploy/nginx.conf"],
                              capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        process = subprocess.Popen([nginx_binary(), "-p", str(repo), "-c", "deploy/nginx.conf"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_port(port, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/cancellation/") as response:
            assert response.status == 200
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "root site;" in conf.read_text()
    finally:
        if process:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(repo, ignore_errors=True)
        for leftover in Path("/tmp").glob(f"policy-site-nginx-{port}.*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    """Until nginx accepts connections (or has exited, which fails the test with its log)."""
    while True:
        assert process.poll() is None, process.stderr.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
