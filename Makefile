# The two commands: `make run` (dashboard on http://127.0.0.1:8050) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Starts the embedded PostgreSQL when DATABASE_URL is unset, creates the schema, loads the demo
# data if the database is empty, then serves.
run: install
	$(BIN)/psad db upgrade
	$(BIN)/psad demo load --if-empty
	$(BIN)/psad serve

# The linter first (zero findings), then every test, in TEST_WORKERS processes (the browser tests
# all in one of them: tests/conftest.py schedules them). TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: install
	$(BIN)/python bench/bench_summary.py
	$(BIN)/python bench/bench_present.py --scales 1

# Regenerates the README's reference tables (settings, URL, API) from the code; tests fail when they differ.
docs: install
	$(BIN)/psad docs

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
