# Two commands set up everything on a fresh machine with Python 3.11+:
#   make demo   crawl the offline testbed portal, then search it
#   make test   lint and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# pywb pins redis 2.10.6, which the distributed extra's scrapy-redis cannot use: it lives in a
# venv of its own, its two commands linked beside the project's, where the tests look for them.
PYWB_VENV := $(VENV)/pywb
PYWB := pywb>=2.8,<3

.PHONY: demo test lint format clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/pip install --quiet '$(PYWB)'
	for command in wayback wb-manager; do ln -sf ../pywb/bin/$$command $(BIN)/$$command; done
	touch $@

demo: $(INSTALLED)
	$(BIN)/portal-archive --data data demo

test: $(INSTALLED) lint
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
