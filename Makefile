# Two commands: `make lab` opens the course, `make test` runs every test.
# Both create .venv/ from requirements.txt first; nothing is installed globally.

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.requirements.installed
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# The venv's bin/ must be on PATH: nbgrader runs `alembic` as a subprocess.
RUN := PATH="$(BIN):$$PATH" JUPYTERLAB_SETTINGS_DIR="$(CURDIR)/$(VENV)/jupyter-user/settings" \
       JUPYTERLAB_WORKSPACES_DIR="$(CURDIR)/$(VENV)/jupyter-user/workspaces"
JOBS ?= 2
LAB_ARGS ?=
PYTEST_ARGS ?=

.PHONY: venv lab test system-packages node-packages release bench book book-theme clean help

help:
	@echo "make lab      set up .venv and open JupyterLab on chapters/ (LAB_ARGS=--no-browser for headless)"
	@echo "make test     set up .venv and run every test"
	@echo "make release  regenerate chapters/ from solutions/"
	@echo "make bench    time and measure every chapter (writes bench/results/)"
	@echo "make book     build the web book of both editions into _build/book/ (offline once its theme is built)"

venv: $(STAMP) $(LAB_OVERRIDES)

# JupyterLab's defaults for this course (no news pop-up, no update check: nothing reaches the network),
# where JupyterLab reads them: the app settings folder of the venv. binder/postBuild installs the same file.
$(LAB_OVERRIDES): binder/overrides.json $(STAMP)
	install -D -m 644 binder/overrides.json $@

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]' \
		|| { echo "Install Python 3.11 or run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	@# The course's own packages (pyproject.toml), editable: notebook kernels, `python -m grader` and the
	@# tests import this checkout wherever they start. Their dependencies came from requirements.txt just
	@# above (--no-deps); the setuptools that torch needs builds it, so nothing is downloaded here.
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/lib/python3.11/site-packages/dlcourse-repo.pth  # written by earlier versions of this Makefile
	touch $(STAMP)

# `make lab LANG=zh` (or a Chinese locale, zh_CN.UTF-8 ...) opens the Chinese edition.
FIRST_NOTEBOOK = $(if $(filter zh%,$(LANG)),00_start_here.zh.ipynb,00_start_here.ipynb)
lab: venv
	@echo "Opening JupyterLab on chapters/ (the URL with its token is printed below)."
	@# Started from chapters/ so that nbgrader's lab extensions treat it as the course root.
	cd chapters && $(RUN) $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)/chapters" --ServerApp.allow_root=True \
		--LabApp.default_url=/lab/tree/00_start_here/$(FIRST_NOTEBOOK) $(LAB_ARGS)

# Notebook and unit tests in parallel first; then the browser tests alone, so that
# their Binder-like timings (one pinned core) do not compete with other notebooks.
test: venv system-packages book-theme
	$(RUN) $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup -m "not browser" $(PYTEST_ARGS) tests
	$(RUN) $(BIN)/python -m pytest -p no:xdist -m browser $(PYTEST_ARGS) tests/browser tests/hub

# Debian packages the tests drive: Chromium for the browser tests, bubblewrap for
# the classroom sandbox, JupyterHub's proxy for the hub test, a font with Chinese glyphs for the
# Chinese edition (figures and browser screenshots), Node.js and npm for the web book (node-packages).
# Installed only when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-packages: node-packages
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	command -v configurable-http-proxy >/dev/null 2>&1 || missing="$$missing node-configurable-http-proxy"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	command -v taskset >/dev/null 2>&1 && command -v prlimit >/dev/null 2>&1 || missing="$$missing util-linux"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

release: venv
	$(RUN) $(BIN)/python -m grader release

bench: venv
	$(RUN) $(BIN)/python -m bench

# The web book: release notebooks with the figures of the executed solutions (cached by content under
# ~/.cache/dlcourse/book/), built by Jupyter Book 2 with the theme in docs/book/theme/ (built once by npm).
book: venv book-theme
	$(RUN) $(BIN)/python -m grader book

# The book's site theme, built from docs/book/theme/ by npm (which fetches its packages from the npm
# registry) once per change of that folder, cached in ~/.cache/dlcourse/book/theme/. Building the book
# itself then needs no network; the browser stage of `make test` builds the book.
book-theme: venv node-packages
	$(RUN) $(BIN)/python -m grader.book_theme

# Jupyter Book 2 runs on Node.js; npm installs its theme's packages once. Debian's packages, never a download by the tool.
node-packages:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
		echo "Installing Debian packages: nodejs npm"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }

clean:
	rm -rf $(VENV) .pytest_cache
