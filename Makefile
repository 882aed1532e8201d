# The only set-up a user needs: `make test` (and `make demo` once the demo lands).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test lint unit venv system-deps clean demo

test: system-deps $(STAMP)
	$(VENV)/bin/ruff check obskit tests benchmarks
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check obskit tests benchmarks

venv: $(STAMP)

SCENARIO ?= slow-database
demo: $(STAMP)
	$(VENV)/bin/obskit demo --scenario $(SCENARIO)
	$(VENV)/bin/obskit local stats

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

system-deps:
	@bash .ci/system-deps.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
