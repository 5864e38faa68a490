"""The build tools say what is missing instead of failing with a traceback."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_pdf_names_a_page_without_a_title(tmp_path, monkeypatch):
    check_pdf = load("check_pdf")
    (tmp_path / "notebooks").mkdir()
    nb = {"cells": [{"cell_type": "markdown", "source": ["No heading here\n"]}]}
    (tmp_path / "notebooks" / "x.ipynb").write_text(json.dumps(nb))
    monkeypatch.setattr(check_pdf, "ROOT", tmp_path)
    with pytest.raises(check_pdf.CheckError, match=r"notebooks/x\.ipynb: no '# Title' line"):
        check_pdf.title_of("notebooks/x")
    with pytest.raises(check_pdf.CheckError, match=r"lists notebooks/gone, but neither"):
        check_pdf.title_of("notebooks/gone")
    with pytest.raises(check_pdf.CheckError, match="no 'Pages:' line"):
        check_pdf.page_count("Title: x\n")
    assert check_pdf.page_count("Pages:          181\n") == 181


def test_the_pdf_is_built_with_warnings_as_errors():
    source = (ROOT / "tools" / "build_pdf.py").read_text()
    assert '"-W"' in source
