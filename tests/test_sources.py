"""The manifest and the verified fetch: bad or missing raw files stop the build."""

import subprocess
import sys
import tomllib

import pytest

from csc_figures import paths, sources
from csc_figures.sources import Source, SourceError

REQUIRED = {"sha256", "bytes", "publisher", "publication", "release", "page", "licence"}


def test_manifest_lists_every_mirror_file_with_provenance():
    manifest = sources.load_manifest()
    mirror = paths.raw_mirror()
    if mirror.exists():
        assert sorted(p.name for p in mirror.iterdir() if p.is_file()) == sorted(manifest)
    with open(paths.SOURCES_TOML, "rb") as f:
        for name, fields in tomllib.load(f)["files"].items():
            assert REQUIRED <= set(fields), f"{name} lacks {REQUIRED - set(fields)}"
            assert len(fields["sha256"]) == 64 and fields["bytes"] > 0


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


def test_corrupted_copy_in_raw_is_replaced(one_file):
    source, mirror, raw = one_file
    raw.mkdir()
    (raw / "x.csv").write_bytes(b"garbage")
    assert sources.fetch(source, raw, mirror).startswith("copied")
    sources.check(raw / "x.csv", source)


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
                             "b1_children_in_need_2013_to_2025.csv"], capture_output=True, text=True,
                            env={"CSC_FIGURES_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode != 0
    assert "b1_children_in_need_2013_to_2025.csv: not in the mirror" in result.stderr
    assert not (tmp_path / "data" / "raw" / "b1_children_in_need_2013_to_2025.csv").exists()
