"""The manifest and the verified fetch: bad or missing raw files stop the build."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from csc_figures import paths, sources
from csc_figures.sources import Source, SourceError


def test_manifest_lists_every_mirror_file_with_provenance():
    manifest = sources.load_manifest()
    mirror = paths.raw_mirror()
    if mirror.exists():
        mirrored = {p.name for p in mirror.iterdir() if p.is_file()}
        assert mirrored <= set(manifest), f"mirror files not in the manifest: {sorted(mirrored - set(manifest))}"
        # A file no mirror holds (the hex layout, from outside the publishers' folder) must be committed.
        for name in set(manifest) - mirrored:
            assert (paths.RAW / name).is_file(), f"{name} is neither in the mirror nor committed in data/raw/"
    with open(paths.SOURCES_TOML, "rb") as f:
        for name, fields in tomllib.load(f)["files"].items():
            for field in sources.REQUIRED:
                assert field in fields, f"{name} lacks {field}"
                assert not isinstance(fields[field], str) or fields[field].strip(), f"{name}: {field} is empty"
            assert len(fields["sha256"]) == 64 and fields["bytes"] > 0
            assert fields["url"] or "url is empty" in fields["established"], \
                f"{name}: an empty url must say why in `established`"


def test_the_repository_holds_exactly_the_manifest_files():
    committed = subprocess.run(["git", "ls-files", "data/raw"], capture_output=True, text=True, cwd=paths.ROOT)
    assert committed.returncode == 0, f"{paths.ROOT} is not a git checkout: {committed.stderr}"
    names = sorted(Path(p).name for p in committed.stdout.split())
    manifest = sources.load_manifest()
    licences = [s.licence_file for s in manifest.values() if s.licence_file]
    assert names == sorted([*manifest, *licences, "README.md"])


def test_a_licence_that_must_travel_with_its_file_is_beside_it():
    for source in sources.load_manifest().values():
        if source.licence_file:
            text = (paths.RAW / source.licence_file).read_text(encoding="utf-8")
            assert source.licence in text, f"{source.licence_file} is not the {source.licence} licence"
            assert source.licence_file in (paths.RAW / "README.md").read_text(encoding="utf-8")


def test_unconfirmed_addresses_are_flagged():
    # An address is confirmed only by a download whose hash matched; none has been made yet.
    for source in sources.load_manifest().values():
        assert source.confirmed is False or source.url, f"{source.name}: confirmed without a url"


def test_every_fetched_file_verifies():
    for name in sources.load_manifest():
        assert sources.raw_path(name).exists()


@pytest.fixture
def one_file(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    content = b"time_period,la_name\n2021,York\n"
    (mirror / "x.csv").write_bytes(content)
    source = Source(name="x.csv", sha256=sources.hashlib.sha256(content).hexdigest(), bytes=len(content),
                    publisher="p", publication="p", release="r", page="")
    return source, mirror, tmp_path / "raw"


def test_fetch_copies_and_verifies_then_skips(one_file):
    source, mirror, raw = one_file
    assert sources.fetch(source, raw, mirror).startswith("copied")
    assert sources.fetch(source, raw, mirror) == "already verified"
    assert [p.name for p in raw.iterdir()] == ["x.csv"]


def test_changed_mirror_file_is_refused_naming_both_hashes(one_file):
    source, mirror, raw = one_file
    (mirror / "x.csv").write_bytes(b"time_period,la_name\n2021,Yorkshire\n")
    with pytest.raises(SourceError) as err:
        sources.fetch(source, raw, mirror)
    message = str(err.value)
    assert "x.csv" in message and source.sha256 in message and "actual" in message
    assert list(raw.iterdir()) == [], "no unverified file may be left in data/raw"


def test_truncated_file_is_called_truncated(one_file):
    source, mirror, raw = one_file
    (mirror / "x.csv").write_bytes(b"time_period")
    with pytest.raises(SourceError, match="truncated"):
        sources.fetch(source, raw, mirror)


def test_missing_file_without_url_names_the_page(one_file):
    source, mirror, raw = one_file
    (mirror / "x.csv").unlink()
    with pytest.raises(SourceError, match="not in the mirror"):
        sources.fetch(source, raw, mirror)


def test_a_changed_file_in_raw_is_kept_and_named_with_both_hashes_and_what_to_do(one_file):
    """Never delete a file you did not create: a new release with a mistyped hash must survive `make data`."""
    source, mirror, raw = one_file
    raw.mkdir()
    (raw / "x.csv").write_bytes(b"garbage")
    with pytest.raises(SourceError) as err:
        sources.fetch(source, raw, mirror)
    message = str(err.value)
    assert "x.csv" in message and source.sha256 in message and sources.sha256_of(raw / "x.csv") in message
    assert "The file is kept" in message and "sha256sum" in message and "git checkout" in message
    assert (raw / "x.csv").read_bytes() == b"garbage"


def test_make_data_keeps_a_new_file_with_a_mistyped_hash(tmp_path):
    """The reported loss, end to end through the command make data runs."""
    content = b"time_period,la_name\n2026,York\n"
    raw, mirror = tmp_path / "raw", tmp_path / "mirror"
    raw.mkdir()
    mirror.mkdir()
    (raw / "new.csv").write_bytes(content)
    manifest = tmp_path / "sources.toml"
    manifest.write_text(VALID_ENTRY.replace('"x.csv"', '"new.csv"').replace(
        "46889430c2b58fcfbb147c9a388bd434c2ee96452fadec2f80e4642a04f54717", "0" * 64))
    result = subprocess.run([sys.executable, "-c", (
        "import sys; from pathlib import Path; from csc_figures import paths, sources; "
        f"paths.SOURCES_TOML = Path({str(manifest)!r}); paths.RAW = Path({str(raw)!r}); "
        f"sys.exit(sources.main(['--mirror', {str(mirror)!r}]))")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "new.csv" in result.stderr and "0" * 64 in result.stderr and "The file is kept" in result.stderr
    assert (raw / "new.csv").read_bytes() == content


def test_raw_path_rechecks_a_file_changed_after_fetching(tmp_path, monkeypatch):
    name = "New_Statistical_Neighbour_Groupings_April_2021.csv"
    fake_raw = tmp_path / "raw"
    fake_raw.mkdir()
    (fake_raw / name).write_bytes((paths.RAW / name).read_bytes()[:-10])
    monkeypatch.setattr(paths, "RAW", fake_raw)
    with pytest.raises(SourceError, match="truncated"):
        sources.raw_path(name)


def test_command_line_exits_non_zero_on_an_empty_mirror(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.toml").write_bytes(paths.SOURCES_TOML.read_bytes())
    empty = tmp_path / "mirror"
    empty.mkdir()
    result = subprocess.run([sys.executable, "-m", "csc_figures.sources", "--mirror", str(empty),
                             "New_Statistical_Neighbour_Groupings_April_2021.csv"], capture_output=True, text=True,
                            env={"CSC_FIGURES_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode != 0
    assert "New_Statistical_Neighbour_Groupings_April_2021.csv: not in the mirror" in result.stderr
    assert not (tmp_path / "data" / "raw" / "New_Statistical_Neighbour_Groupings_April_2021.csv").exists()


VALID_ENTRY = """
[files."x.csv"]
sha256 = "46889430c2b58fcfbb147c9a388bd434c2ee96452fadec2f80e4642a04f54717"
bytes = 10
publisher = "p"
publication = "p"
release = "r"
role = "hex_layout"
page = "https://example.org"
licence = "Open Government Licence v3.0"
confirmed = false
established = "a test"
"""


@pytest.mark.parametrize("text, expected", [
    (VALID_ENTRY.replace('publisher = "p"', 'publisher = "p'), r"not valid TOML: .*line 5"),
    (VALID_ENTRY.replace('release = "r"\n', ""), r'entry \[files."x.csv"\]: required field \'release\' is missing'),
    (VALID_ENTRY.replace("bytes = 10", 'bytes = "10"'), r"field 'bytes' should be int, got str '10'"),
    (VALID_ENTRY.replace("confirmed = false", 'confirmed = "no"'), r"field 'confirmed' should be bool"),
    (VALID_ENTRY.replace('page = "https://example.org"', 'page = " "'), r"required field 'page' is empty"),
    (VALID_ENTRY.replace('licence =', 'license ='), r"unknown field 'license'"),
    (VALID_ENTRY.replace("46889430c2b5", "zz"), r"field 'sha256' should be 64 lower-case hex digits"),
    ("[file]\n", r"no \[files"),
    (VALID_ENTRY.replace('role = "hex_layout"', 'role = "hexes"'), r"role 'hexes' is not one of workforce, "),
    (VALID_ENTRY.replace('role = "hex_layout"', 'role = "workforce"'), r"role 'workforce' .* needs 'vintage'"),
    (VALID_ENTRY.replace('role = "hex_layout"', 'role = "ofsted_outcomes"'), r"needs 'as_at'"),
    (VALID_ENTRY.replace('role = "hex_layout"', 'role = "ofsted_outcomes"\nas_at = "2025-03-31"'),
     r"field 'as_at' should be date, got str"),
    (VALID_ENTRY + VALID_ENTRY.replace("x.csv", "y.csv"), r"2 entries have role 'hex_layout' .*: x.csv, y.csv; .*"
                                                          r"a new release replaces the old entry"),
    (VALID_ENTRY.replace('role = "hex_layout"', 'role = "ofsted_outcomes"\nas_at = 2025-03-31')
     + VALID_ENTRY.replace("x.csv", "y.csv").replace('role = "hex_layout"', 'role = "ofsted_outcomes"\nas_at = 2025-03-31'),
     r"two entries with role 'ofsted_outcomes' have as_at 2025-03-31"),
])
def test_malformed_manifest_is_refused_naming_file_entry_and_field(tmp_path, text, expected):
    path = tmp_path / "sources.toml"
    path.write_text(text)
    with pytest.raises(SourceError, match=expected) as err:
        sources.load_manifest(path)
    assert str(path) in str(err.value)


def test_a_valid_entry_loads(tmp_path):
    (tmp_path / "sources.toml").write_text(VALID_ENTRY)
    assert sources.load_manifest(tmp_path / "sources.toml")["x.csv"].bytes == 10


def test_command_line_prints_a_malformed_manifest_without_traceback(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.toml").write_text(VALID_ENTRY.replace("bytes = 10", "bytes = ten"))
    result = subprocess.run([sys.executable, "-m", "csc_figures.sources"], capture_output=True, text=True,
                            env={"CSC_FIGURES_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 1
    assert "sources.toml: not valid TOML" in result.stderr and "Traceback" not in result.stderr
