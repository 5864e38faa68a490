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
