# Two commands: `make run` and `make test`. Everything else here is what they need, installed by the
# project itself so that a fresh clone on a fresh machine works.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# manage.py, Celery and the WSGI app refuse to guess their settings; make's own commands are development.
DEV := DJANGO_SETTINGS_MODULE=config.settings.local

.PHONY: help run test install assets browser lint lock migrate seed stop clean cluster

help:
	@echo "make run   set everything up and serve the four demo councils on http://<council>.localhost:$(PORT)/"
	@echo "make test  set everything up and run the whole test suite, browser tests included"

# Every package at the version requirements-dev.lock pins, its hash checked; then the project itself.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# After changing pyproject.toml's dependencies: requirements.lock (production) and requirements-dev.lock
# (plus the dev and test extras, at the same versions), with hashes. Versions already locked stay unless
# LOCK_ARGS=--upgrade (or --upgrade-package NAME).
UV_VERSION := 0.13.9
LOCK_ARGS ?=
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	  --quiet $(LOCK_ARGS) -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	  --extra dev --extra test -c requirements.lock --quiet $(LOCK_ARGS) -o requirements-dev.lock

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# GOV.UK Frontend comes from npm at build time and is never committed.
build/static/.built: node_modules/.installed frontend/app.scss frontend/app.js frontend/favicon.svg
	rm -rf build/static && mkdir -p build/static/govuk
	cp -r node_modules/govuk-frontend/dist/govuk/assets build/static/govuk/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js build/static/govuk/
	cp frontend/app.js frontend/favicon.svg build/static/
	npx --no-install sass --pkg-importer=node --style=compressed --no-source-map frontend/app.scss build/static/app.css
	touch $@

install: $(VENV)/.installed build/static/.built

assets: build/static/.built

# Browser tests drive Debian's chromium; Playwright never downloads a browser of its own.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# Upload tests run Debian's clamscan against a signature file they build with sigtool; freshclam is
# never run, so nothing is downloaded.
.PHONY: scanner
scanner:
	@if ! command -v clamscan >/dev/null || ! command -v sigtool >/dev/null; then \
	  echo "Installing Debian clamav for the upload tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clamav >/dev/null; \
	fi

# Development and tests scan uploads with the real clamscan against a one-signature database (the
# EICAR test file's), built here; production runs ClamAV with its normal signature updates.
var/clamav/eicar.hdb: | scanner
	mkdir -p var/clamav
	printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$$H+H*' > var/clamav/eicar.txt
	sigtool --md5 var/clamav/eicar.txt > $@
	rm var/clamav/eicar.txt

# PDF tests read PDFs back with poppler's pdftotext; WeasyPrint subsets fonts about 4x faster with
# harfbuzz's subset library.
.PHONY: pdftools
pdftools:
	@if ! command -v pdftotext >/dev/null || ! dpkg -s libharfbuzz-subset0 >/dev/null 2>&1; then \
	  echo "Installing Debian poppler-utils and libharfbuzz-subset0 for the PDF tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils libharfbuzz-subset0 >/dev/null; \
	fi

# The many-process drill (scripts/cluster.py) puts Debian's nginx in front of the web instances.
.PHONY: webserver
webserver:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  echo "Installing Debian nginx for the many-process drill"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null; \
	fi

# Production settings in many processes on loopback: nginx, two web instances, two workers, beat, Redis.
cluster: install webserver pooler scanner pdftools var/clamav/eicar.hdb
	$(PY) -m scripts.cluster

# The pooling tests (tests/test_pooling.py) put Debian's pgbouncer in front of the test PostgreSQL.
.PHONY: pooler
pooler:
	@if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then \
	  echo "Installing Debian pgbouncer for the pooling tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq pgbouncer >/dev/null; \
	fi

migrate: install scanner pdftools var/clamav/eicar.hdb
	$(DEV) $(PY) manage.py migrate_schemas --executor=standard -v 0

seed: migrate
	$(DEV) $(PY) manage.py seed_demo

run: seed
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

test: install browser scanner pdftools webserver pooler var/clamav/eicar.hdb lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v 0
	eval "$$($(PY) scripts/test_services.py)" && $(PY) -m pytest $(PYTEST_ARGS)

# Stop the embedded PostgreSQL servers (they keep running between commands).
stop:
	-$(PY) scripts/embedded_pg.py stop var/pg
	-$(PY) scripts/embedded_pg.py stop var/pg-test

clean: stop
	rm -rf $(VENV) node_modules build var
