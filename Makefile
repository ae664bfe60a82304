# Two commands are the contract (see README): `make serve` and `make test`.
# Each installs what it needs on a fresh Debian machine with python3, node/npm and root.

VENV    := .venv
PY      := $(VENV)/bin/python
BOOT    := .cache/bootstrap
DEV_ADDR ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup site-setup serve build test lint bench chromium nginx clean screenshots catalogs

# Everything (tests, lint, bench), and the part that builds and serves the site.
setup: $(VENV)/.installed node_modules/.installed
site-setup: $(VENV)/.site node_modules/.installed

# A virtualenv at $(1); Debian's python3 needs python3-venv for that.
make_venv = python3 -m venv $(1) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv && python3 -m venv $(1); }

# uv sets up .venv in seconds: the one on PATH, else uv from PyPI in a small bootstrap venv (once). pip
# installs it from the pip wheel Debian's python3-venv ships, which is much quicker than giving the bootstrap
# venv a pip of its own (ensurepip compiles all of pip); where that wheel is missing, it does just that.
UV := $(or $(shell command -v uv 2>/dev/null),$(BOOT)/bin/uv)
PIP_WHEEL := $(firstword $(wildcard /usr/share/python-wheels/pip-*.whl))
PIP_QUIET := --quiet --disable-pip-version-check

$(BOOT)/bin/uv:
	@echo "==> Installing uv from PyPI into $(BOOT) (once)"
	@if [ -n "$(PIP_WHEEL)" ]; then \
		python3 -m venv --without-pip $(BOOT) && python3 -m zipfile -e $(PIP_WHEEL) $(BOOT)/pip && \
		PYTHONPATH=$(BOOT)/pip $(BOOT)/bin/python -m pip install $(PIP_QUIET) --no-compile uv; \
	else \
		{ $(call make_venv,$(BOOT)); } && $(BOOT)/bin/pip install $(PIP_QUIET) uv; \
	fi

# requirements.lock pins every package. .venv/.installed: .venv holds exactly the lock. .venv/.site: it holds
# at least the site's packages (pyproject.toml's "site" extra, at the lock's versions), so a first make serve
# does not wait for Playwright, ruff and the other test tools. Without uv, pip installs the whole lock.
$(VENV)/.installed: requirements.lock
	@if $(MAKE) --no-print-directory $(UV); then \
		echo "==> Python packages from requirements.lock into $(VENV), with uv"; \
		$(UV) venv --quiet --allow-existing --python python3 $(VENV) && $(UV) pip sync --python $(PY) requirements.lock; \
	else \
		$(MAKE) --no-print-directory pip-install; \
	fi
	@touch $@ $(VENV)/.site

$(VENV)/.site: requirements.lock pyproject.toml
	@if $(MAKE) --no-print-directory $(UV); then \
		echo "==> The site's Python packages (pyproject.toml [site] at requirements.lock's pins) into $(VENV), with uv"; \
		$(UV) venv --quiet --allow-existing --python python3 $(VENV) && \
		$(UV) pip install --python $(PY) -r pyproject.toml --extra site -c requirements.lock; \
	else \
		$(MAKE) --no-print-directory pip-install && touch $(VENV)/.installed; \
	fi
	@touch $@

.PHONY: pip-install
pip-install:
	@echo "==> uv could not be installed: Python packages from requirements.lock into $(VENV), with pip (slower)"
	@$(call make_venv,$(VENV)) && $(PY) -m pip install --disable-pip-version-check -r requirements.lock

node_modules/.installed: package-lock.json
	@echo "==> Pyodide from package-lock.json into node_modules"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Lighthouse, for the bench (and make test's smoke run of it) only: a first make serve does not wait for it.
bench/node_modules/.installed: bench/package-lock.json
	@echo "==> Lighthouse from bench/package-lock.json into bench/node_modules"
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium: Playwright's own browser download cannot be reached here.
chromium:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

# Debian's nginx and its brotli module: the tests and the bench serve the site as deploy/nginx.conf does.
nginx:
	@test -x /usr/sbin/nginx && test -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx libnginx-mod-http-brotli-static; }

# Check and compile the translation catalogs (policy_engine/locale/*/LC_MESSAGES/*.po -> .mo, git-ignored).
catalogs: site-setup
	@echo "==> Checking and compiling the translation catalogs"
	$(PY) build.py catalogs

build: site-setup catalogs
	$(PY) build.py build

serve:
	@$(MAKE) --no-print-directory -j2 site-setup
	@$(MAKE) --no-print-directory catalogs
	@echo "==> Building and serving the site (dev build, Pyodide self-hosted)"
	$(PY) build.py serve --dev-addr $(DEV_ADDR)

lint: setup
	$(PY) -m ruff check .

test: setup bench/node_modules/.installed chromium nginx lint catalogs
	$(PY) -m pytest -n 2

bench: setup bench/node_modules/.installed chromium nginx
	$(PY) bench/run.py
	$(PY) bench/triage.py

# PNGs of every page and the Decision Desk's main states, for reviewers (screenshots/, git-ignored).
screenshots: setup chromium
	$(PY) tests/screenshots.py

clean:
	rm -rf site deploy/nginx.conf .pytest_cache .ruff_cache .hypothesis bench/out
