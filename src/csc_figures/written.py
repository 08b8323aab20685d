"""What each published run wrote, so `make all` notices a committed output changed by hand and repairs it.

While the build runs a notebook for publication, every file it writes under outputs/ (through `atomic`) is
recorded with its sha256 and its stat as written (size, modification and change times, inode); the runner then
keeps the record beside the run's executed notebook, in outputs/runs/written/. Before Make decides what to run,
`python -m csc_figures.written` compares each record with the files on disk: where one was changed or deleted,
it dates the run's executed notebook back to 1970, so Make re-runs that notebook, which writes the file again
(the build is deterministic, so the same bytes).

Only a file whose stat differs from the record is hashed: any write to a file moves its change time (st_ctime),
which only a change of the system clock could set back, so an unchanged stat means unchanged bytes, and hashing every output (481 MB)
on every `make all` bought nothing. A file whose stat moved but whose bytes are the same (a checkout, a `touch`)
gets its new stat recorded, so it is hashed once.
Only the standard library (and the package's own paths and undo journal) is imported: this runs at the start of
every `make all`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from . import paths, undo

RECORD_VARIABLE = "CSC_FIGURES_RECORD"  # set by the runner for a published run: the file to append to
RECORDS = paths.OUTPUTS / "runs" / "written"


def recording() -> bool:
    """Does this process run a published notebook (so its writes under outputs/ are recorded)?"""
    return bool(os.environ.get(RECORD_VARIABLE))


def stat_of(st: os.stat_result) -> list[int]:
    """What a record keeps of a file's stat: any change to the file's bytes changes at least st_ctime_ns."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def note(path: Path, data: bytes, stat: os.stat_result | None = None) -> None:
    """Record a write under outputs/ (not outputs/runs/) if this process runs a published notebook.

    `stat` is the file's stat once it holds `data` (None: unknown, so the check hashes it).
    """
    record = os.environ.get(RECORD_VARIABLE)
    if not record:
        return
    path = Path(path).resolve()
    outputs = paths.OUTPUTS.resolve()
    if not path.is_relative_to(outputs) or path.is_relative_to(outputs / "runs"):
        return
    kept = " ".join(map(str, stat_of(stat))) if stat is not None else "-"
    with open(record, "a", encoding="utf-8") as f:
        f.write(f"{path.relative_to(paths.ROOT.resolve()).as_posix()}\t{hashlib.sha256(data).hexdigest()}\t{kept}\n")


@contextlib.contextmanager
def published_run(label: str, recorded: bool = True) -> Iterator[Callable[[Path], None]]:
    """A published run's bookkeeping, in one place: every write under outputs/ recorded (by this process and the
    kernels it starts, through the environment), every file it replaces journalled (a failed run puts them back,
    csc_figures.undo), and, once it succeeded, `keep(target)` keeps the record beside what Make sees of the run
    (an executed notebook or a stamp). `recorded=False`: a reporter's run, journalled but not recorded."""
    record, before = None, os.environ.get(RECORD_VARIABLE)
    if recorded:
        fd, name = tempfile.mkstemp(prefix=f"csc-figures-written-{os.getpid()}-", suffix=".tsv")
        os.close(fd)
        record = Path(name)
    os.environ[RECORD_VARIABLE] = str(record) if record else ""  # "": a kernel inherits no record of ours
    try:
        with undo.journal(label):
            yield (lambda target: keep(target, record)) if record else (lambda target: None)
    finally:
        if before is None:
            os.environ.pop(RECORD_VARIABLE, None)
        else:
            os.environ[RECORD_VARIABLE] = before
        if record:
            record.unlink(missing_ok=True)


def record_for(target: Path) -> Path:
    """Where the record of the run that made `target` (an executed notebook) is kept."""
    rel = Path(target).resolve().relative_to(paths.ROOT.resolve()).as_posix()
    return RECORDS / (rel.replace("/", "__") + ".json")


def keep(target: Path, record: Path) -> None:
    """After a published run succeeds: its written files, last hash of each, next to nothing committed."""
    files: dict[str, dict] = {}
    if record.exists():
        for line in record.read_text(encoding="utf-8").splitlines():
            rel, _, rest = line.partition("\t")
            sha, _, kept = rest.partition("\t")
            stat = [int(n) for n in kept.split()] if kept not in ("", "-") else None
            files[rel] = {"sha256": sha, "stat": stat}  # the last write of each file wins
    target_rel = Path(target).resolve().relative_to(paths.ROOT.resolve()).as_posix()
    _write_record(record_for(target), {"target": target_rel, "files": dict(sorted(files.items()))})


def _write_record(out: Path, body: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    # one file per line: a record of 900 outputs stays readable and quick to parse
    lines = [f" {json.dumps(rel)}: {json.dumps(entry)}" for rel, entry in body["files"].items()]
    text = "{\"target\": " + json.dumps(body["target"]) + ", \"files\": {\n" + ",\n".join(lines) + "\n}}\n"
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _check(rel: str, entry: dict | str) -> tuple[bool, list[int] | None]:
    """(does the file still hold what the run wrote?, its stat now when that had to be found by hashing)."""
    if isinstance(entry, str):  # a record from before stats were kept
        entry = {"sha256": entry, "stat": None}
    path = f"{paths.ROOT}/{rel}"  # a plain string: os.stat on 5,000 paths, no pathlib objects
    try:
        now = stat_of(os.stat(path))
    except FileNotFoundError:
        return False, None
    if now == entry.get("stat"):
        return True, None
    same = _sha(Path(path)) == entry["sha256"]
    # the stat is taken before hashing: a write during the hash moves it, and the next check hashes again
    return same, now if same else None


def changed_by_hand() -> dict[str, list[str]]:
    """{executed notebook: [outputs it wrote that now differ or are missing]} from every record.

    Records whose files' stats moved with their bytes unchanged are rewritten with the new stats.
    """
    found: dict[str, list[str]] = {}
    for record in sorted(RECORDS.glob("*.json")) if RECORDS.is_dir() else []:
        try:
            text = record.read_text(encoding="utf-8")
            body = json.loads(text)
        except (OSError, json.JSONDecodeError):
            continue  # a record being replaced; the next build reads it whole
        bad, moved = [], {}
        for rel, entry in body.get("files", {}).items():
            same, now = _check(rel, entry)
            if not same:
                bad.append(rel)
            elif now is not None:
                moved[rel] = now
        if bad:
            found[body["target"]] = bad
        if moved:
            _refresh(record, text, body, moved)
    return found


def _refresh(record: Path, text: str, body: dict, moved: dict[str, list[int]]) -> None:
    """Keep the new stats of files whose bytes were found unchanged, unless a run replaced the record meanwhile."""
    files = {rel: e if isinstance(e, dict) else {"sha256": e, "stat": None} for rel, e in body["files"].items()}
    for rel, now in moved.items():
        files[rel] = {**files[rel], "stat": now}
    try:
        if record.read_text(encoding="utf-8") != text:
            return  # a run kept a newer record: its stats are the ones to keep
    except OSError:
        return
    _write_record(record, {"target": body["target"], "files": files})


def repair() -> list[str]:
    """Date back the executed notebook of every run whose outputs changed, so Make re-runs it."""
    lines = []
    for target, files in changed_by_hand().items():
        path = paths.ROOT / target
        if path.exists():
            os.utime(path, (0, 0))
        lines.append(f"{target}: re-running, {len(files)} of its outputs changed since the build wrote them "
                     f"({', '.join(files[:3])}{', ...' if len(files) > 3 else ''})")
    return lines


if __name__ == "__main__":
    from . import undo

    restored = undo.recover()  # a killed run's half-done writes go back before Make looks at anything
    if restored:
        print(f"make: a killed run had replaced {len(restored)} file(s); put back as they were", file=sys.stderr)
    for line in repair():
        print(f"make: {line}", file=sys.stderr)
    sys.exit(0)
