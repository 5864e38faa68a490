"""Under CI a skipped test fails the run; on a reader's machine it stays a skip."""

from pathlib import Path

CONFTEST = (Path(__file__).parent / "conftest.py").read_text()
SKIPPING = """
import pytest

def test_needs_the_data(mnist_dir):
    pass

def test_runs():
    pass
"""


def run(pytester, monkeypatch, ci):
    monkeypatch.delenv("HANDPROP_DATA_DIR", raising=False)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    pytester.makeconftest(CONFTEST.replace('pytest_plugins = ["pytester"]', ""))
    pytester.makepyfile(test_skipping=SKIPPING)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider")


def test_a_skipped_data_test_fails_under_ci(pytester, monkeypatch):
    result = run(pytester, monkeypatch, "true")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*CI skips nothing*", "*test_needs_the_data*HANDPROP_DATA_DIR*"])


def test_a_skipped_data_test_is_only_a_skip_elsewhere(pytester, monkeypatch):
    for ci in (None, "false"):
        result = run(pytester, monkeypatch, ci)
        assert result.ret == 0
        result.assert_outcomes(passed=1, skipped=1)
