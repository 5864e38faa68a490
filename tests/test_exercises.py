"""Every chapter ends with 2 to 4 exercises, each with a solution that is hidden and checked.

The solutions themselves run under nbval with the rest of each chapter; this test holds
the structure: a solution for every exercise, hidden on the site (dropdown) and
collapsed in Jupyter, and every code solution ending in an assertion or a checker.
"""

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [c["file"] for part in TOC["parts"] if part.get("numbered")
            for c in part["chapters"]]
CHECKERS = {"compare", "check_gradient", "check_derivative"}


def checks_its_answer(source):
    """True when the code contains an assert statement, a call of hp.compare,
    hp.check_gradient or hp.check_derivative, or of an ``assert_*`` function such as
    np.testing.assert_allclose: read as Python, so the word in a comment or a
    string does not count."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in CHECKERS and getattr(node.func.value, "id", "") == "hp":
                return True
            if node.func.attr.startswith("assert_"):
                return True
    return False


def test_a_comment_or_a_string_is_not_a_check():
    assert not checks_its_answer("x = 1  # assert x == 1")
    assert not checks_its_answer("print('hp.compare(a, b)')")
    assert checks_its_answer("assert x == 1")
    assert checks_its_answer("hp.check_gradient(f, g, [(2,)])")
    assert checks_its_answer("np.testing.assert_allclose(a, b)")
    assert not checks_its_answer("np.testing.assert_allclose  # not called")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_ends_with_exercises_and_checked_solutions(chapter):
    cells = json.loads((ROOT / f"{chapter}.ipynb").read_text())["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    exercises = re.findall(r"\{exercise\}[^\n]*\n:label: (\S+)", markdown)
    assert 2 <= len(exercises) <= 4, f"{chapter}: {len(exercises)} exercises"
    solutions = re.findall(r"\{solution(?:-start)?\} (\S+)\n:class: dropdown", markdown)
    assert sorted(solutions) == sorted(exercises), (
        f"{chapter}: exercises {exercises} but hidden (dropdown) solutions {solutions}")
    inside, code = None, {}
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            start = re.search(r"\{solution-start\} (\S+)", text)
            inside = start.group(1) if start else (None if "solution-end" in text else inside)
        elif inside:
            hidden = cell["metadata"].get("jupyter", {}).get("source_hidden")
            assert hidden, f"{chapter}: a code cell of the solution to {inside} is not collapsed"
            code.setdefault(inside, []).append(text)
    assert code, f"{chapter}: no solution runs code"
    for label, sources in code.items():
        assert checks_its_answer(sources[-1]), (
            f"{chapter}: the solution to {label} does not end in a check of its answer")
