# Two commands set everything up: `make run` and `make test`.
# Both install from lock files of every dependency, pinned and hashed (requirements/*.txt):
# `make run` the runtime lock only (no test tools), `make test` the test lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# pip checks every download against the lock's hashes; the project itself installs after, from
# this folder (editable), with the setuptools the lock pinned.
PIP    := $(BIN)/python -m pip install --quiet --require-hashes --only-binary :all:
SELF   := $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
RUN_STAMP  := $(VENV)/.run-$(shell cat requirements/run.txt pyproject.toml | cksum | cut -d' ' -f1)
TEST_STAMP := $(VENV)/.test-$(shell cat requirements/test.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench install install-run lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): $(BIN)/python requirements/run.txt pyproject.toml
	$(PIP) -r requirements/run.txt
	$(SELF)
	rm -f $(VENV)/.run-*
	touch $(RUN_STAMP)

$(TEST_STAMP): $(BIN)/python requirements/test.txt pyproject.toml
	$(PIP) -r requirements/test.txt
	$(SELF)
	rm -f $(VENV)/.test-* $(VENV)/.run-*
	touch $(TEST_STAMP)

install-run: $(RUN_STAMP)

install: $(TEST_STAMP)

run: install-run
	$(BIN)/barback db upgrade
	exec $(BIN)/barback serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy engine
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

# wrk drives the webhook benchmark: installed here on Debian when running as root; otherwise
# bench/webhooks.py says how to install it and that benchmark exits non-zero.
bench: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& { apt-get install -y -q wrk || { apt-get update -q && apt-get install -y -q wrk; }; }; } \
		|| echo "make bench: wrk is missing and could not be installed (that needs root and apt-get)"
	$(BIN)/python -m bench

# After changing dependencies in pyproject.toml: recompute both locks (pip-tools, from PyPI;
# a pip.conf's extra indexes are ignored, so every file of each release gets its hash).
LOCK := PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= CUSTOM_COMPILE_COMMAND="make lock" \
	$(VENV)-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-trusted-host --no-emit-find-links --build-deps-for=wheel
lock:
	[ -x $(VENV)-lock/bin/pip-compile ] || { $(PYTHON) -m venv $(VENV)-lock && \
		$(VENV)-lock/bin/python -m pip install --quiet "pip-tools>=7.5,<8"; }
	$(LOCK) --output-file=requirements/run.txt pyproject.toml
	$(LOCK) --extra=test --output-file=requirements/test.txt pyproject.toml

clean:
	rm -rf $(VENV) $(VENV)-lock .pytest_cache .mypy_cache .ruff_cache
