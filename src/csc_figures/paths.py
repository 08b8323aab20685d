"""Where things live. Every path is derived from the project root, never the cwd."""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    # An env var wins (tests and CI may point at a copy); else walk up from the
    # cwd (notebooks run from outputs/notebooks/); else the editable install.
    if env := os.environ.get("CSC_FIGURES_ROOT"):
        return Path(env).resolve()
    for folder in [Path.cwd(), *Path.cwd().parents]:
        pyproject = folder / "pyproject.toml"
        if pyproject.exists() and 'name = "csc-figures"' in pyproject.read_text():
            return folder
    return Path(__file__).resolve().parents[2]


ROOT = _find_root()
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
REPORTED = DATA / "reported"
SOURCES_TOML = DATA / "sources.toml"
OUTPUTS = ROOT / "outputs"
# A run with non-default parameters writes its charts and tables to its own folder under
# outputs/runs/ (set by csc_figures.run), so the committed defaults stay as they are.
_RUN_OUTPUTS = os.environ.get("CSC_FIGURES_RUN_OUTPUTS")
FIGURES = Path(_RUN_OUTPUTS) / "figures" if _RUN_OUTPUTS else OUTPUTS / "figures"
TABLES = Path(_RUN_OUTPUTS) / "tables" if _RUN_OUTPUTS else OUTPUTS / "tables"
NOTEBOOKS = ROOT / "notebooks"


def route(folder: Path | None) -> None:
    """Send this process's charts and tables to folder/figures and folder/tables (a run the build did not
    start, see csc_figures.params.use), or with None back to outputs/figures and outputs/tables."""
    global FIGURES, TABLES
    FIGURES = Path(folder) / "figures" if folder else OUTPUTS / "figures"
    TABLES = Path(folder) / "tables" if folder else OUTPUTS / "tables"


# The articles are others' copyright: never in the project, read from beside it (or CSC_FIGURES_ARTICLES).
ARTICLES = Path(os.environ.get("CSC_FIGURES_ARTICLES", ROOT.parent / "shared" / "articles"))


def raw_mirror() -> Path:
    """The local mirror of publishers' files (RAW_MIRROR overrides the default)."""
    return Path(os.environ.get("RAW_MIRROR", ROOT.parent / "shared" / "data" / "raw")).resolve()
