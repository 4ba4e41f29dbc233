# svduty: two commands set everything up on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WORKSPACE ?= workspace
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format bench install chromium static clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser). Installed when missing and we are root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null); \
	  else echo "note: /usr/bin/chromium missing and not root: browser tests will be skipped"; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/run_all.py

run: install
	$(BIN)/svduty init --workspace $(WORKSPACE)
	$(BIN)/svduty ingest police-uk --sample --workspace $(WORKSPACE)
	$(BIN)/svduty ingest population --sample --workspace $(WORKSPACE)
	$(BIN)/svduty synth --workspace $(WORKSPACE)
	$(BIN)/svduty status --workspace $(WORKSPACE) | tail -n 3
	$(BIN)/svduty sna --workspace $(WORKSPACE) --out out/sna
	@echo "SNA report: out/sna/index.html and out/sna/sna.pdf"
	$(BIN)/svduty evaluate its --workspace $(WORKSPACE) --out out/evaluation-its --crime-type all --interruption 2020-04 --natural-experiment --question "Did recorded crime in the City of London fall from April 2020, beyond its trend and seasonal pattern?" --context "The first COVID-19 lockdown in England began on 23 March 2020: a natural experiment the partnership did not choose."
	$(BIN)/svduty evaluate did --workspace $(WORKSPACE) --out out/evaluation-did --crime-type all --area "City of London" --treated E01032739 --treated E01032740 --interruption 2020-04 --log --question "Did the first lockdown cut recorded crime more, in proportion, in the City's two busiest LSOAs (001F, 001G) than in its four others?"
	$(BIN)/svduty evaluate synth --workspace $(WORKSPACE) --out out/evaluation-synth --crime-type all --treated E01000005 --interruption 2020-04 --log --question "Did recorded crime in City of London 001E fall from April 2020 more than in a weighted combination of other LSOAs where the force recorded crime?"
	@echo "Evaluation reports: out/evaluation-its, out/evaluation-did, out/evaluation-synth (index.html, evaluation.pdf, result.json)"
	$(BIN)/svduty demo --workspace $(WORKSPACE)
	$(BIN)/svduty serve --workspace $(WORKSPACE) --host 127.0.0.1 --port 8000

# Rebuild GOV.UK Frontend assets from the npm package (needs npm; the output is committed so run/test need no npm).
static: install
	npm ci --no-audit --no-fund
	$(BIN)/python src/svduty/web/build_static.py

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache .ruff_cache
