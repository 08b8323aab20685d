"""A run writes all its outputs or none: an undo journal puts back what a failed run replaced.

While the runner executes a notebook, every file the run (its kernel included) is about to replace or create
through `atomic` is first noted in the run's journal folder: the old file is kept there as a hard link (the
same bytes and modification time, no copy), a new file as a name to delete. When the run succeeds the journal
is dropped; when it fails, is refused or is interrupted, the journal is played back newest first, so every
committed output and processed table is as it was before the run, mtimes included (Make sees nothing new).

A runner killed outright cannot play its journal back: the next run does it first (`recover`), and the
command line refuses to answer from tables while such a journal is left (`refuse_unfinished`).
Only the standard library is imported: `atomic` imports this.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from . import paths

JOURNAL_VARIABLE = "CSC_FIGURES_UNDO"  # the run's journal folder; the kernel inherits it
JOURNALS = paths.OUTPUTS / "runs" / "undo"  # gitignored, on the same file system as every output
_counter = itertools.count()


def keep(path: Path) -> None:
    """Before `path` is replaced or created: note how to put it back, if this process runs under a journal."""
    folder = os.environ.get(JOURNAL_VARIABLE)
    if not folder:
        return
    path = Path(path).resolve()
    folder = Path(folder)
    backup = "-"
    if path.exists():
        backup = f"{os.getpid()}-{next(_counter)}"
        try:
            os.link(path, folder / backup)
        except OSError:  # another file system: a copy keeps the bytes and the mtime
            shutil.copy2(path, folder / backup)
    # One short line per write, appended: the kernel and the runner can both write to it.
    with open(folder / "journal.tsv", "a", encoding="utf-8") as journal:
        journal.write(f"{backup}\t{path}\n")


def play_back(folder: Path) -> list[Path]:
    """Undo every write noted in `folder`, newest first; then remove the journal. Returns the paths restored."""
    journal = folder / "journal.tsv"
    restored: list[Path] = []
    lines = journal.read_text(encoding="utf-8").splitlines() if journal.exists() else []
    for line in reversed(lines):
        backup, _, target = line.partition("\t")
        if not target:
            continue  # a line cut short by a kill: its write had not happened yet
        target_path = Path(target)
        if backup == "-":
            target_path.unlink(missing_ok=True)
        elif (folder / backup).exists():
            os.replace(folder / backup, target_path)
        restored.append(target_path)
    shutil.rmtree(folder, ignore_errors=True)
    return restored


@contextlib.contextmanager
def journal(label: str) -> Iterator[Path]:
    """Run the body under a fresh journal (set in the environment, so a kernel started inside inherits it).

    On success the journal is dropped; on any exception it is played back and the exception propagates.
    """
    JOURNALS.mkdir(parents=True, exist_ok=True)
    folder = JOURNALS / f"{os.getpid()}-{label}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    previous = os.environ.get(JOURNAL_VARIABLE)
    os.environ[JOURNAL_VARIABLE] = str(folder)
    try:
        yield folder
    except BaseException:
        play_back(folder)
        raise
    else:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        if previous is None:
            os.environ.pop(JOURNAL_VARIABLE, None)
        else:
            os.environ[JOURNAL_VARIABLE] = previous


def pid_alive(pid: int) -> bool:
    """Is a process still running? (journals here, kernel sockets in run.py)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def unfinished() -> list[Path]:
    """Journals left by runs whose process is gone (killed before it could undo its writes)."""
    if not JOURNALS.is_dir():
        return []
    left = []
    for folder in sorted(JOURNALS.iterdir()):
        pid = folder.name.split("-")[0]
        if folder.is_dir() and pid.isdigit() and not pid_alive(int(pid)):
            left.append(folder)
    return left


def recover() -> list[Path]:
    """Play back every journal a killed run left; returns the files put back."""
    restored: list[Path] = []
    for folder in unfinished():
        restored += play_back(folder)
    return restored


def refuse_unfinished() -> None:
    """Stop with a clear message if a killed run left its writes half done (the tables may disagree)."""
    # a killed run that had replaced nothing yet left nothing to undo
    left = [f for f in unfinished() if (f / "journal.tsv").exists() and (f / "journal.tsv").stat().st_size]
    if left:
        names = ", ".join(f.name.split("-", 1)[1] for f in left)
        raise SystemExit(f"error: a build was killed while running {names}, so some tables may be half "
                         f"updated; run `make all` (it puts back what that run wrote, then rebuilds)")
