"""Code stays readable on a page: lines of at most 88 characters, in src/ and notebooks/.

The rendered site cuts a code cell at its right edge, so a long line hides code from
the reader.  ruff (configured in pyproject.toml) checks both the package and every
code cell of every chapter.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_code_lines_fit_on_the_page():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed: pip install -r requirements.txt")
    proc = subprocess.run([ruff, "check", "--output-format", "concise", "src", "notebooks",
                           "benchmarks", "tools"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, "lines longer than 88 characters:\n" + proc.stdout[-4000:]
