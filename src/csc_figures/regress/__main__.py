"""Command line: `python -m csc_figures.regress` and `python -m csc_figures.regress accept [--commit]`."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from .. import paths
from . import REPORT_DIR, collect, summary, write

COMMIT_MESSAGE = "commit-message.txt"


def compare_and_report(root: Path, out: Path) -> tuple[int, str]:
    """Write the report when a committed output changed; remove a stale one when none did."""
    report = collect(root)
    if report.empty:
        if out.exists():
            shutil.rmtree(out)
        return 0, summary(report)
    write(report, root, out)
    return len(report.changes), (out / "summary.txt").read_text()


def subject(text: str) -> str:
    """The commit subject: the summary's first line, shortened."""
    first = text.splitlines()[0].removeprefix("Figure regression: ").rstrip(".")
    line = f"Outputs: {first}"
    return line if len(line) <= 72 else line[:71] + "…"


def accept(root: Path, out: Path, commit: bool, why: str | None = None) -> int:
    """Stage every changed output and write the commit message (subject + summary); commit if asked."""
    if commit and not why:
        print("error: say why the outputs changed before committing them: --why TEXT (make accept WHY=...)",
              file=sys.stderr)
        return 2
    report = collect(root)
    if report.empty:
        print("Committed outputs unchanged: nothing to accept.")
        return 0
    index = write(report, root, out)
    text = (out / "summary.txt").read_text()
    message = out / COMMIT_MESSAGE
    body = "\n".join(line for line in text.splitlines() if not line.startswith("Report: "))
    message.write_text(f"{subject(text)}\n\nWhy: {why or '(say why these outputs changed)'}\n\n{body.rstrip()}\n")
    subprocess.run(["git", "-C", str(root), "add", "-A", "--", *[c.path for c in report.changes]], check=True)
    print(text, end="")
    print(f"\nStaged {len(report.changes)} changed outputs. Report: {index.relative_to(root)}")
    rel = message.relative_to(root)
    if commit:
        subprocess.run(["git", "-C", str(root), "commit", "--quiet", "-F", str(message)], check=True)
        print(f"Committed with the message in {rel}.")
    else:
        print(f"Commit them with their explanation (edit the 'Why:' line):\n  git commit -e -F {rel}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.regress", description=__doc__)
    parser.add_argument("action", nargs="?", choices=["report", "accept"], default="report")
    parser.add_argument("--commit", action="store_true", help="accept: commit as well as stage")
    parser.add_argument("--why", help="accept: why the outputs changed (first line of the body)")
    parser.add_argument("--out", type=Path, help=f"report folder (default {REPORT_DIR})")
    args = parser.parse_args(argv)
    root = paths.ROOT
    out = (args.out or root / REPORT_DIR).resolve()
    if args.action == "accept":
        return accept(root, out, args.commit, args.why)
    _, text = compare_and_report(root, out)  # `make check-outputs` decides pass or fail (git status)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
