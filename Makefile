# The two commands of README.md: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
ifneq ($(PYTHON),python3)
VENV := .venv-$(notdir $(PYTHON))
endif
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup demo test typecheck asan bench bench-count wheel sdist lint-workflows soak valgrind clean

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

# Instructions and Python objects per request under callgrind (bench/count.py).
bench-count: setup
	$(PY) bench/count.py $(BENCH_ARGS)

# A wheel carrying a static libuv (pinned, built by scripts/build_libuv.sh), repaired by
# auditwheel, shown to need no libuv.so, installed into a fresh venv and tested.
wheel:
	@scripts/check_wheel.sh $(PYTHON)

# The sdist, installed from itself into a fresh venv and tested.
sdist:
	@scripts/check_sdist.sh $(PYTHON)

# actionlint on the wheels workflow (both copies, which must be identical), and the
# build matrix cibuildwheel expands pyproject.toml's config to.
lint-workflows:
	@scripts/tools_venv.sh $(PYTHON)
	cmp wheels.yml .github/workflows/wheels.yml
	.venv-tools/bin/actionlint -shellcheck .venv-tools/bin/shellcheck wheels.yml .github/workflows/wheels.yml
	@for cell in linux:x86_64 linux:aarch64 macos:x86_64 macos:arm64 windows:AMD64; do \
	  printf '%s: ' "$$cell"; \
	  .venv-tools/bin/cibuildwheel --platform $${cell%:*} --archs $${cell#*:} --print-build-identifiers 2>/dev/null | tr '\n' ' '; echo; \
	done

# Load and soak runs (soak/soak.py); SOAK_SCALE=ci for the short run, SOAK_ARGS for more.
SOAK_SCALE ?= full
SOAK_ARGS ?=
soak: setup
	$(PY) soak/soak.py --scale $(SOAK_SCALE) $(SOAK_ARGS)

# A server/client scenario under valgrind memcheck (scripts/valgrind.sh).
valgrind:
	@scripts/valgrind.sh $(PYTHON)

clean:
	rm -rf build dist wheelhouse .venv .venv-* pyuv_net/*.so pyuv_net/_uv.c *.egg-info
