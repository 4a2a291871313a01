# Sahifa: `make site` builds the demo, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: site test fuzz serve bench bench-peers clean golden messages

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
	@echo "Site written to $(CURDIR)/site/ - copy that folder to any static host (see README, Deployment)."

test: $(TSTAMP)
	$(PY) -m pytest

# The property tests with many more examples (minutes, not seconds).
fuzz: $(TSTAMP)
	SAHIFA_FUZZ=1 $(PY) -m pytest -q tests/test_fuzz.py tests/test_slugs_urls.py

serve: $(STAMP)
	$(PY) -m generator serve

bench: $(STAMP)
	$(PY) bench/run.py

bench-peers: $(STAMP)
	$(PY) bench/peers.py

golden: $(TSTAMP)
	$(PY) -m tests.golden regenerate

messages: $(TSTAMP)
	$(PY) -m generator.messages

clean:
	rm -rf site .cache .pytest_cache .hypothesis build dist *.egg-info .site.sahifa-*
