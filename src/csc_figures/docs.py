"""Write docs/tables.md from the table declarations (only when its text changes)."""

import importlib
import pkgutil
import sys
from pathlib import Path

import csc_figures

from . import atomic, tables


def main(target: str) -> int:
    # Import every module so every table declaration registers itself.
    for info in pkgutil.walk_packages(csc_figures.__path__, "csc_figures."):
        if not info.name.endswith(("__main__", ".cli", ".run", ".docs", ".sources")):
            importlib.import_module(info.name)
    text = tables.dictionary_markdown()
    path = Path(target)
    atomic.write_text(path, text)  # rewritten only when its text changes
    path.touch()  # Make's mark that the dictionary is up to date with its inputs
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
