"""Sphinx extension: exercises numbered the same in the PDF as on the site.

On the site an exercise is numbered by chapter, "Exercise 1.2".  For the PDF,
sphinx-jupyterbook-latex raises ``numfig_secnum_depth`` to 2 (so that LaTeX numbers
equations by chapter), and sphinx-exercise, which numbers from the same setting,
then prints "Exercise 1.6.2": chapter, section, exercise.  After Sphinx has numbered
everything, this keeps the chapter and counts the exercises within it, in order.
"""

from sphinx.builders.latex import LaTeXBuilder

KINDS = ("exercise",)


def _renumber(app, env):
    """Runs on ``env-get-updated``, after Sphinx's own handler (priority 500) has
    assigned the numbers; returns no documents to re-read."""
    if not isinstance(app.builder, LaTeXBuilder):
        return []
    for docname, numbers in env.toc_fignumbers.items():
        for kind in KINDS:
            table = numbers.get(kind)
            if not table:
                continue
            by_chapter = {}
            for ids, number in sorted(table.items(), key=lambda item: item[1]):
                chapter = number[:1]
                by_chapter[chapter] = by_chapter.get(chapter, 0) + 1
                table[ids] = chapter + (by_chapter[chapter],)
    return []


def setup(app):
    app.connect("env-get-updated", _renumber, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
