# Sentem: the two commands are `make run` and `make test` (see README).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install translations run test lint lock bench migrations services clean

# The virtual environment, rebuilt when the lock changes: every package, direct or not,
# pinned with the hashes of its files (requirements.lock, made by `make lock` from the
# direct pins in requirements.txt and requirements-dev.txt).
$(BIN)/flask: requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	touch $(BIN)/flask

install: $(BIN)/flask translations

# Every feature keeps its own catalog in sentem/<feature>/translations. A catalog is compiled
# only when its .po is newer, so two `make test` at once (CI runs both suites side by side)
# never rewrite a .mo that the other's tests are reading.
MO := $(patsubst %.po,%.mo,$(wildcard sentem/*/translations/*/LC_MESSAGES/*.po))
translations: $(MO)

%.mo: %.po $(BIN)/flask
	$(BIN)/pybabel -q compile -f -i $< -o $@

# Embedded mode: SQLite in instance/, jobs in-process, http://127.0.0.1:5000
run: install
	$(BIN)/flask --app wsgi init
	$(BIN)/flask --app wsgi demo seed
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests

# Static checks (configuration and the reasons for each ignored rule: pyproject.toml).
lint: $(BIN)/flask
	$(BIN)/ruff check sentem tests bench

# Regenerate requirements.lock after editing requirements*.txt. pip-tools runs in a
# throwaway venv with pip's configuration switched off, so the lock names the public
# index's files only (no machine-local wheel folders or indexes).
LOCK_VENV := /tmp/sentem-lock-venv
LOCK_ENV := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null
lock:
	rm -rf $(LOCK_VENV)
	$(PY) -m venv $(LOCK_VENV)
	$(LOCK_ENV) $(LOCK_VENV)/bin/pip install -q pip==26.3 pip-tools==7.6.2
	$(LOCK_ENV) CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q --generate-hashes \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock requirements-dev.txt

bench: install
	$(BIN)/python -m bench

migrations: install
	scripts/regen-migrations

services:
	scripts/services start sentem

clean:
	rm -rf $(VENV) .pytest_cache
