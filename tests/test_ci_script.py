"""`.ci/run` stops at once, with a message, when the MNIST folder is missing."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_stops_with_a_message_without_the_data_folder(tmp_path):
    clone = tmp_path / "clone"
    (clone / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", clone / ".ci" / "run")
    (tmp_path / "shared" / "data" / "mnist").mkdir(parents=True)   # empty: no files
    proc = subprocess.run(["bash", str(clone / ".ci" / "run")], capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode != 0
    assert "no MNIST file ../shared/data/mnist/train-images-idx3-ubyte.gz" in proc.stderr
    assert "put them there" in proc.stderr
    assert not (clone / ".venv").exists()     # it stopped before installing anything


def test_ci_sets_the_data_folder_without_masking_a_failure():
    script = (ROOT / ".ci" / "run").read_text()
    assert 'export HANDPROP_DATA_DIR="$(' not in script
    assert "set -euo pipefail" in script
