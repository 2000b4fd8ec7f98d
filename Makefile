# The two set-up commands of the README: `make run` and `make test`. Everything they need is
# installed from the package registries by the targets below (Python 3.11+, Node.js with npm).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install lint worker beat bench bench-smoke

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddemo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

# The benchmarks (README.md, 性能基准), on the PostgreSQL at 127.0.0.1:5432 and Redis at :6379.
bench: install $(VENV)/.installed-bench
	$(BIN)/python -m bench --markdown bench/last-run.md

bench-smoke: install $(VENV)/.installed-bench
	$(BIN)/python -m bench --smoke

$(VENV)/.installed-bench: pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

install: $(VENV)/.installed node_modules/.package-lock.json

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "需要 Python 3.11 或更高版本（可用 make PYTHON=python3.12 指定）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
