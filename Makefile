# The two set-up commands of the README.  Each installs what it needs first.
PY := .venv/bin/python
DEMO_DIR := build/demo-catalog
DEMO_DB := build/demo.sqlite

.PHONY: demo test bootstrap bench clean

bootstrap:
	@bash scripts/bootstrap.sh

## Build the demo catalog, scan it into build/demo.sqlite and print what was found.
demo: bootstrap
	@mkdir -p build
	@$(PY) -m auditor demo $(DEMO_DIR) --db $(DEMO_DB)

## Run the whole test suite (offscreen Qt).
test: bootstrap
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: bootstrap
	@$(PY) benchmarks/scan_bench.py

clean:
	rm -rf build .pytest_cache
