# svduty: two commands set everything up on a fresh machine — `make run` (the app) and `make test` (the checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps: `make run` installs the runtime only; `make test` adds the test extras on top (also after `make run`).
RUN_STAMP  := $(VENV)/.run-stamp
TEST_STAMP := $(VENV)/.test-stamp
WORKSPACE ?= workspace
OUT ?= out/sna
OUT_EVAL ?= out
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# bash with pipefail: a failing command piped into `tail` still stops `make run`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

# Debian packages, as PACKAGE:PROBE (PROBE: a file or command that shows it is there where dpkg is absent).
# Runtime: WeasyPrint (SNA PDF) needs Pango; the report's font is DejaVu Sans.
RUNTIME_DEBS := libpango-1.0-0:/usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 \
	libpangoft2-1.0-0:/usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0 \
	fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
# Tests: Debian's Chromium for the browser tests (never a downloaded browser), pdftoppm to rasterise PDFs.
# openjdk-17-jre-headless: Java for the Spark engine-equivalence tests (tests/analysis/test_hotspots_spark.py)
# gettext: xgettext for the Welsh catalogue check (tests/web/test_i18n.py runs makemessages into a scratch folder)
TEST_DEBS := chromium:/usr/bin/chromium poppler-utils:pdftoppm openjdk-17-jre-headless:java gettext:xgettext

.PHONY: run test fuzz lint format bench install install-test system-packages system-packages-test static clean

$(BIN)/python:
	@echo "==> creating the virtual environment in $(VENV) (a few seconds)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> installing svduty and its runtime dependencies (about 2 minutes the first time)"
	@$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(RUN_STAMP)
	@echo "==> installing the test tools: pytest, hypothesis, ruff, playwright, reference libraries (about 1 minute)"
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(RUN_STAMP)
install-test: $(TEST_STAMP)

system-packages:
	@sh tools/system-packages.sh "the app (SNA PDF)" $(RUNTIME_DEBS)

system-packages-test: system-packages
	@sh tools/system-packages.sh "tests" $(TEST_DEBS)

lint: install-test
	@echo "==> ruff check and ruff format --check (a few seconds)"
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite on both cores (pytest-xdist; a module's tests stay on one worker, so a module's browser and
# workspace fixtures are built once); the hypothesis fuzzing runs its small "test" profile. PYTEST_WORKERS=0: serial.
PYTEST_WORKERS ?= 2
test: install-test system-packages-test lint
	@echo "==> pytest: the whole suite on $(PYTEST_WORKERS) workers"
	@SVDUTY_HYPOTHESIS_PROFILE=$${SVDUTY_HYPOTHESIS_PROFILE:-test} $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=15

# The adapters' fuzzing at depth: at least 10,000 hypothesis examples per adapter (54 min measured on a busy two-core machine).
fuzz: install-test
	@echo "==> fuzzing the police.uk, RMS and population adapters, 10,000 examples each (about 55 minutes on a busy two-core machine)"
	@SECONDS=0; SVDUTY_HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -m fuzz -p no:cacheprovider -q --durations=3; \
	  status=$$?; echo "make fuzz: $$((SECONDS / 60)) min $$((SECONDS % 60)) s"; exit $$status

bench: install-test
	$(BIN)/python benchmarks/run_all.py

run: install system-packages
	@echo "==> creating the workspace $(WORKSPACE) (a second)"
	@$(BIN)/svduty init --workspace $(WORKSPACE)
	@echo "==> ingesting the bundled police.uk sample: 36 months of City of London Police (about 10 seconds)"
	@$(BIN)/svduty ingest police-uk --sample --workspace $(WORKSPACE) | tail -n 1
	@echo "==> ingesting the bundled ONS population and LSOA lookup (about 15 seconds)"
	@$(BIN)/svduty ingest population --sample --workspace $(WORKSPACE)
	@echo "==> adding the seeded synthetic layer (about 10 seconds)"
	@$(BIN)/svduty synth --workspace $(WORKSPACE)
	@$(BIN)/svduty status --workspace $(WORKSPACE) | tail -n 3
	@echo "==> building the Strategic Needs Assessment into $(OUT) (about 1 minute)"
	@$(BIN)/svduty sna --workspace $(WORKSPACE) --out $(OUT)
	@echo "==> evaluating the April 2020 lockdown on real City of London data: ITS, DiD and synthetic control (about 1 minute)"
	@$(BIN)/svduty evaluate its --workspace $(WORKSPACE) --out $(OUT_EVAL)/evaluation-its --crime-type all --interruption 2020-04 --natural-experiment --question "Did recorded crime in the City of London fall from April 2020, beyond its trend and seasonal pattern?" --context "The first COVID-19 lockdown in England began on 23 March 2020: a natural experiment the partnership did not choose."
	@$(BIN)/svduty evaluate did --workspace $(WORKSPACE) --out $(OUT_EVAL)/evaluation-did --crime-type all --area "City of London" --treated E01032739 --treated E01032740 --interruption 2020-04 --log --question "Did the first lockdown cut recorded crime more, in proportion, in the City's two busiest LSOAs (001F, 001G) than in its four others?"
	@$(BIN)/svduty evaluate synth --workspace $(WORKSPACE) --out $(OUT_EVAL)/evaluation-synth --crime-type all --treated E01000005 --interruption 2020-04 --log --question "Did recorded crime in City of London 001E fall from April 2020 more than in a weighted combination of other LSOAs where the force recorded crime?"
	@echo "==> loading the demo partnership into the web app's SQLite database (about 20 seconds)"
	@$(BIN)/svduty demo --workspace $(WORKSPACE)
	@echo ""
	@echo "svduty is ready:"
	@echo "  web app            http://$(HOST):$(PORT)/"
	@echo "  public register    http://$(HOST):$(PORT)/public/decisions/"
	@echo "  360Giving data     http://$(HOST):$(PORT)/public/360giving.json (and .csv)"
	@echo "  SNA report         $(OUT)/index.html and $(OUT)/sna.pdf"
	@echo "  evaluation reports $(OUT_EVAL)/evaluation-its, -did, -synth (index.html, evaluation.pdf, result.json)"
	@echo "  demo accounts      admin, officer, assessor, ceo, pcc, provider (password svduty-demo)"
	@echo "==> starting the web app (Ctrl+C to stop)"
	@$(BIN)/svduty serve --workspace $(WORKSPACE) --host $(HOST) --port $(PORT)

# Rebuild GOV.UK Frontend assets from the npm package (needs npm; the output is committed so run/test need no npm).
static: install
	npm ci --no-audit --no-fund
	$(BIN)/python src/svduty/web/build_static.py

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache .ruff_cache
