"""Value-by-value comparison of a committed output with the one the build just wrote.

Tables (CSV), the data inside a Vega-Lite spec, executed notebooks' checked outputs and the
claims report are compared as values, not bytes, so a reviewer reads "gap 3.67 -> 4.10" instead
of a raw diff.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field

# Columns that name a row rather than measure it, even when they hold numbers.
_ID_NAME = re.compile(
    r"(^|_)(year|years|code|codes|id|vintage|measure|council|name|la|as_of|date|label|key|story|"
    r"article|kind|level|rating|judgement|region|group|period|edition|method|framework|quote)($|_)"
)


def text(value) -> str:
    """One spelling per value, so a CSV cell and a spec's JSON value compare alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def number(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return None


@dataclass
class CellChange:
    key: dict[str, str]
    field: str
    old: str
    new: str

    @property
    def delta(self) -> float | None:
        old, new = number(self.old), number(self.new)
        return None if old is None or new is None else new - old

    def where(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.key.items()) or "row"

    def describe(self) -> str:
        delta = self.delta
        change = f" ({delta:+.6g})" if delta is not None else ""
        return f"{self.where()}: {self.field} {self.old or '(empty)'} -> {self.new or '(empty)'}{change}"


@dataclass
class TableDiff:
    key_columns: list[str] = field(default_factory=list)
    cells: list[CellChange] = field(default_factory=list)
    added_rows: list[dict] = field(default_factory=list)
    removed_rows: list[dict] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.cells or self.added_rows or self.removed_rows or self.added_columns
                    or self.removed_columns)

    @property
    def rows_changed(self) -> int:
        return len({tuple(c.key.items()) for c in self.cells})

    def largest(self) -> CellChange | None:
        """The biggest numeric move (relative to the old value, then absolute); else the first change."""
        numeric = [c for c in self.cells if c.delta is not None and c.delta != 0]
        if not numeric:
            return self.cells[0] if self.cells else None

        def size(c: CellChange) -> tuple[float, float]:
            old = abs(number(c.old) or 0.0)
            return (abs(c.delta) / old if old else float("inf"), abs(c.delta))
        return max(numeric, key=size)

    def headline(self) -> str:
        parts = []
        if self.cells:
            parts.append(f"{len(self.cells)} value{'s' * (len(self.cells) != 1)} in "
                         f"{self.rows_changed} row{'s' * (self.rows_changed != 1)}")
        for n, one, many in [(len(self.added_rows), "row added", "rows added"),
                             (len(self.removed_rows), "row removed", "rows removed"),
                             (len(self.added_columns), "column added", "columns added"),
                             (len(self.removed_columns), "column removed", "columns removed")]:
            if n:
                parts.append(f"{n} {one if n == 1 else many}")
        text_ = ", ".join(parts) or "no value changed"
        if (big := self.largest()) is not None:
            text_ += f"; largest: {big.describe()}"
        return text_


def read_csv(data: bytes | None) -> tuple[list[str], list[dict[str, str]]]:
    if not data:
        return [], []
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return list(reader.fieldnames or []), list(reader)


def _unique(rows: list[dict], columns: list[str]) -> bool:
    keys = [tuple(r.get(c, "") for c in columns) for r in rows]
    return len(set(keys)) == len(keys)


def key_columns(columns: list[str], old: list[dict], new: list[dict]) -> list[str] | None:
    """The shortest run of identifying columns (text, or named like a year or code) that picks out
    one row in both versions; None when no such key exists (rows are then compared by position)."""
    def identifying(col: str) -> bool:
        values = {r.get(col, "") for r in old + new} - {""}
        if values <= {"true", "false"}:
            return False
        return bool(_ID_NAME.search(col)) or any(number(v) is None for v in values)

    candidates = [c for c in columns if identifying(c)]
    for n in range(1, len(candidates) + 1):
        if _unique(old, candidates[:n]) and _unique(new, candidates[:n]):
            return candidates[:n]
    return None


def diff_rows(old_cols: list[str], old: list[dict], new_cols: list[str], new: list[dict]) -> TableDiff:
    """Changed cells, added and removed rows and columns between two versions of one table."""
    result = TableDiff(added_columns=[c for c in new_cols if c not in old_cols],
                       removed_columns=[c for c in old_cols if c not in new_cols])
    shared = [c for c in new_cols if c in old_cols]
    keys = key_columns(shared, old, new)
    if keys is None and len(old) == len(new):
        pairs = [({"row": str(i + 1)}, o, n) for i, (o, n) in enumerate(zip(old, new, strict=True))]
        keys = []
    elif keys is None:  # no key and rows added or removed: whole rows that differ
        o_count, n_count = Counter(json.dumps(r, sort_keys=True) for r in old), \
            Counter(json.dumps(r, sort_keys=True) for r in new)
        result.removed_rows = [json.loads(r) for r in (o_count - n_count).elements()]
        result.added_rows = [json.loads(r) for r in (n_count - o_count).elements()]
        return result
    else:
        by_key_old = {tuple(r[c] for c in keys): r for r in old}
        by_key_new = {tuple(r[c] for c in keys): r for r in new}
        pairs = [(dict(zip(keys, k, strict=True)), by_key_old[k], by_key_new[k]) for k in by_key_new if k in by_key_old]
        result.added_rows = [r for k, r in by_key_new.items() if k not in by_key_old]
        result.removed_rows = [r for k, r in by_key_old.items() if k not in by_key_new]
    result.key_columns = keys
    for key, o, n in pairs:
        for col in shared:
            if col not in keys and o.get(col, "") != n.get(col, ""):
                result.cells.append(CellChange(key, col, o.get(col, ""), n.get(col, "")))
    return result


def diff_csv(old: bytes | None, new: bytes | None) -> TableDiff:
    old_cols, old_rows = read_csv(old)
    new_cols, new_rows = read_csv(new)
    return diff_rows(old_cols, old_rows, new_cols, new_rows)


# ---- Vega-Lite specs -------------------------------------------------------------------------

def spec_datasets(spec: dict) -> list[list[dict]]:
    """Every table of values a spec draws: its named datasets and any inline `values`."""
    found = [list(v) for _, v in sorted(spec.get("datasets", {}).items())]

    def walk(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                found.append(data["values"])
            for k, v in node.items():
                if k != "datasets":
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    return [[r if isinstance(r, dict) else {"value": r} for r in rows] for rows in found]


def _as_table(records: list[dict]) -> tuple[list[str], list[dict[str, str]]]:
    columns = sorted({k for r in records for k in r})
    return columns, [{c: text(r.get(c)) for c in columns} for r in records]


def diff_spec_data(old_spec: dict | None, new_spec: dict | None) -> list[TableDiff]:
    """Diffs of the datasets that changed. Datasets are named by a hash of their content, so they
    are matched by content first, then the unmatched ones by their fields."""
    old_sets = spec_datasets(old_spec or {})
    new_sets = spec_datasets(new_spec or {})
    canon = lambda rows: json.dumps(rows, sort_keys=True)  # noqa: E731
    unmatched_new = list(new_sets)
    unmatched_old = []
    for rows in old_sets:
        match = next((i for i, n in enumerate(unmatched_new) if canon(n) == canon(rows)), None)
        if match is None:
            unmatched_old.append(rows)
        else:
            unmatched_new.pop(match)
    diffs = []
    for rows in unmatched_old:
        fields = set(_as_table(rows)[0])
        partner = next((i for i, n in enumerate(unmatched_new) if set(_as_table(n)[0]) == fields), None)
        partner_rows = unmatched_new.pop(partner) if partner is not None else []
        diffs.append(diff_rows(*_as_table(rows), *_as_table(partner_rows)))
    diffs += [diff_rows([], [], *_as_table(rows)) for rows in unmatched_new]
    return [d for d in diffs if d.changed]


def _flatten(node, prefix: str = "") -> dict[str, str]:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(node, list) and not (node and all(isinstance(v, dict) for v in node) and prefix.endswith("values")):
        out = {}
        for i, v in enumerate(node):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out or {prefix: "[]"}
    return {prefix: json.dumps(node, ensure_ascii=False)}


def spec_changes(old_spec: dict | None, new_spec: dict | None, limit: int = 12) -> list[str]:
    """What changed in a spec apart from its data: the style, encodings, titles (path: old -> new)."""
    def style(spec):
        spec = {k: v for k, v in (spec or {}).items() if k != "datasets"}
        flat = _flatten(spec)
        return {k: v for k, v in flat.items() if not k.endswith("data.name") and ".values" not in k}
    old, new = style(old_spec), style(new_spec)
    lines = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path, "(none)"), new.get(path, "(none)")
        if a != b:
            start = max(0, len(os.path.commonprefix([a, b])) - 25)  # show where long text differs
            lines.append(f"{path}: {_short(a, start=start)} -> {_short(b, start=start)}")
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])


def _short(value: str, width: int = 70, start: int = 0) -> str:
    head = "…" if start else ""
    value = value[start:]
    return head + (value if len(value) <= width else value[: width - 1] + "…")


# ---- executed notebooks ------------------------------------------------------------------------

CHECK_MARK = "NBVAL_CHECK_OUTPUT"
CHECK_TAG = "nbval-check-output"  # the same marker as a cell tag, kept out of what a reader sees


def _is_checked(cell: dict) -> bool:
    return CHECK_TAG in cell.get("metadata", {}).get("tags", []) or CHECK_MARK in "".join(cell.get("source", ""))


def _output_text(cell: dict) -> str:
    """The text nbval compares: streams, text/plain results, errors."""
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append("".join(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            plain = out.get("data", {}).get("text/plain")
            if plain is not None and "image/png" not in out.get("data", {}) and \
                    "image/svg+xml" not in out.get("data", {}):
                parts.append("".join(plain) + "\n")
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}\n")
    return "".join(parts)


def _outputs(cell: dict) -> str:
    return json.dumps(cell.get("outputs", []), sort_keys=True)


@dataclass
class CellDiff:
    label: str  # the cell's first source line
    diff: str   # unified diff of its text outputs


@dataclass
class NotebookDiff:
    checked: list[CellDiff] = field(default_factory=list)
    other_cells: int = 0  # unchecked cells whose outputs changed (charts, displays)


def diff_notebook(old: bytes | None, new: bytes | None, sanitise=lambda s: s) -> NotebookDiff:
    def cells(data):
        nb = json.loads(data) if data else {"cells": []}
        return [c for c in nb["cells"] if c.get("cell_type") == "code"]
    old_cells, new_cells = cells(old), cells(new)
    old_by_id = {c.get("id"): c for c in old_cells if c.get("id")}
    result = NotebookDiff()
    for i, cell in enumerate(new_cells):
        before = old_by_id.get(cell.get("id")) or (old_cells[i] if i < len(old_cells) else {})
        source = "".join(cell.get("source", ""))
        label = next((line for line in source.splitlines() if line.strip() and CHECK_MARK not in line),
                     f"cell {i + 1}")
        a, b = sanitise(_output_text(before)), sanitise(_output_text(cell))
        if _is_checked(cell) and a != b:
            lines = difflib.unified_diff(a.splitlines(), b.splitlines(), "committed", "built", lineterm="", n=1)
            result.checked.append(CellDiff(label.strip(), "\n".join(lines)))
        elif _outputs(before) != _outputs(cell):
            result.other_cells += 1
    return result


# ---- the claims report -------------------------------------------------------------------------

MATCH = "match"


@dataclass
class ClaimChange:
    claim_id: str
    quote: str
    published: str
    old_value: str
    new_value: str
    old_status: str
    new_status: str

    @property
    def stopped_matching(self) -> bool:
        return self.old_status == MATCH and self.new_status != MATCH

    def describe(self) -> str:
        status = self.new_status if self.old_status == self.new_status else \
            f"{self.old_status or '(new)'} -> {self.new_status or '(removed)'}"
        value = self.new_value if self.old_value == self.new_value else \
            f"{self.old_value or '(none)'} -> {self.new_value or '(none)'}"
        return f'{self.claim_id} "{_short(self.quote, 60)}": published {self.published}, computed {value} ({status})'


def diff_claims(old: bytes | None, new: bytes | None) -> list[ClaimChange]:
    """Claims whose computed value or status moved (or that appeared or went), stopped matching first."""
    _, old_rows = read_csv(old)
    _, new_rows = read_csv(new)
    before = {r["claim_id"]: r for r in old_rows}
    after = {r["claim_id"]: r for r in new_rows}
    changes = []
    for claim_id in sorted(set(before) | set(after)):
        o, n = before.get(claim_id, {}), after.get(claim_id, {})
        if (o.get("computed"), o.get("status")) != (n.get("computed"), n.get("status")):
            row = n or o
            changes.append(ClaimChange(claim_id, row.get("quote", ""), row.get("published", ""),
                                       o.get("computed", ""), n.get("computed", ""),
                                       o.get("status", ""), n.get("status", "")))
    return sorted(changes, key=lambda c: not c.stopped_matching)
