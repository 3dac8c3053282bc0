# Fakturaflyt: `make run` serves the product, `make test` proves it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast test-pg e2e-deps bench fuzz lint demo migrate clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate the SQLite database under var/, load the demo company, serve on :8000
run: $(STAMP)
	@echo "Local demo: two-factor authentication is not enforced (FAKTURAFLYT_REQUIRE_2FA=0); production keeps it on."
	FAKTURAFLYT_REQUIRE_2FA=0 $(BIN)/fakturaflyt run

migrate: $(STAMP)
	$(BIN)/fakturaflyt migrate

demo: $(STAMP)
	$(BIN)/fakturaflyt demo

## test: the whole suite on SQLite (and on PostgreSQL when DATABASE_URL points there), in
## TEST_WORKERS processes (pytest-xdist; default 2, the CI machine's cores; 0 runs in one process)
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## test-pg: the suite against the machine's PostgreSQL
test-pg: $(STAMP)
	DATABASE_URL=$${PG_URL:-postgres://postgres@127.0.0.1:5432/fakturaflyt} $(BIN)/python -m pytest -n $(TEST_WORKERS)

## e2e-deps: Debian packages the tests use: chromium (Playwright drives it; no browser download), Tesseract with Norwegian, Pango and fonts for WeasyPrint
e2e-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx nor || ! ldconfig -p | grep -q libpango-1.0; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium tesseract-ocr tesseract-ocr-nor libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else echo "Install Debian's chromium, tesseract-ocr, tesseract-ocr-nor, libpango-1.0-0 and fonts-dejavu-core (sudo apt-get install ...) to run the browser and OCR tests."; fi; \
	fi

bench: $(STAMP)
	$(BIN)/python -m benchmarks

## fuzz: the parsers fuzzed for longer than CI does (FUZZ_SECONDS per target; FUZZ_TARGETS to pick; docs/fuzzing.md)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,fuzz]' || $(BIN)/python -m pip install --quiet atheris \
		|| echo "atheris cannot be installed here: fuzz/run.py falls back to hypothesis"
	$(BIN)/python fuzz/run.py --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

messages: $(STAMP)
	cd fakturaflyt && ../$(BIN)/django-admin makemessages -l nb --no-obsolete && ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
