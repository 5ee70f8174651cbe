# Two commands do all the set-up (see README): `make lab` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Jupyter refuses to run as root unless told to (containers, CI); other users need no flag.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

# The browser test drives an installed Chromium (Debian: apt-get install chromium); Playwright downloads no browser.
PLAYWRIGHT := 1.65.2

.PHONY: install lab test browser-test binder-check bench notebooks

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

browser-test: install  ## run chapter 05 in JupyterLab in headless Chromium and check the decision-matrix widget
	$(BIN)/python -m pip install -q playwright==$(PLAYWRIGHT)
	$(BIN)/python -m pytest browser_tests

binder-check: install  ## build binder/'s environment afresh, as repo2docker would, and run every chapter in it within 2 GB
	$(BIN)/python benchmarks/binder_check.py

bench: install  ## time every notebook and measure its peak memory
	$(BIN)/python benchmarks/run_notebooks.py

notebooks: install  ## strip outputs, regenerate exercises from solutions, refresh the README table
	$(BIN)/python -m ragft.course.build_notebooks
