# The README's two commands. Both create the virtual environment and install what they need.
#   make app    serve the workbook as Voila apps on http://127.0.0.1:$(PORT)/ (start page first)
#   make test   install the test needs (Debian's chromium included) and run every test
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8866
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: app lab test install install-test chromium

app: install
	$(BIN)/mlsd-workbook --port $(PORT)

lab: install
	$(BIN)/mlsd-workbook lab

test: install-test chromium
	$(BIN)/python -m pytest

# JupyterLab's Voila button renders with the installed copy of the template: a change to it reinstalls
SHARED_DATA := $(wildcard widgets/app/_jupyter/voila/templates/mlsd/*) widgets/app/_jupyter_config/voila.json

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { $(APT) update -qq && $(APT) install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml $(SHARED_DATA)
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml $(SHARED_DATA)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

# The browser tests drive Debian's Chromium; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq chromium; }
