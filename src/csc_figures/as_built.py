"""The notebooks as the build runs them, which Make's notebook rules depend on (`python -m csc_figures.as_built`).

A notebook saved from JupyterLab carries its outputs and whatever parameters the reporter typed; the build runs
neither (`run.clean_source`: no outputs, the declared parameters cell). Each notebook's clean copy is kept in
build/notebooks/<name>.ipynb and rewritten only when its bytes change, so a notebook saved with another council
and its outputs re-runs nothing (the profile's 13 councils, the site), while a changed cell re-runs it. Make
touches build/notebooks/.checked after this runs: a build with nothing saved starts no Python to compare.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from . import atomic, paths
from .run import clean_source

FOLDER = Path("build") / "notebooks"


def write_all(folder: Path | None = None) -> list[str]:
    """Each notebook's clean copy under `folder` (build/notebooks/), written only where its bytes change;
    returns the names of those that changed."""
    folder = paths.ROOT / FOLDER if folder is None else folder
    changed = []
    for source in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        if atomic.write_text(folder / source.name, nbformat.writes(clean_source(source, source.stem)) + "\n"):
            changed.append(source.stem)
    return changed


def main() -> int:
    changed = write_all()
    print(f"notebooks as the build runs them: {', '.join(changed) or 'none changed (a save re-runs nothing)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
