# Sahifa: `make site` builds the demo, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
# axe-core, the accessibility engine the browser tests inject, pinned; never committed.
AXE_VERSION := 4.10.3
NODE_DIR    := .cache/node
AXE_STAMP   := $(NODE_DIR)/.axe-core-$(AXE_VERSION)

.PHONY: site test serve bench bench-peers clean golden messages screenshots weight

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(TSTAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q -e '.[test]'
	touch $@

site: $(STAMP)
	$(PY) -m generator build
	@echo "Site written to $(CURDIR)/site/"
	@echo "To deploy, copy that folder as it is to any static host. Under a path such as"
	@echo "https://host/news/, set base_url in site.toml (or: sahifa build --base-url URL)."
	@echo "nginx and sub-path details: README.md, Deployment."

$(AXE_STAMP):
	npm install --prefix $(NODE_DIR) --no-save --no-package-lock --no-audit --no-fund \
	  --loglevel=error axe-core@$(AXE_VERSION)
	touch $@

test: $(TSTAMP) $(AXE_STAMP)
	$(PY) -m pytest

serve: $(STAMP)
	$(PY) -m generator serve

bench: $(STAMP)
	$(PY) bench/run.py

weight: $(STAMP)
	$(PY) bench/weight.py

bench-peers: $(STAMP)
	$(PY) bench/peers.py

screenshots: $(TSTAMP)
	$(PY) -m tests.screenshots

golden: $(TSTAMP)
	$(PY) -m tests.golden regenerate

messages: $(TSTAMP)
	$(PY) -m generator.messages

clean:
	rm -rf site .cache .pytest_cache .hypothesis build dist *.egg-info .site.sahifa-*
