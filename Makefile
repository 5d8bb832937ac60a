# The single entry point: `make demo` and `make test` work on a fresh machine with only
# Python 3.11 and the package registries.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-all model bench bench-attribution lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,corpus]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/sourcetrace analyze examples/ -o out/demo.jsonl
	$(BIN)/sourcetrace show out/demo.jsonl
	$(BIN)/sourcetrace report out/demo.jsonl --html out/report.html

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

test-all: $(STAMP)
	$(BIN)/python -m pytest -q

model: $(STAMP)
	$(BIN)/sourcetrace train --shared ../shared

bench: $(STAMP)
	$(BIN)/python benchmarks/speed.py

# PolNeAR dev: default pipeline, each attribution mode and textacy side by side
bench-attribution: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,corpus,peers]'
	$(BIN)/python benchmarks/attribution_peers.py

clean:
	rm -rf $(VENV) out build

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
