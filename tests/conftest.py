"""Shared fixtures: tests read the real processed tables built by `make all`.

A guard wraps the whole run: the suite must leave the checkout's environment (.venv, its kernel spec,
the editable install) and its git status exactly as it found them; a test works on copies.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from csc_figures import paths, tables


@pytest.fixture(scope="session")
def article_texts() -> dict[str, str]:
    """The articles' texts by file name. Missing texts fail the tests that need them (never a skip)."""
    if not paths.ARTICLES.is_dir():
        pytest.fail(f"the article texts are not at {paths.ARTICLES}: put ../shared beside the clone "
                    "or point CSC_FIGURES_ARTICLES at them", pytrace=False)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(paths.ARTICLES.glob("*.txt"))}


@pytest.fixture(scope="session")
def geo() -> pl.DataFrame:
    return tables.read("la_geography")


@pytest.fixture(scope="session")
def names() -> pl.DataFrame:
    return tables.read("la_names")


@pytest.fixture(scope="session")
def neighbours() -> pl.DataFrame:
    return tables.read("statistical_neighbours")


@pytest.fixture(scope="session")
def history() -> pl.DataFrame:
    return tables.read("inspections")


def borrowed_environment(root: Path) -> None:
    """Give a copy of the project a venv of its own that borrows this checkout's packages read-only.

    Building an environment from the lock takes minutes. The copy's python finds the checkout's
    site-packages through a .pth file (nothing is linked or installed there), and the Jupyter kernel
    is installed into the copy's venv, so Make in the copy can reinstall neither the package nor the
    kernel into this checkout's .venv. Put the copy's src/ first with PYTHONPATH.
    """
    venv = paths.ROOT / ".venv"
    assert (venv / "bin" / "python").exists(), f"no environment at {venv}: run `make env` first"

    def purelib(python: Path) -> str:
        return subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()

    borrowed = purelib(venv / "bin" / "python")
    own_python = root / ".venv" / "bin" / "python"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    Path(purelib(own_python), "borrowed_checkout_packages.pth").write_text(
        f"import site; site.addsitedir({borrowed!r})\n")
    subprocess.run([str(own_python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "csc-figures"],
                   check=True, capture_output=True)
    (root / ".venv" / ".installed").touch()


def share_drawings(root: Path) -> None:
    """The build's kept chart drawings (outputs/runs/drawn: named by the hash of all a drawing depends on, each
    written whole to a new file and never edited) linked into a copy of the project, as a desk's second checkout
    would reuse them: the copy's runs convert only the charts the build never drew. Copied where a link cannot be."""
    kept = paths.OUTPUTS / "runs" / "drawn"

    def link(source, target):
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    if kept.is_dir():
        shutil.copytree(kept, root / "outputs" / "runs" / "drawn", copy_function=link, dirs_exist_ok=True)


# ---- the guard: nothing in the checkout changes under the tests ------------------------------------

CHECKOUT_STATE = pytest.StashKey[dict]()


def _checkout_state() -> dict[str, str]:
    venv = paths.ROOT / ".venv"
    state = {}
    watched = [venv / ".installed", *venv.glob("lib/python*/site-packages/*.pth"),
               *venv.glob("lib/python*/site-packages/csc_figures*.dist-info/*"),
               *venv.glob("share/jupyter/kernels/*/kernel.json")]
    for path in sorted(watched):
        if path.is_file():
            stat = path.stat()
            state[str(path.relative_to(paths.ROOT))] = f"{stat.st_mtime_ns} {hashlib.sha256(path.read_bytes()).hexdigest()}"
    git = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored=no"],
                         cwd=paths.ROOT, capture_output=True, text=True)
    state["git status"] = git.stdout if git.returncode == 0 else f"git failed: {git.stderr}"
    # A file already changed before the run and changed again shows the same status: compare contents too.
    diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=paths.ROOT, capture_output=True)
    state["git diff"] = hashlib.sha256(diff.stdout).hexdigest()
    return state


def pytest_sessionstart(session):
    session.config.stash[CHECKOUT_STATE] = _checkout_state()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(CHECKOUT_STATE, None)
    if before is None or getattr(session.config, "workerinput", None) is not None:
        return
    after = _checkout_state()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        def lines(k: str, state: dict) -> set[str]:
            return set((state.get(k) or "").splitlines())

        detail = "\n".join(
            f"  {k}: new {sorted(lines(k, after) - lines(k, before))[:20]}, gone {sorted(lines(k, before) - lines(k, after))[:20]}"
            for k in changed)
        session.config.get_terminal_writer().line(
            f"\nThe tests changed the checkout (a test must work on copies):\n{detail}", red=True)
        session.exitstatus = 1


# ---- the site in a browser: one build and one Chromium per session -----------------------------------

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built once into a temporary folder (never the checkout's outputs/site): every page, and the
    profiles of `site.profiles.sample_councils`, or of every council when CSC_FIGURES_AUDIT=all (`make audit`)."""
    import os

    from csc_figures.site import build, profiles

    folder = tmp_path_factory.mktemp("site")
    everyone = os.environ.get("CSC_FIGURES_AUDIT") == "all"
    sample = None if everyone else profiles.sample_councils(tables.read("la_geography"), tables.read("workforce"))
    build.build(folder, councils=sample)
    return folder


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never `playwright install`); missing, the tests fail."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is not installed: `apt-get install -y chromium` (.ci/run does this in CI)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
