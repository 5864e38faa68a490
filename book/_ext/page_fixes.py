"""Sphinx extension: what the theme and its extensions get wrong on a page, fixed
after rendering, each for a reason a reader meets (the browser test checks each).

- A solution's title is a link back to its exercise (sphinx-exercise), so clicking
  the title of a hidden solution jumped away instead of opening it: the title keeps
  its text and loses the link, and the whole title opens the solution.
- The bibliography is a ``role="list"`` whose children carry ``doc-biblioentry``
  and hold ``doc-backlink`` anchors, which axe-core reports as a critical
  ``aria-required-children`` violation: each entry becomes a ``listitem``.
- The header's download menu offers ".pdf", which prints the current page; it
  becomes a link to the book's PDF edition (``make book`` builds it beside the
  site).
"""

import re
from pathlib import Path

PDF = "backprop-by-hand.pdf"
SOLUTION_TITLE = re.compile(
    r'(<p class="admonition-title">Solution to)<a class="reference internal" '
    r'href="[^"]*">(.*?)</a>(</p>)')
PRINT_BUTTON = re.compile(
    r'<button onclick="window\.print\(\)"\s+class="btn btn-sm btn-download-pdf-button '
    r'dropdown-item".*?</button>', re.S)


def _fix_body(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if not body:
        return
    body = SOLUTION_TITLE.sub(r"\1\2\3", body)
    body = body.replace('<div role="list" class="citation-list">',
                        '<div class="citation-list" role="list">')
    body = body.replace('class="citation" id=', 'class="citation" role="listitem" id=')
    body = re.sub(r'(class="citation" role="listitem" id="[^"]*") role="doc-biblioentry"',
                  r"\1", body)
    context["body"] = body


def _pdf_link(page):
    depth = len(page.parts) - 1
    href = "../" * depth + PDF
    return (f'<a href="{href}" class="btn btn-sm btn-download-pdf-button dropdown-item" '
            f'title="The whole book as a PDF" data-bs-placement="left" '
            f'data-bs-toggle="tooltip"><span class="btn__icon-container">'
            f'<i class="fas fa-file-pdf"></i></span>'
            f'<span class="btn__text-container">book (.pdf)</span></a>')


def _fix_files(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        new = PRINT_BUTTON.sub(lambda m: _pdf_link(path.relative_to(out)), text)
        if new != text:
            path.write_text(new, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _fix_body, priority=950)
    app.connect("build-finished", _fix_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
