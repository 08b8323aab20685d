"""Credit lines: who published what a chart or page draws, named once, from data/sources.toml.

A chart's "Source: ..." line names each publisher and publication as the manifest records them, so a
new release (or a renamed publication) changes every credit at once and no story types its own.
Publishers are named as readers know them (`SHORT`); a role with several files (Ofsted's outcome files)
names each of its publications, newest first, since the stories read the files merged.
"""

from __future__ import annotations

from . import paths, sources

# Publishers as a chart's credit names them; any other is named as the manifest spells it.
SHORT = {
    "Department for Education": "DfE",
    "Open Innovations (formerly ODI Leeds)": "Open Innovations",
}


def publisher(role: str) -> str:
    """The publisher of a role's files, as a credit names it ('DfE', 'Ofsted')."""
    names = {s.publisher for s in sources.releases(role)}
    if len(names) != 1:
        raise sources.SourceError(f"{paths.SOURCES_TOML}: the files of role {role!r} name "
                                  f"{len(names)} publishers ({', '.join(sorted(names)) or 'none'}); "
                                  f"a credit line needs one")
    (name,) = names
    return SHORT.get(name, name)


def credit(role: str, detail: str = "") -> str:
    """'DfE, Children's social work workforce' (with ', <detail>' when given): a role's publisher and
    publications; several publications (newest first) joined by 'and'."""
    titles: list[str] = []
    for source in reversed(sources.releases(role)):
        if source.publication not in titles:
            titles.append(source.publication)
    words = f"{publisher(role)}, {' and '.join(titles)}"
    return f"{words}, {detail}" if detail else words


def release(role: str, vintage: int | None = None) -> str:
    """A release in a credit's words: '2025 release' (its reporting year): `vintage`'s, else a one-file role's."""
    if vintage is not None:
        return f"{vintage} release"
    source = sources.one(role)
    if source.vintage is None:
        raise sources.SourceError(f"{paths.SOURCES_TOML}: entry [files.\"{source.name}\"] has no "
                                  f"vintage, so its credit line cannot name its release")
    return f"{source.vintage} release"


def hex_layout() -> str:
    """'hex layout by Open Innovations (MIT licence)'."""
    layout = sources.one("hex_layout")
    return f"hex layout by {publisher('hex_layout')} ({layout.licence} licence)"


def line(*parts: str) -> str:
    """A chart's source line: 'Source: ' and the parts joined by '; '."""
    return "Source: " + "; ".join(part for part in parts if part)


def as_reported(row: dict) -> str:
    """The credit of figures read from a report rather than a data file (a row of data/reported/, which names
    the original publisher, the document and where we read it): 'Source: Ofsted, <document>, as reported by X'."""
    return line(f"{row['publisher']}, {row['document']}, as reported by {row['read_from']}")
