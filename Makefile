# Two commands are the contract (see README): `make serve` and `make test`.
# Each installs what it needs on a fresh Debian machine with python3, node/npm and root.

VENV    := .venv
PY      := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test lint bench chromium clean screenshots

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock
	python3 -m venv $(VENV) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv && python3 -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium: Playwright's own browser download cannot be reached here.
chromium:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

build: setup
	$(PY) build.py build

serve: setup
	$(PY) build.py serve --dev-addr 127.0.0.1:8000

lint: setup
	$(PY) -m ruff check .

test: setup chromium lint
	$(PY) -m pytest -n 2

bench: setup chromium
	$(PY) bench/run.py
	$(PY) bench/triage.py

# PNGs of every page and the Decision Desk's main states, for reviewers (screenshots/, git-ignored).
screenshots: setup chromium
	$(PY) tests/screenshots.py

clean:
	rm -rf site .pytest_cache .ruff_cache .hypothesis bench/out
