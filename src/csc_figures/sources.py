"""The raw-file manifest: fetch each publisher file from a mirror or its URL, verify it.

`data/sources.toml` lists every raw file with its sha256 and size. A file is only
ever moved into data/raw/ after its hash is checked, so data/raw/ never holds a
partial or unverified file. Cleaning modules open raw files through `raw_path`,
which re-checks the hash, so a file changed after fetching is caught too.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import tomllib
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import paths
from .errors import DataError


class SourceError(DataError):
    """A raw file is missing, truncated or not the file the manifest names."""


@dataclass(frozen=True)
class Source:
    name: str
    sha256: str
    bytes: int
    publisher: str
    publication: str
    release: str
    page: str
    url: str = ""
    licence: str = ""
    holds: str = ""
    vintage: int | None = None


def load_manifest(path: Path | None = None) -> dict[str, Source]:
    path = path or paths.SOURCES_TOML
    with open(path, "rb") as f:
        table = tomllib.load(f)
    return {name: Source(name=name, **fields) for name, fields in table["files"].items()}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check(path: Path, source: Source) -> None:
    """Raise SourceError naming the file and both hashes unless `path` is the manifest's file."""
    if not path.exists():
        raise SourceError(f"{source.name}: file not found at {path}")
    size = path.stat().st_size
    actual = sha256_of(path)
    if actual != source.sha256:
        why = "truncated" if size < source.bytes else "changed"
        raise SourceError(
            f"{source.name}: {why} file at {path} ({size:,} bytes, expected {source.bytes:,}).\n"
            f"  expected sha256 {source.sha256}\n  actual   sha256 {actual}"
        )


def fetch(source: Source, raw_dir: Path, mirror: Path) -> str:
    """Put a verified copy of `source` in raw_dir. Returns what was done."""
    target = raw_dir / source.name
    if target.exists():
        try:
            check(target, source)
            return "already verified"
        except SourceError:
            target.unlink()  # a bad copy is never left in data/raw
    raw_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=raw_dir, prefix=".fetching-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        origin = mirror / source.name
        if origin.exists():
            shutil.copyfile(origin, tmp)
            how = f"copied from {mirror}"
        elif source.url:
            with urllib.request.urlopen(source.url, timeout=60) as response, open(tmp, "wb") as out:
                shutil.copyfileobj(response, out)
            how = f"downloaded from {source.url}"
        else:
            raise SourceError(
                f"{source.name}: not in the mirror {mirror} and no download URL is recorded "
                f"(publication page: {source.page})"
            )
        check(tmp, source)
        tmp.replace(target)
        return how
    finally:
        tmp.unlink(missing_ok=True)


@cache
def _verified(name: str, mtime_ns: int, size: int) -> bool:
    source = load_manifest()[name]
    check(paths.RAW / name, source)
    return True


def raw_path(name: str) -> Path:
    """Path of a verified raw file; raises SourceError if it is missing or changed."""
    manifest = load_manifest()
    if name not in manifest:
        raise SourceError(f"{name}: not listed in {paths.SOURCES_TOML}")
    path = paths.RAW / name
    if not path.exists():
        raise SourceError(f"{name}: not in {paths.RAW}; run `make data` first")
    stat = path.stat()
    _verified(name, stat.st_mtime_ns, stat.st_size)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.sources", description=__doc__)
    parser.add_argument("names", nargs="*", help="files to fetch (default: every file in the manifest)")
    parser.add_argument("--mirror", type=Path, default=None, help="mirror folder (default RAW_MIRROR or ../shared/data/raw)")
    args = parser.parse_args(argv)
    manifest = load_manifest()
    mirror = (args.mirror or paths.raw_mirror()).resolve()
    names = args.names or sorted(manifest)
    failures = 0
    for name in names:
        if name not in manifest:
            print(f"error: {name} is not listed in {paths.SOURCES_TOML}", file=sys.stderr)
            failures += 1
            continue
        try:
            print(f"{name}: {fetch(manifest[name], paths.RAW, mirror)}")
        except (SourceError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
