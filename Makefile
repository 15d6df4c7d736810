# Sentem: the two commands are `make run` and `make test` (see README).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install translations run test bench migrations services clean

# The virtual environment, rebuilt when the requirements change.
$(BIN)/flask: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/flask

install: $(BIN)/flask translations

# Every feature keeps its own catalog in sentem/<feature>/translations.
translations: $(BIN)/flask
	@for d in sentem/*/translations; do \
	  ls "$$d"/*/LC_MESSAGES/*.po >/dev/null 2>&1 || continue; \
	  $(BIN)/pybabel -q compile -f -d "$$d" || exit 1; \
	done

# Embedded mode: SQLite in instance/, jobs in-process, http://127.0.0.1:5000
run: install
	$(BIN)/flask --app wsgi init
	$(BIN)/flask --app wsgi demo seed
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests

bench: install
	$(BIN)/python -m bench

migrations: install
	scripts/regen-migrations

services:
	scripts/services start sentem

clean:
	rm -rf $(VENV) .pytest_cache
