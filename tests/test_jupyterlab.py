"""JupyterLab starts with the project's kernel and lists the notebooks (a real server on localhost)."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from csc_figures import paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=2) as response:
        return json.load(response)


def test_lab_lists_notebooks_and_offers_the_project_kernel(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", "--ip", "127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={paths.ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)},
    )
    try:
        base = f"http://127.0.0.1:{port}/api"
        deadline = time.time() + 60
        while True:
            try:
                listing = _get(f"{base}/contents/notebooks", token)
                break
            except OSError:
                assert server.poll() is None, "jupyter lab exited during start-up"
                assert time.time() < deadline, "jupyter lab did not answer within 60 s"
                time.sleep(0.5)
        names = {item["name"] for item in listing["content"]}
        expected = {p.name for p in paths.NOTEBOOKS.glob("*.ipynb")}
        assert expected and names >= expected
        kernels = _get(f"{base}/kernelspecs", token)["kernelspecs"]
        assert "csc-figures" in kernels
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
