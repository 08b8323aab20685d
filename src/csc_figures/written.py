"""What each published run wrote, so `make all` notices a committed output changed by hand and repairs it.

While the build runs a notebook for publication, every file it writes under outputs/ (through `atomic`) is
recorded with its sha256; the runner then keeps the record beside the run's executed notebook, in
outputs/runs/written/. Before Make decides what to run, `python -m csc_figures.written` compares each record
with the files on disk: where one was changed or deleted, it dates the run's executed notebook back to 1970,
so Make re-runs that notebook, which writes the file again (the build is deterministic, so the same bytes).
Only the standard library is imported: this runs at the start of every `make all`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from . import paths

RECORD_VARIABLE = "CSC_FIGURES_RECORD"  # set by the runner for a published run: the file to append to
RECORDS = paths.OUTPUTS / "runs" / "written"


def note(path: Path, data: bytes) -> None:
    """Record a write under outputs/ (not outputs/runs/) if this process runs a published notebook."""
    record = os.environ.get(RECORD_VARIABLE)
    if not record:
        return
    path = Path(path).resolve()
    outputs = paths.OUTPUTS.resolve()
    if not path.is_relative_to(outputs) or path.is_relative_to(outputs / "runs"):
        return
    with open(record, "a", encoding="utf-8") as f:
        f.write(f"{path.relative_to(paths.ROOT.resolve()).as_posix()}\t{hashlib.sha256(data).hexdigest()}\n")


def record_for(target: Path) -> Path:
    """Where the record of the run that made `target` (an executed notebook) is kept."""
    rel = Path(target).resolve().relative_to(paths.ROOT.resolve()).as_posix()
    return RECORDS / (rel.replace("/", "__") + ".json")


def keep(target: Path, record: Path) -> None:
    """After a published run succeeds: its written files, last hash of each, next to nothing committed."""
    files: dict[str, str] = {}
    if record.exists():
        for line in record.read_text(encoding="utf-8").splitlines():
            rel, _, sha = line.partition("\t")
            files[rel] = sha
    out = record_for(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"target": Path(target).resolve().relative_to(paths.ROOT.resolve()).as_posix(),
                       "files": dict(sorted(files.items()))}, indent=1) + "\n"
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def changed_by_hand() -> dict[str, list[str]]:
    """{executed notebook: [outputs it wrote that now differ or are missing]} from every record."""
    found: dict[str, list[str]] = {}
    for record in sorted(RECORDS.glob("*.json")) if RECORDS.is_dir() else []:
        try:
            body = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # a record being replaced; the next build reads it whole
        bad = [rel for rel, sha in body.get("files", {}).items() if _sha(paths.ROOT / rel) != sha]
        if bad:
            found[body["target"]] = bad
    return found


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
