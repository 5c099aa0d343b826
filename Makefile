# Yunguan 运管 — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
FRONTEND := frontend

.PHONY: run test lint test-python test-frontend test-e2e test-oidc-provider install spa migrate bench clean lock

$(PY):
	$(PYTHON) -m venv $(VENV)

# What the tests run on is the lock (hashed pins, `make lock` rewrites it from pyproject.toml), so a
# release on PyPI tomorrow changes nothing here; the project itself goes in editable, without deps.
$(STAMP): pyproject.toml requirements-test.lock | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# The SPA is built when it is missing or older than its sources. `npm install` rather than
# `npm ci`: the registry mirror here lists only this platform's optional packages (rollup's
# native builds), so the lock never names the others and `npm ci` refuses it as out of sync.
spa:
	@if [ -f $(FRONTEND)/package.json ]; then \
	  if [ ! -d $(FRONTEND)/node_modules ] || [ $(FRONTEND)/package-lock.json -nt $(FRONTEND)/node_modules ]; then \
	    (cd $(FRONTEND) && npm install --no-audit --no-fund) && touch $(FRONTEND)/node_modules; fi; \
	  if [ ! -f $(FRONTEND)/dist/index.html ] || [ -n "$$(find $(FRONTEND)/src $(FRONTEND)/index.html $(FRONTEND)/package.json -newer $(FRONTEND)/dist/index.html 2>/dev/null | head -n 1)" ]; then \
	    (cd $(FRONTEND) && npm run build); fi; \
	fi

migrate: $(STAMP)
	$(PY) -m services.common.migrate upgrade org planning kpi risk

run: $(STAMP) spa
	$(PY) -m tools.stack

test: lint test-python test-frontend test-e2e

# The house rules a machine can hold: ruff's rule set, mypy (strict on the kernel and the gateway), the
# import contracts (services never import one another) and the generated event catalogue (docs/events.md).
lint: $(STAMP)
	$(VENV)/bin/ruff check services gateway tests tools bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m tools.event_catalogue --check

test-python: $(STAMP) test-oidc-provider
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The OpenID Connect provider the SSO tests sign in through (npm oidc-provider, run by node from tests/oidc);
# `npm ci`: it has no platform-specific optional packages, so its lock installs as written.
OIDC := tests/oidc
test-oidc-provider:
	@if [ ! -d $(OIDC)/node_modules ] || [ $(OIDC)/package-lock.json -nt $(OIDC)/node_modules ]; then \
	  npm ci --prefix $(OIDC) --no-audit --no-fund && touch $(OIDC)/node_modules; fi

test-frontend:
	@if [ -f $(FRONTEND)/package.json ]; then \
	  if [ ! -d $(FRONTEND)/node_modules ] || [ $(FRONTEND)/package-lock.json -nt $(FRONTEND)/node_modules ]; then \
	    (cd $(FRONTEND) && npm install --no-audit --no-fund) && touch $(FRONTEND)/node_modules; fi; \
	  (cd $(FRONTEND) && npm run typecheck && npm test); \
	fi

# Browser tests in Debian's Chromium (as root: apt-get install -y chromium fonts-noto-cjk); .ci/run installs it.
test-e2e: $(STAMP) test-oidc-provider
	@if [ -f $(FRONTEND)/package.json ]; then \
	  if [ -x /usr/bin/chromium ]; then (cd $(FRONTEND) && npm run e2e); \
	  else echo "browser tests not run: /usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)"; fi; \
	fi

# requirements.lock and requirements-test.lock (hashed pins of what this venv runs; tests/deploy/test_lock.py)
lock: $(STAMP)
	$(PY) -m tools.lock

bench: $(STAMP)
	$(PY) bench/gateway_bench.py

clean:
	rm -rf data/*.db data/*.db-wal data/*.db-shm
