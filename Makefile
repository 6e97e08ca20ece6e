# Fresh machine: `make test` and `make run` create .venv and install the project themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test run lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m rules.cohort.warm_up  # compile the cohort kernels once, not on the first upload
	touch $(STAMP)

## Every test (unit, property, integration, browser) plus lint and types.
test: $(STAMP)
	$(BIN)/ruff check rules agent dashboard tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

## Everything on this machine, offline: a local CloudWatch (moto), the agent runtime on 127.0.0.1:8080 and
## the dashboard on 127.0.0.1:8501. Ctrl-C stops all. Other ports: make run ARGS="--runtime-port 9090".
run: $(STAMP)
	$(BIN)/python -m dashboard.launcher $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check rules agent dashboard tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

## The benchmarks (by hand, not part of the tests): each prints its figures; the README quotes them.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_analyze.py
	$(BIN)/python benchmarks/bench_runtime.py
	$(BIN)/python benchmarks/bench_telemetry.py
	$(BIN)/python benchmarks/bench_read.py
	$(BIN)/python benchmarks/bench_cohort.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_write.py
	$(BIN)/python benchmarks/bench_xlsx.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
