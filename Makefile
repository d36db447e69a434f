# Two commands: `make run` (set up and serve on SQLite) and `make test` (the whole suite).
# Override the interpreter with `make run PYTHON=/path/to/python3.12`.

PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; exit; }; \
	done; command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench clean-venv

help:
	@echo "make run    set up (first time) and serve on http://127.0.0.1:$(PORT) with SQLite"
	@echo "make test   install the test tools and run the whole suite"
	@echo "make lint   ruff check and format check"
	@echo "make format ruff format"
	@echo "make bench  measure the main pages at 1,000 and 100,000 synthetic patients (docs/performance.md)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11 or newer is needed, and none was found on PATH."; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
		echo "Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) -c 'import platform; print(platform.python_version())')."; \
		echo "Install a newer Python, or point to one: make run PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.runtime-installed $@

$(VENV)/.bench-installed: requirements.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	@touch $(VENV)/.runtime-installed $@

run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	@$(BIN)/python manage.py ensure_admin --login-url http://127.0.0.1:$(PORT)/
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run_bench.py

clean-venv:
	rm -rf $(VENV)
