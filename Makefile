# Image Anonymization — one entry point for set-up, checks and runs.
# `make run` and `make test` install whatever is missing first; both are idempotent.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOOLS := .tools
# Tesseract languages installed from Debian (tesseract-ocr-<code>); osd is orientation.
OCR_LANGUAGES ?= eng deu fra spa osd
# chromium: the browser the playground's end-to-end test drives (Playwright never downloads one).
APT_PACKAGES := tesseract-ocr $(addprefix tesseract-ocr-,$(OCR_LANGUAGES)) fonts-dejavu-core fonts-liberation chromium
export OMP_THREAD_LIMIT := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help system venv run test pr lint types tools clean timing screenshot profile fuzz

help:
	@echo "make run    install what is missing, redact examples/ into out/"
	@echo "make test   install what is missing, run the whole test suite"
	@echo "make pr     lint (ruff), types (mypy), template lints and tests"
	@echo "make tools  install the template/Dockerfile linters into $(TOOLS)/"
	@echo "make profile  per-stage wall and CPU seconds (decode, OCR passes, RapidOCR, detection, verification, encode)"
	@echo "make fuzz   atheris over decode → redact for FUZZ_SECONDS (default 300); findings in out/fuzz/"
	@echo "make screenshot  write docs/playground.png (the playground after an analysis, in chromium)"
	@echo "make bench  ours vs presidio-image-redactor, by pixels (REAL=../shared/corpora adds the labelled scans;"
	@echo "            BENCH_ARGS='--only real --redactors ours-fast' re-measures one redactor on them;"
	@echo "            a full run ends with bench/load.py: 8 clients on serve for 60 s)"

system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): requirements/runtime.txt requirements/dev.txt pyproject.toml
	$(MAKE) system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"
	$(BIN)/pip install -q --require-hashes -r requirements/runtime.txt -r requirements/dev.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

venv: system $(STAMP)

run: venv
	$(BIN)/image-anonymizer redact examples/ -o out/

test: venv tools
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: venv
	$(BIN)/mypy

pr: lint types test

tools: $(TOOLS)/.installed

$(TOOLS)/.installed: requirements/tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q --upgrade "pip>=24"
	$(TOOLS)/bin/pip install -q -r requirements/tools.txt
	touch $@

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache

# The suite fuzzes a fixed 240 examples; this runs atheris on the same seeds for longer.
FUZZ_SECONDS ?= 300
fuzz: venv
	$(BIN)/python tests/fuzz/fuzz_decode.py -max_total_time=$(FUZZ_SECONDS)

# The README's picture; the normal test run never writes it.
screenshot: venv
	PLAYGROUND_SCREENSHOT=1 $(BIN)/pytest tests/e2e/test_playground.py -k screenshot

timing: venv
	$(BIN)/python bench/timing.py
	$(BIN)/python bench/http_latency.py
	$(BIN)/python bench/large_image.py

# A full run (no BENCH_ARGS) also writes the sections of RESULTS.md of bench/multilingual.py
# (its languages without Tesseract data installed are skipped, and it says so),
# bench/load.py (8 clients on `serve` for 60 s; it fails the run on an error or a lost
# request), bench/stages.py (the per-stage profile) and bench/visual.py (faces and codes).
# bench/multilingual.py reads seven languages: their Tesseract data beyond the default set.
BENCH_LANGUAGES := ita nld por pol

bench: venv
	$(MAKE) system OCR_LANGUAGES="$(OCR_LANGUAGES) $(BENCH_LANGUAGES)"
	@set -e; if [ ! -f bench/.venv-peer/.installed ] || [ bench/requirements-peer.txt -nt bench/.venv-peer/.installed ]; then \
		test -x bench/.venv-peer/bin/python || $(PYTHON) -m venv bench/.venv-peer; \
		bench/.venv-peer/bin/pip install -q --upgrade "pip>=24"; \
		bench/.venv-peer/bin/pip install -q -r bench/requirements-peer.txt; \
		touch bench/.venv-peer/.installed; \
	fi
	$(BIN)/python bench/run.py $(if $(REAL),--real $(REAL)) $(BENCH_ARGS)
	$(if $(BENCH_ARGS),,$(BIN)/python bench/multilingual.py)
	$(if $(BENCH_ARGS),,$(BIN)/python bench/load.py)
	$(if $(BENCH_ARGS),,$(BIN)/python bench/stages.py $(if $(REAL),--real $(REAL)))
	$(if $(BENCH_ARGS),,$(BIN)/python bench/visual.py)

# Where a request's time goes, stage by stage, into its section of bench/RESULTS.md.
profile: venv
	$(BIN)/python bench/stages.py $(if $(REAL),--real $(REAL))
.PHONY: bench
