# Liaison Desk. `make demo` and `make test` are the two commands a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo test lint format catalogue bench snapshots screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the app with its test tools

demo: $(STAMP) ## Install, then open the app on a fresh demo station
	$(BIN)/liaison demo

# One worker more than the cores: the CLI, store and PostgreSQL tests wait on subprocesses and
# fsync, which a third worker fills (9 min against 11 on two cores); worksteal keeps a worker
# from ending the run alone on the longest tests.
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: lint ## Install, then run the linters and the whole test suite
	$(BIN)/pytest -n $(WORKERS) --dist worksteal

# mypy checks what pyproject.toml's [tool.mypy] `files` names; lint-imports its contracts.
lint: $(STAMP) ## ruff check and format check, mypy, the import contracts (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

catalogue: $(STAMP) ## Extract the text keys from the code, update tui/locale's .po, compile the .mo
	$(BIN)/pybabel --quiet extract
	$(BIN)/pybabel --quiet update --no-fuzzy-matching
	$(BIN)/pybabel compile --statistics

bench: $(STAMP) ## Run the benchmarks in bench/ (figures and ratios to their floors)
	$(BIN)/python -m bench

snapshots: $(STAMP) ## Review, then accept, changed screen snapshots
	$(BIN)/pytest tests/screens/test_snapshots.py --snapshot-update

screenshots: $(STAMP) ## Regenerate the README's screenshots (docs/*.svg)
	$(BIN)/python docs/screenshots.py

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .grimp_cache *.egg-info
