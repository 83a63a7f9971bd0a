# The two commands of README.md: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
ifneq ($(PYTHON),python3)
VENV := .venv-$(notdir $(PYTHON))
endif
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup demo test typecheck asan bench clean

setup:
	@scripts/bootstrap.sh $(PYTHON) $(VENV)

demo: setup
	$(PY) examples/echo_demo.py

test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

# mypy --strict on the package and the examples (the setup installs mypy on CPython).
typecheck: setup
	$(PY) -m mypy --strict pyuv_net examples

# The whole suite against an extension built with AddressSanitizer and UBSan.
asan:
	@scripts/asan.sh $(PYTHON) $(PYTEST_ARGS)

# Echo servers side by side (bench/run.py); BENCH_ARGS=--quick for a smoke run.
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf build .venv .venv-* pyuv_net/*.so pyuv_net/_uv.c *.egg-info
