# The two commands of the README: `make run` and `make test`. Both are safe to run again.
VENV        ?= .venv
PYTHON      ?= python3
FLASK       := $(VENV)/bin/flask --app app
# Fonts and HarfBuzz subsetting for Chinese PDFs; Chromium for the browser tests; Cairo for
# the Word report's charts and LibreOffice, which the tests open the Word report with.
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 chromium poppler-utils libcairo2 \
                   libreoffice-writer-nogui
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
REQUIREMENTS_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
INSTALLED   := $(VENV)/.installed-$(REQUIREMENTS_HASH)
# axe-core for the browser tests' accessibility check, from package-lock.json.
NODE_INSTALLED := node_modules/.installed-$(shell cat package-lock.json | sha256sum | cut -c1-16)
HOST        ?= 127.0.0.1
PORT        ?= 5000

.PHONY: run test setup system-packages translations messages lint

## Install everything, then serve the app at http://$(HOST):$(PORT)/
run: setup
	$(FLASK) content check
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@$(FLASK) assessments list --links --base-url http://$(HOST):$(PORT)
	@echo "\nOpen http://$(HOST):$(PORT)/ (the links above lead to each assessment)\n"
	$(FLASK) run --host $(HOST) --port $(PORT)

## Install everything, then run the whole test suite (DATABASE_URL picks the database).
test: setup lint
	$(VENV)/bin/python -m pytest

setup: system-packages $(INSTALLED) $(NODE_INSTALLED) translations

system-packages:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Installing Debian packages: npm"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --silent
	touch $@

translations:
	$(VENV)/bin/pybabel compile --statistics -d assessment/translations 2>&1 | grep -v "^compiling" || true
	@test -f assessment/translations/zh/LC_MESSAGES/messages.mo

## Refresh the message catalogues after changing interface text.
messages:
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  -o assessment/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i assessment/translations/messages.pot \
	  -d assessment/translations

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
