"""Set the book's repository URL in one place, and write it everywhere it is needed.

    make repository URL=https://github.com/OWNER/NAME     (or: python tools/set_repository.py URL)
    python tools/set_repository.py                         (re-sync from _config.yml)

The one setting is ``repository.url`` in ``_config.yml``; Jupyter Book builds the
Binder, Colab, repository and issue buttons from it.  A few places cannot read the
configuration and hold a copy, which this command rewrites:

- the hidden Colab install cell of every chapter (Colab opens a bare ``.ipynb``);
- the ``git clone`` line of ``book/how_to_run.md``.

``tests/test_repository.py`` fails when a copy differs from ``_config.yml``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URL = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?(?=[\s\"'`)]|$)")


def configured_url():
    for line in (ROOT / "_config.yml").read_text().splitlines():
        m = re.match(r"\s+url:\s*(\S+)", line)
        if m:
            return m.group(1).rstrip("/")
    raise SystemExit("_config.yml has no repository.url")


def set_configured_url(url):
    path = ROOT / "_config.yml"
    text = path.read_text()
    new, n = re.subn(r"(?m)^(repository:\n(?:  .*\n)*?  url:\s*)\S+", rf"\g<1>{url}", text)
    if n != 1:
        raise SystemExit("could not find repository.url in _config.yml")
    path.write_text(new)


def sync(url):
    """Rewrite every copy of the URL; return the files changed."""
    changed = []
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        touched = False
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "google.colab" in source:
                new = URL.sub(url, source)
                if new != source:
                    cell["source"] = new.splitlines(keepends=True)
                    touched = True
        if touched:
            nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
            changed.append(nb_path)
    how = ROOT / "book" / "how_to_run.md"
    text = how.read_text()
    name = url.rsplit("/", 1)[1]
    new = re.sub(r"git clone \S+", f"git clone {url}", text)
    new = re.sub(r"\$ cd \S+", f"$ cd {name}", new)
    if new != text:
        how.write_text(new)
        changed.append(how)
    return changed


def main(argv):
    if argv:
        url = argv[0].rstrip("/")
        if not URL.fullmatch(url):
            raise SystemExit(f"expected https://github.com/OWNER/NAME, got {url!r}")
        set_configured_url(url)
    url = configured_url()
    changed = sync(url)
    print(f"repository: {url}")
    for path in changed:
        print(f"  updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
