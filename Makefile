# Two commands do all the set-up (see README): `make lab` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# With a wheelhouse (`make wheelhouse`, or one copied from a USB stick) every install comes from it, with no network.
WHEELHOUSE ?= wheelhouse
FROM_WHEELHOUSE := $(if $(wildcard $(WHEELHOUSE)/*.whl),--no-index --find-links $(WHEELHOUSE),)
# `make wheelhouse` downloads for this machine, or for another one: WHEEL_PLATFORM=macosx_11_0_arm64 WHEEL_PYTHON=3.12
# (pip's platform tags).
WHEEL_TARGET := $(if $(WHEEL_PLATFORM),--only-binary=:all: --platform $(WHEEL_PLATFORM),) $(if $(WHEEL_PYTHON),--python-version $(WHEEL_PYTHON),)
# On Linux, PyPI's torch is the CUDA build (several GB of nvidia-* packages), so `make install` and `make wheelhouse`
# take the CPU build from PyTorch's CPU index. Elsewhere PyPI's torch is the CPU build. TORCH_INDEX_URL= turns it off.
TORCH_INDEX_URL ?= $(if $(filter Linux,$(shell uname -s)),https://download.pytorch.org/whl/cpu,)
TORCH_INDEX := $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL),)
TORCH_PIN := $(shell grep -m1 '^torch==' requirements.txt | cut -d' ' -f1)
# Only torch itself is looked up there (--no-deps): its dependencies come with requirements.txt, from PyPI.
CPU_TORCH_FIRST := $(if $(FROM_WHEELHOUSE)$(if $(TORCH_INDEX_URL),,none),,$(BIN)/python -m pip install --no-deps \
	--index-url $(TORCH_INDEX_URL) $(TORCH_PIN) || echo "PyTorch's CPU index is unreachable: pip takes $(TORCH_PIN) from PyPI")
# Jupyter refuses to run as root unless told to (containers, CI); other users need no flag.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

# The browser test drives an installed Chromium (Debian: apt-get install chromium); Playwright downloads no browser.
PLAYWRIGHT := 1.65.2
# `make test` runs two test processes, each notebook's cells in order on one of them (nbval needs loadscope), each
# with one PyTorch thread: two workers already keep two cores busy. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
TEST_THREADS := $(if $(filter 0,$(TEST_WORKERS)),,1)

.PHONY: install lab test wheelhouse browser-test session-check binder-check colab-check bench notebooks

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml jupyter/overrides.json
	$(PYTHON) -m venv $(VENV)
	$(CPU_TORCH_FIRST)
	$(BIN)/python -m pip install $(FROM_WHEELHOUSE) -r requirements.txt
	$(BIN)/python -m pip install $(FROM_WHEELHOUSE) --no-deps -e .
	$(BIN)/python -m ragft.course.jupyter_settings  # closing a notebook's tab shuts its kernel down (see jupyter/)
	touch $(STAMP)

lab: install  ## install, then open the course in JupyterLab
	$(BIN)/jupyter lab $(LAB_ARGS) --LabApp.default_url=/lab/tree/chapters/00_welcome.ipynb

test: install  ## install, then run every test and every notebook (offline), on TEST_WORKERS processes
	RAGFT_THREADS=$${RAGFT_THREADS:-$(TEST_THREADS)} $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

wheelhouse:  ## download every wheel the course needs into wheelhouse/ (for a room without network; see INSTRUCTORS.md)
	$(PYTHON) -m pip download -d $(WHEELHOUSE) $(WHEEL_TARGET) $(TORCH_INDEX) -r requirements.txt "setuptools>=68"
	@du -sh $(WHEELHOUSE); ls $(WHEELHOUSE) | wc -l

browser-test: install  ## in JupyterLab in headless Chromium: chapter 05's widget, a closed tab's kernel, every chapter in one session within 2 GB
	$(BIN)/python -m pip install -q playwright==$(PLAYWRIGHT)
	$(BIN)/python -m pytest browser_tests

session-check: install  ## only the session test of browser-test: every chapter in one JupyterLab in headless Chromium, closing each tab, and check the memory stays within 2 GB
	$(BIN)/python -m pip install -q playwright==$(PLAYWRIGHT)
	$(BIN)/python -m pytest browser_tests/test_session_memory.py

binder-check: install  ## build binder/'s environment afresh (a venv standing in for repo2docker's conda) and run every chapter in it within 2 GB
	$(BIN)/python benchmarks/binder_check.py

colab-check: install  ## run the notebooks' Colab set-up cell and chapter 05 in a Colab-like Python 3.13 environment
	$(BIN)/python benchmarks/colab_check.py

bench: install  ## time the chapters quiet, on one CPU and beside a busy process (the others quiet), with peak memory; then `make notebooks`
	$(BIN)/python benchmarks/run_notebooks.py --conditions all chapters/*.ipynb
	$(BIN)/python benchmarks/run_notebooks.py solutions/*.ipynb exercises/*.ipynb
	$(BIN)/python benchmarks/threads.py

notebooks: install  ## strip outputs, regenerate exercises from solutions, refresh the README table
	$(BIN)/python -m ragft.course.build_notebooks
