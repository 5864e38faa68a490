"""The repository URL lives in _config.yml; every copy of it must say the same."""

import json
import re
import shutil
import subprocess
import sys
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


def copy_of_the_repository(tmp_path):
    """The files the command reads and edits, in a scratch folder."""
    for name in ["_config.yml", "book/how_to_run.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(sorted((ROOT / "notebooks").glob("*.ipynb"))[0], tmp_path / "notebooks")
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "set_repository.py", tmp_path / "tools")


def run_command(tmp_path, *args):
    return subprocess.run([sys.executable, str(tmp_path / "tools" / "set_repository.py"),
                           *args], capture_output=True, text=True)


def test_set_repository_rewrites_every_copy(tmp_path):
    """The command itself, on a copy of the files it edits."""
    copy_of_the_repository(tmp_path)
    new = "https://github.com/someone/their-copy"
    assert run_command(tmp_path, new).returncode == 0
    assert yaml.safe_load((tmp_path / "_config.yml").read_text())["repository"]["url"] == new
    assert f"git clone {new}" in (tmp_path / "book" / "how_to_run.md").read_text()
    assert "$ cd their-copy" in (tmp_path / "book" / "how_to_run.md").read_text()
    nb = next((tmp_path / "notebooks").glob("*.ipynb")).read_text()
    assert f"git+{new}" in nb and URL not in nb


def test_a_url_of_another_setting_is_not_taken_for_the_repository(tmp_path):
    """An extension's own `url:` above `repository:` once became the synced URL."""
    copy_of_the_repository(tmp_path)
    config = tmp_path / "_config.yml"
    config.write_text("sphinx_extension_of_someone:\n  url: https://github.com/wrong/one\n"
                      + config.read_text())
    proc = run_command(tmp_path)                     # re-sync from _config.yml
    assert proc.returncode == 0, proc.stderr
    assert f"repository: {URL}" in proc.stdout
    nb = next((tmp_path / "notebooks").glob("*.ipynb")).read_text()
    assert "wrong/one" not in nb and "wrong/one" not in (
        tmp_path / "book" / "how_to_run.md").read_text()
    new = "https://github.com/someone/their-copy"
    assert run_command(tmp_path, new).returncode == 0
    written = yaml.safe_load(config.read_text())
    assert written["repository"]["url"] == new
    assert written["sphinx_extension_of_someone"]["url"] == "https://github.com/wrong/one"
