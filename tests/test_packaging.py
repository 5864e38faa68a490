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
        # one place chooses an index: the Makefile, from TORCH_INDEX
        assert "index-url" not in line or "$(TORCH_INDEX)" in line, f"{name}: {line}"
    makefile = (ROOT / "Makefile").read_text()
    assert re.findall(r"pip install[^\n]*torch[^\n]*", makefile) == [
        "pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))"]
    assert "make torch" in (ROOT / ".ci" / "run").read_text()


def test_the_github_workflow_is_valid_and_publishes_the_site_with_its_pdf():
    """Validated offline against the workflow schema that check-jsonschema vendors."""
    import shutil

    import yaml

    workflow = ROOT / ".github" / "workflows" / "book.yml"
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool, "check-jsonschema is not installed (requirements.txt)"
    proc = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", str(workflow)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    flow = yaml.safe_load(workflow.read_text())
    assert flow[True]["push"]["branches"] == ["main"]        # YAML reads `on:` as True
    steps = [step.get("run", "") + step.get("uses", "") for step in flow["jobs"]["build"]["steps"]]
    for needed in ("make test", "make pdf", "make book", "actions/upload-pages-artifact"):
        assert any(needed in step for step in steps), f"the workflow does not run {needed}"
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages" in s.get("uses", "") for s in flow["jobs"]["deploy"]["steps"])


def test_the_readme_benchmark_table_is_the_one_make_bench_wrote():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_readme",
                                                  ROOT / "tools" / "bench_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    section = module.readme_section((ROOT / "README.md").read_text())
    assert section is not None, "README.md lost its bench markers"
    assert section == (ROOT / "benchmarks" / "results" / "latest.md").read_text(), (
        "README.md's benchmark table differs from benchmarks/results/latest.md: "
        "run `python tools/bench_readme.py`")
