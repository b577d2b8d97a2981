# Vikno: `make run` serves the local demo, `make test` runs the checks and the suite.
# The work is done by the scripts in bin/ (they also run without make).

.DEFAULT_GOAL := help
.PHONY: help run test lint format lock setup setup-dev clean bench

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run:  ## venv, translations, migrations, static, demo data; serve at http://127.0.0.1:PORT (8000)
	@bin/run

test:  ## ruff + pytest on SQLite (and on a private PostgreSQL when CI=true); PYTEST_ARGS="-x tests/..."
	@bin/test $(PYTEST_ARGS)

lint: setup-dev  ## ruff check, ruff format --check, mypy on the files in [tool.mypy]
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

format: setup-dev  ## ruff format + the safe ruff fixes
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

BENCH_SIZE ?= 20000
bench: setup-dev  ## benchmarks on SQLite and PostgreSQL into bench/RESULTS.md; BENCH_SIZE=1000000
	-.venv/bin/python -m bench --engine sqlite --size $(BENCH_SIZE)
	bin/with-postgres .venv/bin/python -m bench --engine postgresql --size $(BENCH_SIZE)

lock:  ## re-pin requirements*.txt from the == pins in pyproject.toml (clean venvs)
	@bin/lock

setup:  ## only create .venv with the runtime lock
	@bash -c 'set -euo pipefail; . bin/_lib.sh && ensure_venv prod'

setup-dev:  ## only create .venv with the dev lock
	@bash -c 'set -euo pipefail; . bin/_lib.sh && ensure_venv dev'

clean:  ## remove caches and collected static files (keeps .venv and the database)
	rm -rf .pytest_cache .mypy_cache .ruff_cache var/static
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
