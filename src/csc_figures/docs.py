"""Write docs/tables.md from the table declarations (only when its text changes)."""

import importlib
import pkgutil
import sys
from pathlib import Path

import csc_figures

from . import tables


def main(target: str) -> int:
    # Import every module so every table declaration registers itself.
    for info in pkgutil.walk_packages(csc_figures.__path__, "csc_figures."):
        if not info.name.endswith(("__main__", ".cli", ".run", ".docs", ".sources")):
            importlib.import_module(info.name)
    text = tables.dictionary_markdown()
    path = Path(target)
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    path.touch()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
