# Sahifa: `make site` builds the demo, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
# From npm, pinned, into .cache/node (never committed): axe-core, the accessibility
# engine the browser tests inject, and vnu-jar, the current Nu Html Checker (for CSS).
AXE_VERSION := 4.10.3
VNU_VERSION := 26.9.27
NODE_DIR    := .cache/node
NODE_STAMP  := $(NODE_DIR)/.installed-axe-core-$(AXE_VERSION)-vnu-jar-$(VNU_VERSION)

.PHONY: site test fuzz serve bench bench-peers clean golden messages screenshots weight

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

$(NODE_STAMP):
	npm install --prefix $(NODE_DIR) --no-save --no-package-lock --no-audit --no-fund \
	  --loglevel=error axe-core@$(AXE_VERSION) vnu-jar@$(VNU_VERSION)
	touch $@

test: $(TSTAMP) $(NODE_STAMP)
	$(PY) -m pytest

# The property tests with many more examples (minutes, not seconds).
fuzz: $(TSTAMP)
	SAHIFA_FUZZ=1 $(PY) -m pytest -q tests/test_fuzz.py tests/test_slugs_urls.py tests/test_markdown_inline.py

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
