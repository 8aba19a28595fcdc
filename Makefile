# The two commands a new user types: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/mesems

.PHONY: demo test venv test-deps system-deps benchmarks

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(VENV)/bin/mesems demo

system-deps:
	@bash scripts/system-deps.sh

test: venv system-deps
	$(VENV)/bin/pytest -m "not postgres" -p no:randomly
	MESEMS_DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m postgres

benchmarks: venv
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done
