"""Sphinx extension: drop repeated <script> entries from every page.

sphinx-thebe 0.3 adds its inline configuration (``const THEBE_JS_URL = ...``) each
time it sets up (once with Sphinx's builder and once through its registry, seen with
Sphinx 7.4), so every page declares the same ``const`` twice and the browser throws
"Identifier 'THEBE_JS_URL' has already been declared".  The browser test caught it.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", {}) or {}
        # an inline script is registered once with filename None and once with ""
        key = (str(getattr(js, "filename", js) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
