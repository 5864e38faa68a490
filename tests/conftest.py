"""Shared fixtures, and the rule that CI skips nothing.

MNIST comes from $HANDPROP_DATA_DIR (set by `make test` and .ci/run).  On a reader's
machine a test that needs something absent (the MNIST files, Chromium, PyTorch)
is skipped with a message saying how to provide it.  Under CI (the environment
variable CI set to anything but "", "0" or "false") a skipped test fails the run
instead: CI exists to run every test, and a skip there means an install step or
a data folder went missing, which must not look like a pass.
"""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

pytest_plugins = ["pytester"]

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false")
_skipped = []


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder holding the four original MNIST files, or a skip saying how to provide it."""
    folder = os.environ.get("HANDPROP_DATA_DIR")
    if not folder or not Path(folder).is_dir():
        pytest.skip("HANDPROP_DATA_DIR is not set to a folder with the four MNIST files; "
                    "`make test` sets it to ../shared/data/mnist when that folder exists")
    return Path(folder)


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    import handprop

    return handprop.load_mnist(mnist_dir)


def _record(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_runtest_logreport(report):
    _record(report)


def pytest_collectreport(report):
    _record(report)


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _skipped and not hasattr(session.config, "workerinput"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if IN_CI and _skipped:
        terminalreporter.section("CI skips nothing", sep="=", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(_skipped)} test(s) skipped under CI, which fails the run; install what "
            f"they name (or set HANDPROP_DATA_DIR):")
        for line in _skipped[:20]:
            terminalreporter.write_line(f"  {line}")


# The longest files first.  `make test` runs two workers, each taking whole files
# (--dist loadfile, so a notebook runs in order in one kernel); a worker asks for
# the next file when it is nearly done with its own, in the order collected
# (--no-loadscope-reorder).  Started first, the long ones overlap each other and
# the many short files fill in around them; started last, one of them would run
# alone at the end.  Seconds are rough, measured on the 2-core machine.
LONGEST_FIRST = {
    "tests/test_site.py": 400,
    "notebooks/14_convnet_mnist.ipynb": 150,
    "notebooks/08_experiments.ipynb": 110,
    "notebooks/10_speed.ipynb": 45,
    "notebooks/07_training.ipynb": 30,
}


def pytest_collection_modifyitems(config, items):
    def weight(item):
        return -LONGEST_FIRST.get(item.nodeid.split("::")[0], 0)

    items.sort(key=weight)  # stable: each file keeps its own order
