# The only set-up a user needs: `make demo` (an incident, simulated and investigated) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test lint unit venv system-deps clean demo charts

# The full-stack deploy tests render the pinned upstream charts; they are never skipped. `charts` fills
# Helm's charts/obskit-stack/charts/ with `helm dependency build` where the network allows; otherwise the
# tests use $$OBSKIT_CHARTS_DIR, else the local mirror $(CHARTS_MIRROR) beside the checkout (CI here).
CHARTS_MIRROR ?= ../shared/upstream-charts

test: system-deps $(STAMP) charts
	$(VENV)/bin/ruff check obskit tests benchmarks
	$(PY) -m pytest -q

charts: $(STAMP)
	@$(VENV)/bin/obskit deploy charts --build >/dev/null 2>&1 \
	  || test -n "$$OBSKIT_CHARTS_DIR" || test -d "$(CHARTS_MIRROR)" \
	  || { echo "no dependency charts: no network for helm dependency build, no OBSKIT_CHARTS_DIR," \
	            "no $(CHARTS_MIRROR)"; exit 1; }

lint: $(STAMP)
	$(VENV)/bin/ruff check obskit tests benchmarks

venv: $(STAMP)

SCENARIO ?= slow-database
DEMO_DB  ?= .demo/obskit.duckdb
# simulate one incident into a fresh local store and investigate its symptom service
# (investigate exits 1 when it names suspects: that is the expected outcome here)
demo: $(STAMP)
	@mkdir -p $(dir $(DEMO_DB)) && rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(VENV)/bin/obskit demo --scenario $(SCENARIO) --db $(DEMO_DB) --investigate || [ $$? -eq 1 ]

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || bash .ci/system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

system-deps:
	@bash .ci/system-deps.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
