"""The benchmark script runs: every part, on tiny random data, one repetition.

A smoke test, not a measurement (no time is asserted): it catches a part that
crashes, a report that cannot be written, and a child process that dies, which
once left `make bench` waiting forever.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bench(monkeypatch):
    """benchmarks/run.py, imported by name (the time-to-98% run starts a fresh
    process, which must import it again to find its target)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("run")


def test_every_part_runs_and_writes_its_report(bench, tmp_path):
    assert bench.main(["--smoke", "--out", str(tmp_path), "--threads", "1"]) == 0
    results = json.loads((tmp_path / "latest.json").read_text())
    table = (tmp_path / "latest.md").read_text()
    epoch = results["epoch_vs_torch"]
    assert {"floor_s", "core_s", "fast_s", "fast_over_floor"} <= set(epoch)
    assert results["machine"]["threads"] == 1
    assert all(lib["num_threads"] == 1 for lib in results["machine"]["blas"])
    assert results["machine"]["blas"], "no BLAS library recorded"
    # the floor's seconds are in the peer column, never in the ratio column
    floor_row = next(line for line in table.splitlines() if "the floor (two big" in line)
    cells = [c.strip() for c in floor_row.strip("|").split("|")]
    assert cells[2].startswith("floor: ") and cells[3] == ""
    assert "thread" in table.splitlines()[0]


def test_the_contenders_take_turns(bench):
    """Each repetition starts with a different contender."""
    X = np.random.default_rng(0).random((128, 784), dtype=np.float32)
    y = np.random.default_rng(1).integers(0, 10, size=128)
    bench.PAUSE = 0.0
    result = bench.bench_torch(X, y, 3, None)
    firsts = [row["order"][0] for row in result["repeats"]]
    assert firsts == ["floor", "core", "fast"]


def test_a_child_that_fails_is_an_error_not_a_hang(bench):
    bad_labels = np.full(100, 42)               # out of range: training raises at once
    X = np.zeros((100, 784), dtype=np.float32)
    data = ((X, bad_labels), (X[:10], bad_labels[:10]))
    with pytest.raises(RuntimeError, match=r"died \(exit code 1\)"):
        bench.bench_time_to_98(1, dict(bench.TIME_TO_98, epochs=1), data, timeout=120)
