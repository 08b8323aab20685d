"""Pages come from templates: no HTML, CSS or JavaScript is written in a Python string under src/ (issue 23).

Every string literal of every module is read (f-strings with their replacement fields as placeholders,
implicitly joined literals as one), except docstrings, which describe, and strings a module only reads
markup with: a pattern passed to `re`, a needle passed to `str.startswith`, `find`, `index`, `partition`
and the like, or the left side of `in`. A string that writes a tag, a closing tag, a CSS rule or a line of
script fails the test, named by file and line.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

from csc_figures import paths

PACKAGE = paths.ROOT / "src" / "csc_figures"

TAGS = ("html|head|body|main|header|footer|nav|section|article|aside|div|span|p|a|b|i|em|strong|small|code|pre|"
        "ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|th|td|caption|details|summary|figure|figcaption|"
        "h[1-6]|img|picture|svg|g|path|rect|circle|line|text|tspan|title|desc|style|script|noscript|link|meta|"
        "form|input|button|label|select|option|textarea|br|hr|iframe|canvas|template|blockquote|abbr|time")
MARKUP = {
    "an HTML or SVG tag": re.compile(rf"<(?:{TAGS})(?=[\s>/]|$)|<!doctype\b", re.I),
    "a closing tag": re.compile(r"</[a-z][\w-]*\s*>", re.I),
    "a CSS rule": re.compile(r"(?:^|[\s;}])(?:@font-face|@media\b[^{]*|[#.]?[a-z][\w.#:>\s,-]*)\s*\{\s*"
                             r"[a-z-]+\s*:\s*[^;{}]+;", re.I),
    "JavaScript": re.compile(r"\bdocument\.(?:getElementById|querySelector(?:All)?|createElement|body)\b|"
                             r"\baddEventListener\s*\(|\bconsole\.(?:log|error|warn)\s*\(|\bvegaEmbed\s*\(|"
                             r"\bfunction\s*\w*\s*\([^)]*\)\s*\{|\)\s*=>\s*\{|\b(?:var|let|const)\s+\w+\s*=\s*[^=]"),
}
# str methods that look for markup in text already written (reading it, not writing it)
READERS = {"startswith", "endswith", "find", "rfind", "index", "rindex", "partition", "rpartition", "count",
           "split", "rsplit"}
PLACEHOLDER = "\x00"  # an f-string's replacement field


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def _readers(tree: ast.AST) -> set[int]:
    """Strings a module searches text with: re patterns, str.find-like needles, `"<x" in text`."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if (isinstance(owner, ast.Name) and owner.id == "re") or node.func.attr in READERS:
                found |= {id(n) for arg in node.args[:1] for n in ast.walk(arg)}
        elif isinstance(node, ast.Compare) and all(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            found |= {id(n) for n in ast.walk(node.left)}
    return found


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else PLACEHOLDER for v in node.values)
    return None


def markup_in_python(root: Path) -> list[str]:
    """'file:line: what (the text)' for every string literal under `root` that writes HTML, CSS or JavaScript."""
    problems = []
    for module in sorted(root.rglob("*.py")):
        found = []
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        skip = _docstrings(tree) | _readers(tree)
        inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if id(node) in skip or id(node) in inner:
                continue
            text = _text(node)
            if not text:
                continue
            for what, pattern in MARKUP.items():
                match = pattern.search(text)
                if match:
                    line = node.lineno + text.count("\n", 0, match.start())
                    snippet = match.group(0).strip().replace(PLACEHOLDER, "{...}")[:40]
                    found.append((line, f"{module.relative_to(root.parent)}:{line}: {what} ({snippet!r})"))
                    break
        problems += [text for _, text in sorted(found)]
    return problems


def test_no_html_css_or_javascript_in_python_strings():
    problems = markup_in_python(PACKAGE)
    assert not problems, "markup written in Python strings (move it into src/csc_figures/templates/):\n" + \
        "\n".join(problems)


PLANTED = '''\
"""A docstring may name <div> and </p>: it describes."""
import re

NAME = "Merton"
PAGE = f"""<!DOCTYPE html>
<title>{NAME}</title>"""
CELL = "<td class='num'>" + NAME
CLOSE = NAME + "</td>"
CSS = "td.num { text-align: right; }"
STYLE = f"body {{ font-family: {NAME}; color: #222; }}"
SCRIPT = "vegaEmbed('#chart', spec)"
ARROW = "items.forEach((x) => { x.hidden = true; })"


def reads(svg: str) -> bool:
    return svg.startswith("<svg") and bool(re.search(r"<g [^>]*>", svg)) and "<desc>" in svg
'''


def test_the_check_finds_markup_planted_in_a_copy(tmp_path):
    """A copy of the package with one module of planted strings: each is named by file and line; the readers
    and the docstring are not."""
    copy = tmp_path / "csc_figures"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "planted.py").write_text(PLANTED, encoding="utf-8")
    found = [p for p in markup_in_python(copy) if p.startswith("csc_figures/planted.py:")]
    lines = sorted(int(p.split(":")[1]) for p in found)
    assert lines == [5, 7, 8, 9, 10, 11, 12], found
    assert any("a closing tag" in p for p in found) and any("a CSS rule" in p for p in found)
    assert sum("JavaScript" in p for p in found) == 2


def test_the_check_finds_the_markup_the_charts_module_wrote_before_its_template(tmp_path):
    """The page `charts` once built in an f-string, planted back into a copy of the module, fails the check."""
    copy = tmp_path / "csc_figures"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    module = copy / "charts.py"
    module.write_text(module.read_text(encoding="utf-8") + (
        '\n\ndef _old_page(title, alt_text):\n'
        '    return f"""<!DOCTYPE html>\n<html lang="en">\n<head><title>{title}</title></head>\n'
        '<body><div id="chart" role="img" aria-label="{alt_text}"></div></body>\n</html>\n"""\n'),
        encoding="utf-8")
    assert [p for p in markup_in_python(copy) if p.startswith("csc_figures/charts.py:")]
