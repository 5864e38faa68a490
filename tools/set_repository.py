"""Set the book's repository URL in one place, and write it everywhere it is needed.

    make repository URL=https://github.com/OWNER/NAME
        (or: python tools/set_repository.py URL)
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

import yaml

ROOT = Path(__file__).resolve().parents[1]
URL = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?(?=[\s\"'`)]|$)")


def configured_url():
    """``repository.url`` of _config.yml, read as YAML (not the first ``url:`` line)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = (config.get("repository") or {}).get("url")
    if not url:
        raise SystemExit("_config.yml has no repository.url")
    return str(url).rstrip("/")


def set_configured_url(url):
    """Write ``url`` as ``repository.url``, keeping the file's comments and layout; the
    result is read back as YAML, and must differ from the old file in that key alone."""
    path = ROOT / "_config.yml"
    text = path.read_text()
    new, n = re.subn(
        r"(?m)^(repository:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n)*?[ \t]+url:[ \t]*)\S+",
        rf"\g<1>{url}",
        text,
    )
    before, after = yaml.safe_load(text), yaml.safe_load(new) if n == 1 else None
    if after is None or after["repository"]["url"] != url:
        raise SystemExit(
            "could not find repository.url in _config.yml to rewrite it; "
            "edit it by hand, then run `make repository` to sync the copies"
        )
    after["repository"]["url"] = before["repository"]["url"]
    if after != before:
        raise SystemExit(
            "rewriting repository.url would change other settings of "
            "_config.yml; edit it by hand"
        )
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
