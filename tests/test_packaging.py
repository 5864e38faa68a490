"""What a reader installs: the Python version, the pytest set-up, the PyTorch line."""

import re
import subprocess
import sys
import tomllib
from importlib.metadata import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def lower_bound(spec):
    """(3, 11) from '>=3.11'."""
    m = re.search(r">=\s*(\d+)\.(\d+)", spec)
    assert m, f"no lower bound in {spec!r}"
    return int(m.group(1)), int(m.group(2))


def test_the_python_we_require_is_one_the_pinned_numpy_supports():
    ours = lower_bound(PYPROJECT["project"]["requires-python"])
    numpy_needs = lower_bound(metadata("numpy")["Requires-Python"])
    assert ours >= numpy_needs, (
        f"requires-python allows {ours}, but the pinned numpy needs {numpy_needs}")
    readme = (ROOT / "README.md").read_text()
    assert f"Python {ours[0]}.{ours[1]} or newer" in readme


def test_plain_pytest_runs_without_nbval():
    """nbval's options belong to the Makefile; in addopts they break `pytest` without it."""
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:nbval", "-p",
                           "no:cacheprovider", "--collect-only", "-q",
                           "tests/test_packaging.py"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_pytorch_is_installed_by_one_line_everywhere():
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / ".ci" / "run",
             *sorted(p for p in (ROOT / "tests").glob("*.py") if p.name != "test_packaging.py"), *sorted((ROOT / "benchmarks").glob("*.py")),
             *sorted((ROOT / "book").glob("*.md"))]
    lines = []
    for path in files:
        for line in path.read_text().splitlines():
            if re.search(r"install[^\n]*\btorch\b", line):
                lines.append((path.name, line.strip()))
    assert lines
    for name, line in lines:
        assert "torch==2.13.0" in line or "make torch" in line, f"{name}: {line}"
        assert "index-url" not in line, f"{name}: {line}"
    makefile = (ROOT / "Makefile").read_text()
    assert re.findall(r"pip install[^\n]*torch[^\n]*", makefile) == [
        "pip install --quiet torch==2.13.0"]
    assert "make torch" in (ROOT / ".ci" / "run").read_text()
