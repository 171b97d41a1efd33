# stpmodel — every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= scenarios/iapt-25-percent.yaml

.DEFAULT_GOAL := help
.PHONY: help install run test lint docs goldens bench fuzz clean browser screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install stpmodel with its dev tools

run: $(STAMP) ## run a shipped scenario (SCENARIO=...) and print the table
	$(BIN)/stpmodel run $(SCENARIO)

test: $(STAMP) browser ## run the test suite
	$(BIN)/python -m pytest -q

# tests/test_report.py opens the report in headless Chromium: Debian's package, installed here
# when missing and this is root with apt-get (as CI is); else that one test is skipped, saying why.
CHROMIUM_PACKAGES := chromium-headless-shell fonts-dejavu-core
browser: ## install headless Chromium for the report's browser test, if missing
	@if command -v chromium-headless-shell >/dev/null 2>&1 || command -v chromium >/dev/null 2>&1 \
	    || [ -n "$$STPMODEL_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing headless Chromium for the report's browser test: $(CHROMIUM_PACKAGES)"; \
	    { apt-get update -qq && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(CHROMIUM_PACKAGES) || DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; }; } \
	      >/dev/null 2>&1 < /dev/null \
	    || echo "could not install Chromium: the report's browser test will be skipped"; \
	else \
	    echo "no Chromium (sudo apt-get install $(CHROMIUM_PACKAGES)): the report's browser test will be skipped"; \
	fi

screenshots: $(STAMP) browser ## the pictures of the report and the workbook in docs/index.md
	$(BIN)/python tools/screenshots.py

fuzz: $(STAMP) ## the fuzz suite at scale: 20,000 mutated scenarios and 3,000 hypothesis cases; ~15 min
	FUZZ_COUNT=20000 FUZZ_EXAMPLES=3000 $(BIN)/python -m pytest -q tests/fuzz

lint: $(STAMP) ## ruff, mypy, and the layers (import-linter; docs/contributing.md)
	$(BIN)/ruff check stpmodel tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

docs: $(STAMP) ## regenerate docs/cli.md from --help and the metric table in docs/model.md
	$(BIN)/python -m stpmodel.docgen

goldens: $(STAMP) ## regenerate tests/golden/*.csv from every shipped scenario (review the diff)
	rm -f tests/golden/*.csv
	$(BIN)/stpmodel batch scenarios --out-dir tests/golden
	rm -f tests/golden/summary.csv

bench: $(STAMP) ## performance figures beside their targets (docs/performance.md); ~3 min
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m benchmarks.bench

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
