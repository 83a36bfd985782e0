# `make run`: set up and start the app on SQLite. `make test`: linters and the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# `make run PORT=8080` serves on another port.
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := compliance.settings

.PHONY: run setup test lint format messages bench clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
	  { echo "Could not make a virtualenv: on Debian, apt-get install python3-venv"; exit 1; }
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.requirements

setup: $(VENV)/.requirements
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_divisions
	$(PY) manage.py load_demo

run: setup
	@echo "Serving on http://127.0.0.1:$(PORT) with a queue consumer (Ctrl+C stops both)"
	DEBUG=$${DEBUG:-1} PY=$(PY) PORT=$(PORT) scripts/run

lint: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

format: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate translations after changing user-facing text; both .po and .mo are committed.
messages: $(VENV)/.requirements-dev
	$(PY) manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages -l vi --ignore=.venv

# Each bench creates and drops its own databases; load.py needs PostgreSQL, Redis and wrk
# (apt-get install wrk).
bench: $(VENV)/.requirements-dev
	$(PY) bench/import_agencies.py
	$(PY) bench/round_page.py --agencies 1000
	$(PY) bench/round_page.py --agencies 50000 --db pg
	$(PY) bench/workbooks.py
	$(PY) bench/reports.py
	$(PY) bench/reports.py --agencies 50000 --db pg
	$(PY) bench/load.py
	$(PY) bench/job_queue.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
