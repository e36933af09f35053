# The two commands of the README:
#   make demo   set up, then scan the synthetic demo world into SQLite and print the report
#   make test   set up, then lint, type-check, check the layers (lint-imports) and migrations, and run the tests
#               on SQLite and PostgreSQL
# PostgreSQL tests use $(SCANNER_TEST_POSTGRES_URL) (default: the local server's `test` database).

VENV ?= .venv
PY := $(VENV)/bin/python
SCANNER_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?= -n 2

.PHONY: setup demo lint test test-sqlite test-postgres bench bootstrap-model

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

demo: setup
	$(VENV)/bin/scanner demo

lint: setup
	$(VENV)/bin/ruff check scanner tests bench alembic
	$(VENV)/bin/ruff format --check scanner tests bench alembic
	$(VENV)/bin/mypy --strict scanner
	$(VENV)/bin/lint-imports --no-cache
	tmp=$$(mktemp -d) && SCANNER_DATABASE_URL=sqlite:///$$tmp/check.db $(VENV)/bin/scanner db upgrade >/dev/null \
		&& SCANNER_DATABASE_URL=sqlite:///$$tmp/check.db $(VENV)/bin/alembic check && rm -rf $$tmp

test-sqlite: setup
	SCANNER_TEST_POSTGRES_URL=$(SCANNER_TEST_POSTGRES_URL) $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: setup
	SCANNER_TEST_DATABASE_URL=$(SCANNER_TEST_POSTGRES_URL) SCANNER_TEST_POSTGRES_URL=$(SCANNER_TEST_POSTGRES_URL) \
		$(PY) -m pytest $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

# Retrain the shipped bootstrap model on the synthetic demo world (docs/model.md); rewrites its card.
bootstrap-model: setup
	$(VENV)/bin/scanner model train --demo-world --seed 7 --days 14 --output models/bootstrap.skops
