# The only set-up a user needs: `make demo` (an incident, simulated and investigated) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test lint unit venv system-deps clean demo charts install

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
# then: `. .venv/bin/activate` puts `obskit` on PATH, and `obskit investigate SERVICE --local` finds $(DEMO_DB)
# by itself (the default store when none is configured); `make install` links obskit into ~/.local/bin instead
demo: $(STAMP)
	@mkdir -p $(dir $(DEMO_DB)) && rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(VENV)/bin/obskit demo --scenario $(SCENARIO) --db $(DEMO_DB) --investigate || [ $$? -eq 1 ]
	@echo
	@echo "obskit is installed in $(VENV): run  . $(VENV)/bin/activate  to put it on your PATH (or: make install)."
	@echo "Then, in this directory:  obskit investigate checkout --local   (the demo store is found by itself)"

BINDIR ?= $(HOME)/.local/bin
# link the venv's obskit into BINDIR (on PATH for most users) so it runs without activating the venv
install: $(STAMP)
	@mkdir -p $(BINDIR) && ln -sf $(abspath $(VENV))/bin/obskit $(BINDIR)/obskit
	@echo "linked $(BINDIR)/obskit -> $(abspath $(VENV))/bin/obskit"
	@case ":$$PATH:" in *":$(BINDIR):"*) ;; *) echo "note: $(BINDIR) is not on your PATH";; esac

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
