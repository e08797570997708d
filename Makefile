# paspor: two commands on a fresh machine, `make demo` and `make test` (see README.md).
# Each installs what it needs: Debian packages, the .venv, the database schema.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng fonts-dejavu-core \
	fonts-liberation poppler-utils chromium
PYTEST_WORKERS ?= 2

.PHONY: demo serve test system-deps venv db postgres lint typecheck clean

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' -c constraints.txt
	touch $(STAMP)

venv: $(STAMP)

db: venv
	$(BIN)/paspor db upgrade

# PostgreSQL runs on 127.0.0.1:5432 on these machines; start it when it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	  pg_isready -h 127.0.0.1 -p 5432; }

demo: system-deps venv db
	$(BIN)/paspor demo

# A local Prefect server (UI on http://127.0.0.1:4200), the flows and the officers' console
# (http://127.0.0.1:8000) served, until Ctrl-C.
serve: system-deps venv db
	$(BIN)/paspor serve

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy verification rules storage

test: system-deps venv postgres lint typecheck
	OMP_THREAD_LIMIT=1 $(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15 \
	  --doctest-modules verification rules storage tests

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
