# Manabi — one command to run the demo, one to test it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# Local runs use SQLite unless DATABASE_URL is set (CI sets it to PostgreSQL).
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test test-fast test-js setup lint check migrations-check messages makemessages demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Translations are compiled at set-up with Babel (pure Python: no gettext
# binaries needed). The compiled .mo files are not committed.
messages: $(VENV)/.installed
	$(BIN)/pybabel compile --domain=django --directory=locale --statistics

setup: $(VENV)/.installed node_modules/.installed messages

# The task worker (mail, background tasks) runs beside the server and stops with it.
run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data
	PYTHON=$(BIN)/python bin/dev-server 127.0.0.1:$(PORT)

demo: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup
	$(MANAGE) check --fail-level WARNING

migrations-check: setup
	$(MANAGE) makemigrations --check --dry-run

# The whole suite, browser tests included (skipped with a loud warning when
# Chromium is missing, except on CI where they are required). Warnings are
# errors (pyproject.toml: filterwarnings) and no test may leave loopback
# (tests/network_guard.py).
test: setup lint check migrations-check test-js
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest

# Quick loop while working: SQLite, no browser.
test-fast: setup test-js
	DATABASE_URL= DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -m "not e2e" -q

# The page scripts' own logic, in node's built-in test runner: it needs nothing
# from npm, so it does not wait for node_modules.
test-js:
	node --test tests/js/

# For developers changing strings (needs GNU gettext's xgettext).
makemessages: $(VENV)/.installed
	$(MANAGE) makemessages --locale=ja --locale=en --locale=pt_BR --locale=vi --locale=zh_Hans --locale=fil --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete
	$(BIN)/python bin/normalize-catalogues

clean:
	rm -rf $(VENV) node_modules staticfiles .test-media db.sqlite3
