"""`make fetch`: downloads against a local HTTP server on 127.0.0.1 started here, never the internet.

The server serves a file, a ZIP holding it, a redirect to it, a truncated body, a 404, a body that
is not the file, a ZIP without the file and an answer that never comes; a closed port stands for
a machine that is offline. After every failure data/raw holds nothing new.
"""

import hashlib
import io
import socket
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from csc_figures import sources
from csc_figures.sources import Source, SourceError

CONTENT = b"time_period,la_name,turnover_rate_fte\n2025,York,14.2\n2025,Derby,17.9\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


RELEASE_ZIP = _zip({"data/x.csv": CONTENT, "data/other.csv": b"a,b\n1,2\n",
                    "data-guidance/data-guidance.txt": b"guidance"})
WRONG_ZIP = _zip({"data/other.csv": b"a,b\n1,2\n"})
SLOW_SECONDS = 3


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, body: bytes, length: int | None = None, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/x.csv":
            self._send(CONTENT)
        elif self.path == "/release/files":
            self._send(RELEASE_ZIP)
        elif self.path == "/wrong.zip":
            self._send(WRONG_ZIP)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/x.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/truncated":
            self.close_connection = True
            self._send(CONTENT[:20], length=len(CONTENT))
        elif self.path == "/changed.csv":
            self._send(CONTENT.replace(b"14.2", b"41.2"))
        elif self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(CONTENT)
        else:
            self._send(b"not found", status=404)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout test) breaks the pipe; that is the point


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def source(url: str, member: str = "") -> Source:
    return Source(name="x.csv", sha256=hashlib.sha256(CONTENT).hexdigest(), bytes=len(CONTENT),
                  publisher="p", publication="p", release="r", page="https://example.org/page",
                  url=url, member=member)


def leftovers(raw):
    return sorted(p.name for p in raw.iterdir()) if raw.exists() else []


def test_downloads_a_file_and_verifies_it(server, tmp_path):
    how = sources.download_verified(source(f"{server}/x.csv"), tmp_path, seconds=5)
    assert how.startswith("downloaded from") and (tmp_path / "x.csv").read_bytes() == CONTENT
    assert leftovers(tmp_path) == ["x.csv"]


def test_extracts_the_member_from_a_zip(server, tmp_path):
    how = sources.download_verified(source(f"{server}/release/files", member="data/x.csv"), tmp_path, seconds=5)
    assert "member data/x.csv" in how and (tmp_path / "x.csv").read_bytes() == CONTENT
    assert leftovers(tmp_path) == ["x.csv"]


def test_finds_the_member_by_name_when_the_zip_moved_it(server, tmp_path):
    sources.download_verified(source(f"{server}/release/files", member="x.csv"), tmp_path, seconds=5)
    assert (tmp_path / "x.csv").read_bytes() == CONTENT


def test_follows_a_redirect(server, tmp_path):
    sources.download_verified(source(f"{server}/moved"), tmp_path, seconds=5)
    assert (tmp_path / "x.csv").read_bytes() == CONTENT


def test_a_truncated_body_is_refused_and_leaves_nothing(server, tmp_path):
    with pytest.raises(SourceError, match="stopped early"):
        sources.download_verified(source(f"{server}/truncated"), tmp_path, seconds=5)
    assert leftovers(tmp_path) == []


def test_a_404_is_refused_naming_the_status_and_page(server, tmp_path):
    with pytest.raises(SourceError, match=r"HTTP 404.*https://example.org/page"):
        sources.download_verified(source(f"{server}/gone.csv"), tmp_path, seconds=5)
    assert leftovers(tmp_path) == []


def test_a_different_file_is_refused_naming_both_hashes_and_leaves_the_old_copy(server, tmp_path):
    (tmp_path / "x.csv").write_bytes(CONTENT)
    with pytest.raises(SourceError) as err:
        sources.download_verified(source(f"{server}/changed.csv"), tmp_path, seconds=5)
    message = str(err.value)
    assert "x.csv: changed file" in message and hashlib.sha256(CONTENT).hexdigest() in message
    assert "actual" in message
    assert leftovers(tmp_path) == ["x.csv"] and (tmp_path / "x.csv").read_bytes() == CONTENT


def test_a_zip_without_the_member_is_refused_listing_what_it_holds(server, tmp_path):
    with pytest.raises(SourceError, match=r"holds no file named 'x.csv'.*data/other.csv"):
        sources.download_verified(source(f"{server}/wrong.zip", member="data/x.csv"), tmp_path, seconds=5)
    assert leftovers(tmp_path) == []


def test_a_body_that_is_not_a_zip_is_refused(server, tmp_path):
    with pytest.raises(SourceError, match="not a ZIP"):
        sources.download_verified(source(f"{server}/x.csv", member="data/x.csv"), tmp_path, seconds=5)
    assert leftovers(tmp_path) == []


def test_a_server_that_does_not_answer_times_out(server, tmp_path):
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"no answer .* within 0.5 s"):
        sources.download_verified(source(f"{server}/slow"), tmp_path, seconds=0.5)
    assert time.monotonic() - started < SLOW_SECONDS
    assert leftovers(tmp_path) == []


def test_offline_gives_a_clear_message(tmp_path):
    # A port nothing listens on: the connection is refused, as it is without a network.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceError, match=r"cannot reach .* Are you offline\?.*RAW_MIRROR"):
        sources.download_verified(source(f"http://127.0.0.1:{port}/x.csv"), tmp_path, seconds=2)
    assert leftovers(tmp_path) == []


def test_no_recorded_url_names_the_page(tmp_path):
    with pytest.raises(SourceError, match="no download address is recorded.*example.org/page"):
        sources.download_verified(source(""), tmp_path)


def test_fetch_downloads_when_the_mirror_lacks_the_file(server, tmp_path):
    empty = tmp_path / "mirror"
    empty.mkdir()
    how = sources.fetch(source(f"{server}/x.csv"), tmp_path / "raw", empty, seconds=5)
    assert how.startswith("downloaded") and (tmp_path / "raw" / "x.csv").read_bytes() == CONTENT


def test_make_fetch_command_downloads_one_manifest_file(server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources.toml").write_text(f'''
[files."x.csv"]
sha256 = "{hashlib.sha256(CONTENT).hexdigest()}"
bytes = {len(CONTENT)}
publisher = "p"
publication = "p"
release = "r"
role = "hex_layout"
page = "https://example.org/page"
url = "{server}/release/files"
member = "data/x.csv"
licence = "Open Government Licence v3.0"
confirmed = false
established = "a test"
''')
    env = {"CSC_FIGURES_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin", "FETCH_TIMEOUT": "5"}
    ok = subprocess.run([sys.executable, "-m", "csc_figures.sources", "--download", "x.csv"],
                        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (data / "raw" / "x.csv").read_bytes() == CONTENT
    (data / "sources.toml").write_text((data / "sources.toml").read_text().replace("/release/files", "/gone"))
    failed = subprocess.run([sys.executable, "-m", "csc_figures.sources", "--download", "x.csv"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert failed.returncode == 1 and "HTTP 404" in failed.stderr and "Traceback" not in failed.stderr
    assert (data / "raw" / "x.csv").read_bytes() == CONTENT, "a failed download keeps the verified copy"
