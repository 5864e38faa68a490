"""The repository URL lives in _config.yml; every copy of it must say the same."""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")
FIX = "run `make repository` to write _config.yml's repository.url everywhere"


def test_every_colab_cell_installs_from_the_configured_repository():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        cells = json.loads(path.read_text())["cells"]
        colab = ["".join(c["source"]) for c in cells if "google.colab" in "".join(c["source"])]
        assert len(colab) == 1, f"{path.name}: expected one Colab install cell"
        assert f"git+{URL}" in colab[0], f"{path.name}: Colab cell does not install {URL}; {FIX}"
        assert "remove-cell" in next(c for c in cells if "google.colab" in "".join(c["source"]))[
            "metadata"].get("tags", []), f"{path.name}: the Colab cell must be hidden"


def test_how_to_run_clones_the_configured_repository():
    text = (ROOT / "book" / "how_to_run.md").read_text()
    clones = re.findall(r"git clone (\S+)", text)
    assert clones == [URL], f"book/how_to_run.md clones {clones}, expected {URL}; {FIX}"


def test_set_repository_rewrites_every_copy(tmp_path):
    """The command itself, on a copy of the files it edits."""
    import shutil
    import subprocess
    import sys

    for name in ["_config.yml", "book/how_to_run.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(sorted((ROOT / "notebooks").glob("*.ipynb"))[0], tmp_path / "notebooks")
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "set_repository.py", tmp_path / "tools")
    new = "https://github.com/someone/their-copy"
    subprocess.run([sys.executable, str(tmp_path / "tools" / "set_repository.py"), new],
                   check=True, capture_output=True)
    assert yaml.safe_load((tmp_path / "_config.yml").read_text())["repository"]["url"] == new
    assert f"git clone {new}" in (tmp_path / "book" / "how_to_run.md").read_text()
    assert "$ cd their-copy" in (tmp_path / "book" / "how_to_run.md").read_text()
    nb = next((tmp_path / "notebooks").glob("*.ipynb")).read_text()
    assert f"git+{new}" in nb and URL not in nb
