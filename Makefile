# The two commands of README.md: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
ifneq ($(PYTHON),python3)
VENV := .venv-$(notdir $(PYTHON))
endif
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup demo test asan bench soak valgrind clean

setup:
	@scripts/bootstrap.sh $(PYTHON) $(VENV)

demo: setup
	$(PY) examples/echo_demo.py

test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The whole suite against an extension built with AddressSanitizer and UBSan.
asan:
	@scripts/asan.sh $(PYTHON) $(PYTEST_ARGS)

# Echo servers side by side (bench/run.py); BENCH_ARGS=--quick for a smoke run.
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

# Load and soak runs (soak/soak.py); SOAK_SCALE=ci for the short run, SOAK_ARGS for more.
SOAK_SCALE ?= full
SOAK_ARGS ?=
soak: setup
	$(PY) soak/soak.py --scale $(SOAK_SCALE) $(SOAK_ARGS)

# A server/client scenario under valgrind memcheck (scripts/valgrind.sh).
valgrind:
	@scripts/valgrind.sh $(PYTHON)

clean:
	rm -rf build .venv .venv-* pyuv_net/*.so pyuv_net/_uv.c *.egg-info
