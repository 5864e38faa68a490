# Backpropagation by Hand: the commands of the README.
#   make test       unit tests, the browser test of the site, every chapter through nbval
#   make test-unit  the unit tests of handprop alone (under 30 s)
#   make book       the website, into _build/html (fresh, executes every chapter),
#                   with the PDF edition beside it (built first when TeX is installed)
#   make pdf        the PDF edition, into _build/latex (from the committed outputs)
#   make lab        the chapters in JupyterLab
#   make bench      timings against PyTorch and the floor, into benchmarks/results
#   make torch      PyTorch (CPU) for the autograd cross-check and the benchmarks
#   make repository URL=https://github.com/OWNER/NAME   set the repository everywhere
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PDF := backprop-by-hand.pdf

# Use local MNIST files when the project's shared folder is beside the repository,
# unless HANDPROP_DATA_DIR is already set; otherwise handprop downloads into its cache.
SHARED_MNIST := $(abspath ../shared/data/mnist)
ifeq ($(origin HANDPROP_DATA_DIR), undefined)
ifneq ($(wildcard $(SHARED_MNIST)/train-images-idx3-ubyte.gz),)
export HANDPROP_DATA_DIR := $(SHARED_MNIST)
endif
endif
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: test test-unit book pdf lab bench venv repository clean torch

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml tools/ipython_kernel_config.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	mkdir -p $(VENV)/etc/ipython
	cp tools/ipython_kernel_config.py $(VENV)/etc/ipython/
	touch $(STAMP)

# Two pytest workers, one per core; each notebook runs whole in one worker, and each
# worker's BLAS uses one thread, so the two never fight over the cores (two-thread
# OpenBLAS beside a busy process can run many times slower).  Files are handed out in
# the order tests/conftest.py collects them, the longest first.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder $(NBVAL)

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not site"

# The PDF edition is rebuilt when a page, the configuration or the LaTeX set-up
# changed; `make book` builds it first (when TeX Live is installed), so that the
# site's links to it work on every build.
PDF_FILE := _build/latex/$(PDF)
PDF_SOURCES := _config.yml _toc.yml $(wildcard notebooks/*.ipynb book/*.md book/*.bib \
               book/_ext/*.py book/latex/*) tools/build_pdf.py
HAVE_TEX := $(shell command -v xelatex)

$(PDF_FILE): $(STAMP) $(PDF_SOURCES)
	$(BIN)/python tools/build_pdf.py

book: $(STAMP) $(if $(HAVE_TEX),$(PDF_FILE))
	rm -rf _build/html _build/.doctrees _build/jupyter_execute
	@# one BLAS thread, as in `make test`: the chapters' arithmetic, and so every
	@# asserted result, is then the one nbval verified on this machine
	OPENBLAS_NUM_THREADS=1 $(BIN)/jupyter-book build . --all -W -n --keep-going
	@# the PDF edition goes beside the site, where the pages link to it
	if [ -f $(PDF_FILE) ]; then cp $(PDF_FILE) _build/html/; \
	else echo "no PDF edition (TeX Live is not installed): its links will be dead"; fi
	@echo "Open file://$(CURDIR)/_build/html/index.html"

pdf: $(PDF_FILE)
	$(BIN)/python tools/check_pdf.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# PyTorch (CPU) for the autograd cross-check and the benchmarks; not a dependency of
# the book.  The one place that says how it is installed.
# TORCH_INDEX, when set (the GitHub workflow sets PyTorch's CPU index), is where pip
# looks for it; here PyPI's torch==2.13.0 is the CPU build.
torch: $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python tools/bench_readme.py

repository: $(STAMP)
	$(BIN)/python tools/set_repository.py $(URL)

clean:
	rm -rf _build .pytest_cache
