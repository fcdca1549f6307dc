# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.12 or newer: from PYTHON, pyenv, or the PATH.
# The first that runs and is 3.12+ (one path, even when several would do).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install lock lint format migrations-check demo clean

# uv when it is on the PATH (fast, follows uv.lock); plain pip otherwise
# (follows requirements-dev.txt, exported from the same lock by `make lock`).
$(VENV)/.installed: pyproject.toml uv.lock requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is needed: set PYTHON=/path/to/python3.12"; exit 1; }
	@if command -v uv >/dev/null; then \
		uv sync --frozen --python $(PYTHON); \
	else \
		test -x $(PY) || $(PYTHON) -m venv $(VENV); \
		$(PY) -m pip install --quiet -r requirements-dev.txt; \
	fi
	touch $@

lock:
	uv lock --python $(PYTHON)
	uv export --frozen --all-groups --no-emit-project --no-hashes -o requirements-dev.txt

install: $(VENV)/.installed

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo

# The development server and the background task worker together; Ctrl-C stops both.
run: demo
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var db.sqlite3
