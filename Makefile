# Backpropagation by Hand: the three commands of the README.
#   make test   unit tests and every chapter through nbval
#   make book   the website, into _build/html
#   make lab    the chapters in JupyterLab
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Use local MNIST files when the project's shared folder is beside the repository,
# unless HANDPROP_DATA_DIR is already set; otherwise handprop downloads into its cache.
SHARED_MNIST := $(abspath ../shared/data/mnist)
ifeq ($(origin HANDPROP_DATA_DIR), undefined)
ifneq ($(wildcard $(SHARED_MNIST)/train-images-idx3-ubyte.gz),)
export HANDPROP_DATA_DIR := $(SHARED_MNIST)
endif
endif
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: test book lab bench venv clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

book: $(STAMP)
	rm -rf _build/html _build/.doctrees _build/jupyter_execute
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	@echo "Open file://$(CURDIR)/_build/html/index.html"

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache
