"""Copy benchmarks/results/latest.md into README.md, between its bench markers.

    python tools/bench_readme.py        (make bench runs it after the benchmarks)

The README's benchmark table is never typed: tests/test_packaging.py fails when it
differs from the file the last `make bench` wrote.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = (
    "<!-- bench:start: written by `make bench` from benchmarks/results/latest.md; "
    "do not edit -->"
)
END = "<!-- bench:end -->"
SECTION = re.compile(re.escape(START) + r"\n(.*?)" + re.escape(END), re.S)


def readme_section(text):
    """The text between the markers, or None."""
    m = SECTION.search(text)
    return m.group(1) if m else None


def main():
    readme = ROOT / "README.md"
    latest = (ROOT / "benchmarks" / "results" / "latest.md").read_text()
    text = readme.read_text()
    if readme_section(text) is None:
        print(f"README.md has no section between {START!r} and {END!r}",
              file=sys.stderr)
        return 1
    new = SECTION.sub(lambda m: f"{START}\n{latest}{END}", text)
    if new != text:
        readme.write_text(new)
        print("README.md: benchmark table updated from benchmarks/results/latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
