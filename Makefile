# Sentem: the two commands are `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test bench migrations services clean

$(BIN)/flask: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/flask

install: $(BIN)/flask
	@for d in sentem/*/translations; do [ -d "$$d" ] && $(BIN)/pybabel compile -q -f -d "$$d" || true; done

run: install
	$(BIN)/flask --app wsgi init
	$(BIN)/flask --app wsgi demo seed
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

bench: install
	$(BIN)/python -m bench

migrations: install
	scripts/regen-migrations
