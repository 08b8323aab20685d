"""JupyterLab starts as `make lab` starts it (csc_figures.lab): the project's kernel, the notebooks listed, no
'Jupyter news' prompt, and the house font served for charts (a real server on localhost)."""

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

from csc_figures import lab, paths, style


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=2) as response:
        return json.load(response)


def _raw(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


def test_lab_lists_notebooks_and_offers_the_project_kernel(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", *lab.server_arguments(), "--no-browser", "--allow-root", "--ip", "127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={paths.ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env=lab.server_environment({**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}),
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
        kernels = _get(f"{base}/kernelspecs", token)
        assert "csc-figures" in kernels["kernelspecs"] and kernels["default"] == "csc-figures"
        # the project's settings: Lab never asks to fetch Jupyter news
        root = f"http://127.0.0.1:{port}"
        notification = _get(f"{root}/lab/api/settings/@jupyterlab/apputils-extension:notification", token)
        assert notification["schema"]["properties"]["fetchNews"]["default"] == "false"
        # the house font: the custom CSS declares it and the font files it names are served beside it
        css = _raw(f"{root}/custom/custom.css", token).decode()
        assert f'font-family: "{style.FONT}"' in css
        for name in ("SourceSansPro-Regular.otf", "SourceSansPro-Bold.otf"):
            assert f'url("../files/outputs/figures/fonts/{name}")' in css, name
            assert _raw(f"{root}/files/outputs/figures/fonts/{name}", token)[:4] == b"OTTO", name
        page = _raw(f"{root}/lab", token).decode()
        assert "custom/custom.css" in page  # Lab's page loads it
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
