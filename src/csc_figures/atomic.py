"""Atomic writes with unique temporary names: a file is either its old self or complete.

Every writer of a build output goes through here. The temporary file is made with
mkstemp in the target's own folder (same file system, so the final rename is atomic,
and a name no other process can be using), and is removed if the write fails, so two
builds on one tree never write into each other's half-files and Make never trusts one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from . import undo, written

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def replacing(path: Path, suffix: str = ".tmp", keep_failed: Path | None = None) -> Iterator[Path]:
    """Yield a fresh temporary path beside `path`; on success move it onto `path`.

    On an exception the temporary file is deleted (or moved to `keep_failed`, for a
    partial notebook a person may want to read) and the exception propagates.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file ordinary permissions
        undo.keep(path)  # a run that fails later puts the old file back
        os.replace(tmp, path)
    except BaseException:
        if keep_failed is not None and tmp.exists() and tmp.stat().st_size:
            os.replace(tmp, keep_failed)
        else:
            tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically; an identical file (and its mtime) is left alone.

    Returns True when the file was (re)written.
    """
    path = Path(path)
    # A published run records each output with its hash and its stat, so `make all` can repair a hand edit
    # by checking stats (csc_figures.written); the stat recorded is one the file had while holding `data`.
    try:
        before = path.stat()
    except FileNotFoundError:
        before = None
    if before is not None and before.st_size == len(data) and path.read_bytes() == data:
        # stat taken before the read: an edit after it moves the stat, so the check hashes the file
        written.note(path, data, before)
        return False
    with replacing(path) as tmp:
        tmp.write_bytes(data)
        ours = tmp.stat()
    if written.recording():
        after = path.stat()
        # our inode, as we wrote it (the rename moved its ctime); anything else is left to the hash
        same = (after.st_ino, after.st_size, after.st_mtime_ns) == (ours.st_ino, ours.st_size, ours.st_mtime_ns)
        written.note(path, data, after if same else None)
    return True


def write_text(path: Path, text: str) -> bool:
    """write_bytes for UTF-8 text."""
    return write_bytes(path, text.encode("utf-8"))
