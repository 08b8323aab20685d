"""A file read once per process and kept under its identity (path, inode, size, modification time), so a file
replaced or rewritten since is read again. Geography and the inspections take the same sheets, geography every DfE
file's codes, every module the manifest: each is parsed once. The check phase builds on two threads, so a file
both want waits for the one read (a lock per file: unrelated reads do not wait for each other)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

_KEPT: dict[tuple, Any] = {}
_LOCKS: dict[tuple, threading.Lock] = {}
_GUARD = threading.Lock()


def read(path: Path | str, reader: Callable[[], Any], *part: str) -> Any:
    """reader()'s result for this file (and `part` of it: a sheet, the name a message gives it), read at most once
    while the file is unchanged. The kept value is shared: a caller that changes what it gets copies it first."""
    st = Path(path).stat()
    key = (str(Path(path).resolve()), st.st_ino, st.st_size, st.st_mtime_ns, *part)
    with _GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        if key not in _KEPT:
            _KEPT[key] = reader()
    return _KEPT[key]
