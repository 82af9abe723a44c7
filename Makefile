# Coalition — two commands do everything: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# The Python named in .python-version: pyenv's when present, else pythonX.Y on PATH.
PYTHON ?= $(shell (command -v pyenv >/dev/null && PYENV_VERSION=$$(pyenv latest $(PYTHON_VERSION) 2>/dev/null) pyenv which python 2>/dev/null) || command -v python$(PYTHON_VERSION))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run serve worker test test-fast lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py bootstrap_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

# The task worker (django-tasks-db): sends the mail outbox, refreshes proposals, runs the
# periodic jobs (reminders, mail sweep, hourly proposals). Tasks wait in the database
# (DJANGO_TASKS_BACKEND=database, the default here); web processes must use the same.
# schedule_tasks is idempotent: exactly one chain per periodic job, however often it runs.
WORKER_ENV := DJANGO_TASKS_BACKEND=$${DJANGO_TASKS_BACKEND:-database}

worker: install
	$(WORKER_ENV) $(PY) manage.py migrate --noinput
	$(WORKER_ENV) $(PY) manage.py schedule_tasks
	exec env $(WORKER_ENV) $(PY) manage.py db_worker --no-reload

# Production: migrate, collectstatic, gunicorn (WEB_CONCURRENCY workers on PORT) and the
# processes bin/serve keeps running. Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
serve: install
	bin/serve

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m pytest

# The edit-test loop: no browser, no fuzzing, no servers started (make test runs everything).
test-fast: lint
	$(PY) -m pytest -m "not browser and not fuzz and not multiprocess"

bench: install
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
