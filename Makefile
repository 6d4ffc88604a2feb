# Høring: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app hoering
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: help run install install-test test test-sqlite test-postgresql test-browser lint clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python ## Install the app into .venv, with its translations, Designsystemet and the document converters
	$(BIN)/pip install --quiet -e .
	$(FLASK) translate compile
	scripts/vendor-assets.sh
	scripts/ensure-converters.sh

run: install ## Set up the embedded SQLite database with demo data; serve on 127.0.0.1:5000 with a task worker
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Open http://127.0.0.1:5000/"
	$(FLASK) tasks worker --workers 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

install-test: install ## Install the app with what the tests need, and the services they use
	$(BIN)/pip install --quiet -e '.[test]'
	scripts/ensure-services.sh
	scripts/ensure-browser.sh
	scripts/ensure-bench.sh

test: install-test test-sqlite test-postgresql ## Install test needs, run the whole suite on SQLite and PostgreSQL

test-sqlite:
	$(BIN)/python -m pytest -q

# The browser tests serve their own SQLite database, so they run once, on the SQLite run.
test-postgresql:
	HOERING_TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -q -m "not browser"

test-browser: ## Run only the real-browser tests (Chromium); screenshots go to test-artifacts/screenshots/
	$(BIN)/python -m pytest -q -m browser

lint: ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean: ## Remove the virtual environment and the local database
	rm -rf $(VENV) instance
