"""Check the PDF edition (run by `make pdf` after the build, and so by CI).

- its text (pdftotext) contains the title of every page of _toc.yml, in order;
- no unresolved reference ("??") and no raw TeX source (\\frac, \\mathbf, $$ ...)
  outside what the book shows as code;
- it embeds at least as many images as the notebooks have figures (PNG outputs);
- its page count is plausible for the number of chapters;
- nothing is printed past the margins: no word reaches into the right margin (a
  formula or a code line too wide for the page) and no word lies below the running
  footer (a box that did not break across pages), from pdftotext's bounding boxes.
Exits non-zero, saying what failed.  Needs poppler-utils (pdftotext, pdfimages,
pdfinfo).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RAW_TEX = re.compile(
    r"\\(frac|mathbf|boldsymbol|begin\{|end\{|sum_|partial|hat\{)|\$\$"
)


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


class CheckError(Exception):
    """Something the check needs is missing; the message says what and where."""


def title_of(file):
    """The H1 title of a page of the table of contents (a notebook's first cell)."""
    path = ROOT / (file + ".ipynb")
    if path.exists():
        first = "".join(json.loads(path.read_text())["cells"][0]["source"])
    elif (ROOT / (file + ".md")).exists():
        path = ROOT / (file + ".md")
        first = path.read_text()
    else:
        raise CheckError(
            f"_toc.yml lists {file}, but neither {file}.ipynb nor {file}.md exists"
        )
    m = re.search(r"^# (.+)$", first, re.M)
    if m is None:
        where = "first cell" if path.suffix == ".ipynb" else "text"
        raise CheckError(
            f"{path.relative_to(ROOT)}: no '# Title' line in its {where}, so "
            f"its title cannot be looked for in the PDF"
        )
    return m.group(1).strip()


def page_count(info):
    """The page count in pdfinfo's output."""
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if m is None:
        raise CheckError(f"pdfinfo printed no 'Pages:' line:\n{info[:500]}")
    return int(m.group(1))


def figures_in_notebooks():
    count = 0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for out in cell.get("outputs", []):
                count += "image/png" in out.get("data", {})
    return count


def code_text():
    """All code the book shows as code: code cells and fenced blocks, whitespace
    folded."""
    parts = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                parts.append(source)
            else:
                parts += re.findall(r"```[^\n]*\n(.*?)```", source, re.S)
                parts += re.findall(r"`([^`\n]+)`", source)
    for path in sorted((ROOT / "book").glob("*.md")):
        parts += re.findall(r"```[^\n]*\n(.*?)```", path.read_text(), re.S)
    return re.sub(r"\s+", "", "\n".join(parts))


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
    r"(.*?)</word>"
)
RIGHT_MARGIN = 50.0  # points of the right margin that no word may enter (A4: 595 pt)
BELOW_FOOTER = 4.0  # points below the footer's baseline where nothing may be


def past_margins(bbox_html):
    """Words printed where the page has no room: [(page, word, why)].

    The footer's baseline is the lowest text on most pages (the page number); a word
    lower than that has run past the footer, and a word whose right edge enters the
    right margin has run past the text column.
    """
    pages = re.findall(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox_html, re.S
    )
    if not pages:
        raise CheckError("pdftotext -bbox found no pages")
    lowest = []
    for _, _, body in pages:
        ys = [float(m.group(4)) for m in WORD.finditer(body)]
        if ys:
            lowest.append(round(max(ys)))
    footer = max(set(lowest), key=lowest.count)
    problems = []
    for number, (width, _, body) in enumerate(pages, start=1):
        for m in WORD.finditer(body):
            x1, y1, word = float(m.group(3)), float(m.group(4)), m.group(5)
            if x1 > float(width) - RIGHT_MARGIN:
                problems.append((number, word, "into the right margin"))
            elif y1 > footer + BELOW_FOOTER:
                problems.append((number, word, "below the footer"))
    return problems


def normalise(text):
    return re.sub(
        r"\s+", " ", text.replace("\u2019", "'").replace("\ufb01", "fi")
    ).lower()


def main(argv):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    name = config["latex"]["latex_documents"]["targetname"].replace(".tex", ".pdf")
    pdf = Path(argv[0]) if argv else ROOT / "_build" / "latex" / name
    for tool in ("pdftotext", "pdfimages", "pdfinfo"):
        if not shutil.which(tool):
            print(f"{tool} not found: apt-get install poppler-utils", file=sys.stderr)
            return 2
    if not pdf.is_file():
        print(f"no PDF at {pdf}: run `make pdf`", file=sys.stderr)
        return 2
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = normalise(text)
    problems = []
    position = 0
    for file in toc_files():
        title = normalise(title_of(file))
        found = flat.find(title, position)
        if found < 0:
            problems.append(f"title of {file} ({title!r}) is missing or out of order")
        else:
            position = found
    if "??" in text:
        line = next(l for l in text.splitlines() if "??" in l)
        problems.append(f"an unresolved reference (??): {line.strip()[:100]}")
    code = code_text()
    for line in text.splitlines():
        if RAW_TEX.search(line) and re.sub(r"\s+", "", line) not in code:
            problems.append(
                f"raw TeX in the text (not in any code): {line.strip()[:100]!r}"
            )
            break
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    embedded = sum(1 for line in images if line.split()[2] == "image")
    figures = figures_in_notebooks()
    if embedded < figures:
        problems.append(
            f"{embedded} images embedded, but the notebooks have {figures} figures"
        )
    info = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages = page_count(info)
    chapters = len(toc_files())
    if not 5 * chapters <= pages <= 80 * chapters:
        problems.append(f"{pages} pages for {chapters} pages of the table of contents")
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    outside = past_margins(bbox)
    for page in sorted({p for p, _, _ in outside}):
        words = [w for p, w, _ in outside if p == page]
        why = next(y for p, _, y in outside if p == page)
        problems.append(
            f"page {page}: {len(words)} words {why}, from {' '.join(words[:6])!r}"
        )
    print(
        f"{pdf.name}: {pages} pages, {embedded} images for {figures} notebook figures, "
        f"{chapters} titles in order"
    )
    if problems:
        print("PDF check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("PDF check passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except CheckError as exc:
        print(f"PDF check failed: {exc}", file=sys.stderr)
        sys.exit(1)
