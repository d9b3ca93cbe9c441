# leadflow: `make run` to use it, `make test` to test it. Needs only Python 3.11+ and pip.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_WORKERS ?= 2

.PHONY: install browser run screenshots init serve test test-embedded test-scaleout lint typecheck check lock bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The dashboard's browser tests drive Debian's chromium through Playwright; without it they are
# skipped, and say so.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "--- installing chromium for the browser tests"; \
		apt-get install -y -q chromium >/dev/null 2>&1 \
			|| { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
			|| echo "*** chromium could not be installed: the browser tests will be skipped"; \
	else \
		echo "*** chromium is not installed (apt-get install chromium): the browser tests will be skipped"; \
	fi

screenshots:
	$(BIN)/python scripts/readme_screenshots.py

run: install
	$(BIN)/leadflow init
	@echo ""
	@echo "  leadflow: http://127.0.0.1:8000   (API docs: http://127.0.0.1:8000/docs)"
	@echo ""
	$(BIN)/leadflow serve

init: install
	$(BIN)/leadflow init

serve: install
	$(BIN)/leadflow serve

test: install browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q
	@if $(BIN)/python -c "import socket; [socket.create_connection(('127.0.0.1', p), 1).close() for p in (5432, 6379)]" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-scaleout; \
	else \
		echo ""; \
		echo "*** The scale-out suite was NOT run: PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) do not both answer."; \
		echo "*** Only the embedded suite (SQLite) ran. Start them and run 'make test-scaleout'."; \
	fi

test-embedded: install browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

test-scaleout: install browser
	@echo "--- scale-out suite: PostgreSQL at $(PG_URL), Redis at $(REDIS_URL)"
	LEADFLOW_TEST_DATABASE_URL=$(PG_URL) LEADFLOW_TEST_REDIS_URL=$(REDIS_URL) \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q -m "not embedded_only"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

check: lint typecheck
	$(BIN)/lint-imports
	@scratch=$$(mktemp -d) && LEADFLOW_DATA_DIR=$$scratch $(BIN)/alembic upgrade head \
		&& LEADFLOW_DATA_DIR=$$scratch $(BIN)/alembic check; status=$$?; rm -rf $$scratch; exit $$status

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[dev]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^leadflow' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
