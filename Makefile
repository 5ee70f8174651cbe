# Two commands do all the set-up (see README): `make lab` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Jupyter refuses to run as root unless told to (containers, CI); other users need no flag.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: install lab test bench notebooks

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

lab: install  ## install, then open the course in JupyterLab
	$(BIN)/jupyter lab $(LAB_ARGS) --LabApp.default_url=/lab/tree/chapters/00_welcome.ipynb

test: install  ## install, then run every test and every notebook (offline)
	$(BIN)/python -m pytest

bench: install  ## time every notebook and measure its peak memory
	$(BIN)/python benchmarks/run_notebooks.py

notebooks: install  ## strip outputs, regenerate exercises from solutions, refresh the README table
	$(BIN)/python -m ragft.build_notebooks
