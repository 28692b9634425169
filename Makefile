# psoasquiz: `make serve` runs the app with the demo data; `make test` runs every test.
# Needs only Python 3.11+ and make; everything else goes into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=1 PSOASQUIZ_SHOW_DEMO_ACCOUNTS=1

.PHONY: serve test lint setup browser clean bench-srs bench-import bench-pages bench-reports bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## Set up the SQLite database with the bundled banks and the demo class, then serve on :8000.
serve: setup
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

setup: $(VENV)/.runtime
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py load_banks
	$(DEV) $(BIN)/python manage.py load_demo

## Run the whole test suite (SQLite, or the database in DATABASE_URL).
test: $(VENV)/.dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Browser tests drive Debian's Chromium; install it when we can (root with apt), else they skip.
browser:
	@./scripts/ensure-chromium

## Benchmark the scheduler against SM-2 and Leitner on simulated learners (bench/README.md).
bench-srs: $(VENV)/.runtime
	$(BIN)/python -m bench.srs_simulation $(BENCH_ARGS)

## Parse and import 10,000 GIFT questions into a fresh database; time, memory, queries.
bench-import: $(VENV)/.runtime
	$(BIN)/python -m bench.import_gift $(BENCH_ARGS)

## Time the quiz report against a bare SQL aggregate at 30 and 1,000 students (bench/reports.py).
## Use PostgreSQL through DATABASE_URL; BENCH_ARGS=--huge adds 10,000 students.
bench-reports: $(VENV)/.runtime
	$(BIN)/python -m bench.reports $(BENCH_ARGS)

## Load-test gunicorn (wrk + simulated students): endpoints against a floor, a 100-student flow,
## worker memory, and on PostgreSQL two instances sharing it and Redis (bench/load.py; needs wrk).
bench-load: $(VENV)/.runtime
	$(BIN)/python -m bench.load $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

## Page weight of every student page, HTML plus CSS and JS, raw and gzipped (target 60 KB).
bench-pages: $(VENV)/.runtime
	$(BIN)/python bench/page_weight.py
