"""Build the PDF edition: ``make pdf`` -> _build/latex/backprop-by-hand.pdf.

The PDF is made by Jupyter Book 1's LaTeX builder (XeLaTeX, for the book's Unicode
characters) from the notebooks *as committed*: execution is off, so the PDF shows
exactly the outputs that nbval verifies.  Needs TeX Live (see the README).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "latex"


def main():
    missing = [
        tool for tool in ("xelatex", "latexmk", "makeindex") if not shutil.which(tool)
    ]
    if missing:
        print(
            f"cannot build the PDF: {', '.join(missing)} not found. Install TeX "
            "Live, on "
            "Debian/Ubuntu: apt-get install texlive-xetex texlive-latex-extra "
            "texlive-fonts-recommended latexmk fonts-freefont-otf",
            file=sys.stderr,
        )
        return 2
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"] = dict(config.get("execute", {}), execute_notebooks="off")
    # paths of local extensions are read relative to the configuration file
    extensions = config["sphinx"].get("local_extensions", {})
    config["sphinx"]["local_extensions"] = {
        k: str(ROOT / v) for k, v in extensions.items()
    }
    work = ROOT / "_build" / "pdf-config"
    work.mkdir(parents=True, exist_ok=True)
    (work / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    shutil.rmtree(OUT, ignore_errors=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    # -W: a warning (an unresolved reference, a missing figure) fails the PDF as it
    # fails the site; --keep-going reports all of them at once.
    proc = subprocess.run(
        [
            str(jb),
            "build",
            ".",
            "--builder",
            "pdflatex",
            "--all",
            "-n",
            "-W",
            "--keep-going",
            "--config",
            str(work / "_config.yml"),
        ],
        cwd=ROOT,
    )
    pdf = OUT / config["latex"]["latex_documents"]["targetname"].replace(".tex", ".pdf")
    if proc.returncode != 0 or not pdf.is_file():
        print(f"the PDF build failed; see the log in {OUT}", file=sys.stderr)
        return 1
    print(f"PDF: {pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
