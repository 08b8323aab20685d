"""The raw-file manifest: check each publisher file, bring in new ones from a mirror or their URL.

`data/sources.toml` lists every raw file with its sha256, size and provenance; the
files themselves are committed in data/raw/. A file is only ever moved into
data/raw/ after its hash is checked, so data/raw/ never holds a partial or
unverified file. Cleaning modules open raw files through `raw_path`, which
re-checks the hash, so a file changed after fetching is caught too.

`python -m csc_figures.sources [NAME...]` (make data) verifies each file, copying
a missing one from the mirror or downloading it; `--download NAME` (make fetch
FILE=NAME) downloads one file from its recorded url even if a copy is present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import os
import shutil
import socket
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from . import once, paths
from .errors import DataError

# Seconds without a byte from the server before a download gives up (FETCH_TIMEOUT overrides).
DEFAULT_TIMEOUT = 60


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
    member: str = ""  # the file's path inside the ZIP at `url`, when `url` is a ZIP
    licence: str = ""
    holds: str = ""
    vintage: int | None = None
    role: str = ""  # what the build uses the file for (ROLES): code finds files by role, never by name
    layout: str = ""  # the column map or sheet layout the file follows (workforce.LAYOUTS, inspections.LAYOUTS)
    as_at: dt.date | None = None  # Ofsted outcomes: the date the file's judgements are as at
    confirmed: bool = False  # true once `url` was downloaded and its hash matched
    established: str = ""  # how `page` and `url` were found
    licence_file: str = ""  # a licence text that must travel with the file, beside it in data/raw/


# Fields every entry must give, non-empty; the others may be left out.
REQUIRED = ("sha256", "bytes", "publisher", "publication", "release", "role", "page", "licence", "confirmed",
            "established")
_TYPES = {"bytes": int, "vintage": int, "confirmed": bool, "as_at": dt.date}


@dataclass(frozen=True)
class Role:
    words: str  # what a file of this role is, for messages and docs
    many: bool = False  # several files (releases) at once, ordered by `order_by`; else exactly one
    order_by: str = ""  # the field that orders a role's files, oldest first (required of each)


# Every role a raw file can play. A new release of a one-file role replaces the old entry; a new
# release of a many-file role is one more entry (see docs/UPDATING.md).
ROLES = {
    "workforce": Role("a DfE children's social work workforce release", many=True, order_by="vintage"),
    "children_in_need": Role("DfE's children in need counts (table B1)"),
    "section_47": Role("DfE's section 47 enquiries and child protection conferences (table C4)"),
    "children_looked_after": Role("DfE's children looked after, starting and ceasing"),
    "statistical_neighbours": Role("DfE's statistical neighbour groupings"),
    "ofsted_outcomes": Role("an Ofsted file of councils' inspection judgements", many=True, order_by="as_at"),
    "hex_layout": Role("the hex map layout of upper-tier councils"),
}


def _check_entry(path: Path, name: str, entry: object) -> dict:
    """The entry's fields, or SourceError naming the file, the entry and the field at fault."""
    where = f'{path}: entry [files."{name}"]'
    if not isinstance(entry, dict):
        raise SourceError(f"{where} is not a table of fields")
    known = {f.name for f in fields(Source)} - {"name"}
    for field in entry:
        if field not in known:
            raise SourceError(f"{where}: unknown field {field!r} (known fields: {', '.join(sorted(known))})")
    for field in REQUIRED:
        if field not in entry:
            raise SourceError(f"{where}: required field {field!r} is missing")
    for field, value in entry.items():
        want = _TYPES.get(field, str)
        # bool is an int in Python; a count or a year given as true/false is still the wrong type.
        if not isinstance(value, want) or (want is int and isinstance(value, bool)) \
                or (want is dt.date and isinstance(value, dt.datetime)):
            raise SourceError(f"{where}: field {field!r} should be {want.__name__}, "
                              f"got {type(value).__name__} {value!r}")
        if field in REQUIRED and want is str and not value.strip():
            raise SourceError(f"{where}: required field {field!r} is empty")
    sha = entry["sha256"]
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise SourceError(f"{where}: field 'sha256' should be 64 lower-case hex digits, got {sha!r}")
    if entry["bytes"] <= 0:
        raise SourceError(f"{where}: field 'bytes' should be positive, got {entry['bytes']}")
    role = ROLES.get(entry["role"])
    if role is None:
        raise SourceError(f"{where}: role {entry['role']!r} is not one of {', '.join(ROLES)}")
    if role.order_by and role.order_by not in entry:
        raise SourceError(f"{where}: a file of role {entry['role']!r} ({role.words}) needs {role.order_by!r}")
    return entry


def load_manifest(path: Path | None = None) -> dict[str, Source]:
    """Every entry of data/sources.toml; SourceError naming file, entry and field if it is malformed.
    Read once per process while the file is unchanged (the check phase asks for it about fifty times); a
    manifest edited since (a new release registered) is read again."""
    path = path or paths.SOURCES_TOML
    try:
        return dict(once.read(path, lambda: _read_manifest(path)))  # the entries are frozen; the dict is the caller's
    except FileNotFoundError:
        raise SourceError(f"{path}: the raw-file manifest is missing") from None


def _read_manifest(path: Path) -> dict[str, Source]:
    try:
        with open(path, "rb") as f:
            table = tomllib.load(f)
    except FileNotFoundError:
        raise SourceError(f"{path}: the raw-file manifest is missing") from None
    except tomllib.TOMLDecodeError as err:
        raise SourceError(f"{path}: not valid TOML: {err}") from None
    files = table.get("files")
    if not isinstance(files, dict) or not files:
        raise SourceError(f"{path}: no [files.\"<name>\"] entries")
    unknown = sorted(set(table) - {"files"})
    if unknown:
        raise SourceError(f"{path}: unknown top-level key {unknown[0]!r} (entries go under [files.\"<name>\"])")
    manifest = {name: Source(name=name, **_check_entry(path, name, entry)) for name, entry in files.items()}
    for role_name, role in ROLES.items():
        found = [s for s in manifest.values() if s.role == role_name]
        if not role.many and len(found) > 1:
            raise SourceError(f"{path}: {len(found)} entries have role {role_name!r} ({role.words}): "
                              f"{', '.join(s.name for s in found)}; a role with one file takes one: a new "
                              f"release replaces the old entry")
        keys = [getattr(s, role.order_by) for s in found] if role.many else []
        if twice := sorted({k for k in keys if keys.count(k) > 1}):
            raise SourceError(f"{path}: two entries with role {role_name!r} have {role.order_by} {twice[0]}")
    return manifest


WORKFORCE = "workforce"
OFSTED_OUTCOMES = "ofsted_outcomes"


def releases(role: str, manifest: dict[str, Source] | None = None) -> list[Source]:
    """The manifest's files of one role, oldest first (by vintage or as-at date)."""
    manifest = load_manifest() if manifest is None else manifest
    found = [s for s in manifest.values() if s.role == role]
    if role not in ROLES:
        raise KeyError(f"no role {role!r} in sources.ROLES")
    return sorted(found, key=lambda s: getattr(s, ROLES[role].order_by)) if ROLES[role].many else found


def one(role: str, manifest: dict[str, Source] | None = None) -> Source:
    """The one file of a one-file role (load_manifest has checked there is at most one)."""
    found = releases(role, manifest)
    if not found:
        raise SourceError(f"{paths.SOURCES_TOML}: no entry has role {role!r} ({ROLES[role].words})")
    return found[0]


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


def timeout() -> float:
    """Download timeout in seconds (FETCH_TIMEOUT overrides the default)."""
    value = os.environ.get("FETCH_TIMEOUT", str(DEFAULT_TIMEOUT))
    try:
        return float(value)
    except ValueError:
        raise SourceError(f"FETCH_TIMEOUT={value!r} is not a number of seconds") from None


def download(source: Source, out: Path, seconds: float | None = None) -> None:
    """Write the body at source.url to `out` (redirects followed); SourceError saying what went wrong."""
    seconds = timeout() if seconds is None else seconds
    request = urllib.request.Request(source.url, headers={"User-Agent": "csc-figures (make fetch)"})
    try:
        with urllib.request.urlopen(request, timeout=seconds) as response, open(out, "wb") as f:
            shutil.copyfileobj(response, f)
            expected = response.headers.get("Content-Length")
        # http.client ends a short body quietly when read in blocks; the length tells.
        received = out.stat().st_size
        if expected and expected.isdigit() and received < int(expected):
            raise http.client.IncompleteRead(b"x" * 0, int(expected) - received)
    except urllib.error.HTTPError as err:
        raise SourceError(f"{source.name}: {source.url} answered HTTP {err.code} {err.reason}; "
                          f"check the address on the publication page {source.page}") from None
    except (TimeoutError, socket.timeout):
        raise SourceError(f"{source.name}: no answer from {source.url} within {seconds:g} s "
                          f"(slow or offline? FETCH_TIMEOUT sets the limit)") from None
    except http.client.IncompleteRead:
        received = out.stat().st_size if out.exists() else 0
        raise SourceError(f"{source.name}: the download from {source.url} stopped early "
                          f"({received:,} bytes received); nothing was kept, try again") from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise SourceError(f"{source.name}: no answer from {source.url} within {seconds:g} s "
                              f"(slow or offline? FETCH_TIMEOUT sets the limit)") from None
        raise SourceError(f"{source.name}: cannot reach {source.url} ({reason}). Are you offline? "
                          f"The committed copy in data/raw/ needs no download; a new file can also come "
                          f"from a folder: make data RAW_MIRROR=/path/to/folder") from None
    except (ConnectionError, http.client.HTTPException) as err:
        raise SourceError(f"{source.name}: the download from {source.url} failed ({err!r}); "
                          f"nothing was kept, try again") from None


def extract_member(zip_path: Path, source: Source, out: Path) -> None:
    """Copy source.member (or the one file with its name) out of the ZIP at zip_path."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
            if source.member in names:
                member = source.member
            else:
                wanted = Path(source.member or source.name).name
                matches = [n for n in names if Path(n).name == wanted]
                if len(matches) != 1:
                    shown = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
                    raise SourceError(f"{source.name}: the ZIP from {source.url} holds "
                                      f"{'no' if not matches else len(matches)} file named {wanted!r} "
                                      f"(it holds: {shown})")
                member = matches[0]
            with archive.open(member) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile:
        raise SourceError(f"{source.name}: {source.url} should be a ZIP holding {source.member!r}, "
                          f"but what came back is not a ZIP file") from None


def _temporary(raw_dir: Path) -> Path:
    raw_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=raw_dir, prefix=".fetching-")
    os.close(fd)
    return Path(name)


def download_verified(source: Source, raw_dir: Path, seconds: float | None = None) -> str:
    """Download source.url (extracting source.member), check the hash, then move it into raw_dir.

    Nothing is left behind when any step fails: the file in raw_dir is only ever replaced by a
    verified copy."""
    if not source.url:
        raise SourceError(f"{source.name}: no download address is recorded in {paths.SOURCES_TOML}; "
                          f"get it from the publication page {source.page}")
    body, extracted = _temporary(raw_dir), _temporary(raw_dir)
    try:
        download(source, body, seconds)
        result = body
        if source.member:
            extract_member(body, source, extracted)
            result = extracted
        check(result, source)
        result.replace(raw_dir / source.name)
        return f"downloaded from {source.url}" + (f" (member {source.member})" if source.member else "")
    finally:
        body.unlink(missing_ok=True)
        extracted.unlink(missing_ok=True)


def fetch(source: Source, raw_dir: Path, mirror: Path, seconds: float | None = None) -> str:
    """Put a verified copy of `source` in raw_dir: keep a good copy, else the mirror's, else download."""
    target = raw_dir / source.name
    if target.exists():
        # A file that does not match is kept, never deleted or replaced: it may be a release someone just
        # brought in (with a mistyped hash) or a local edit; only its owner can say which.
        try:
            check(target, source)
        except SourceError as err:
            raise SourceError(
                f"{err}\n  The file is kept. If it is a new release you brought in, record its sha256 and bytes in "
                f"{paths.SOURCES_TOML.name} (sha256sum {target}; stat -c %s {target}). If it was changed by mistake, "
                f"restore it (git checkout -- data/raw/{source.name}), or move it away and run `make data` to copy "
                f"the manifest's file from the mirror or its url.") from None
        return "already verified"
    origin = mirror / source.name
    if not origin.exists():
        if source.url:
            return download_verified(source, raw_dir, seconds)
        raise SourceError(
            f"{source.name}: not in the mirror {mirror} and no download URL is recorded "
            f"(publication page: {source.page})"
        )
    tmp = _temporary(raw_dir)
    try:
        shutil.copyfile(origin, tmp)
        check(tmp, source)
        tmp.replace(target)
        return f"copied from {mirror}"
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
    parser.add_argument("--mirror", type=Path, default=None,
                        help="mirror folder (default RAW_MIRROR or ../shared/data/raw)")
    parser.add_argument("--download", action="store_true",
                        help="download from the recorded url even if a verified copy is present (make fetch)")
    args = parser.parse_args(argv)
    try:
        manifest = load_manifest()
    except SourceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    mirror = (args.mirror or paths.raw_mirror()).resolve()
    names = args.names or sorted(manifest)
    failures = 0
    for name in names:
        if name not in manifest:
            print(f"error: {name} is not listed in {paths.SOURCES_TOML}", file=sys.stderr)
            failures += 1
            continue
        try:
            if args.download:
                how = download_verified(manifest[name], paths.RAW)
            else:
                how = fetch(manifest[name], paths.RAW, mirror)
            print(f"{name}: {how}")
        except (SourceError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
