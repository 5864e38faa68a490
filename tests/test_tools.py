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


def test_check_pdf_finds_words_past_the_margins():
    check_pdf = load("check_pdf")

    def word(x1, y1, text):
        return (f'<word xMin="{x1 - 20}" yMin="{y1 - 10}" xMax="{x1}" yMax="{y1}">'
                f'{text}</word>')

    footer = word(300, 802, "7")
    body = word(500, 700, "fits")
    pages = [footer + body] * 5 + [footer + word(580, 400, "wide"),
                                   footer + word(300, 830, "overflow")]
    html = "".join(f'<page width="595.3" height="841.9">{p}</page>' for p in pages)
    assert check_pdf.past_margins(html) == [(6, "wide", "into the right margin"),
                                             (7, "overflow", "below the footer")]
    with pytest.raises(check_pdf.CheckError, match="no pages"):
        check_pdf.past_margins("")
