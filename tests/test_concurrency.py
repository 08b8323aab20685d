"""Two builds on one tree: the second waits for the first; killed runs leave no kernel sockets behind."""

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from csc_figures import run

ROOT = Path(__file__).resolve().parents[1]


def test_a_second_make_all_waits_for_the_first(tmp_path):
    # A copy of the Makefile, so the test does not wait on the `make test` that runs it.
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "src", tmp_path / "src")  # Make includes the step graph written from src/
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("raw", "processed"))
    env = {k: v for k, v in os.environ.items() if k not in ("CSC_FIGURES_LOCKED", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    with open(tmp_path / ".make.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first build
        second = subprocess.Popen(["make", "-n", "all"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert second.poll() is None, "the second make did not wait"
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = second.communicate(timeout=60)
    assert "another build is running in this tree" in err and "waiting" in err
    assert "csc_figures.run 01_geography" in out  # then it went ahead (a dry run here)


def test_sockets_of_killed_runs_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = tmp_path / f"{run.SOCKET_PREFIX}{dead.pid}-1"
    live = tmp_path / f"{run.SOCKET_PREFIX}{os.getppid()}-1"
    other = tmp_path / "someone-elses-file"
    for path in (orphan, live, other):
        path.touch()
    assert run.remove_orphan_sockets() == [orphan]
    assert not orphan.exists() and live.exists() and other.exists()


def test_a_killed_run_leaves_sockets_that_the_next_run_removes(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    runner = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-m", "csc_figures.run", "14_reported_figures",
                               "-o", str(tmp_path / "out.ipynb")], cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob(f"{run.SOCKET_PREFIX}{runner.pid}-*")):
        time.sleep(0.2)
    kernels = subprocess.run(["pgrep", "-P", str(runner.pid)], capture_output=True, text=True).stdout.split()
    runner.kill()  # as a killed build would be
    runner.wait()
    for pid in kernels:  # the kernel it started, which this test also started: stop it by its id
        try:
            os.kill(int(pid), 9)
        except ProcessLookupError:
            pass
    left = list(tmp_path.glob(f"{run.SOCKET_PREFIX}{runner.pid}-*"))
    assert left, "the kernel never started"
    cleaner = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                              "from csc_figures import run; print(len(run.remove_orphan_sockets()))"],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert int(cleaner.stdout) >= len(left) and not list(tmp_path.glob(f"{run.SOCKET_PREFIX}{runner.pid}-*"))
