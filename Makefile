# Every target installs what it needs; all are safe to run again.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.synced
# The interpreter .python-version names (through pyenv), else python3.12 or python3 on PATH:
# it runs Poetry and is the base of .venv.
PYTHON := $(shell pyenv which python 2>/dev/null || command -v python3.12 || command -v python3)
POETRY := $(PYTHON) -m poetry

.PHONY: install lock test lint run demo preview policy doctor examples bench bench-sweep bench-cloudcontrol clean

$(STAMP): poetry.lock pyproject.toml .python-version
	@$(POETRY) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet poetry
	@$(POETRY) env use --quiet $(PYTHON)
	$(POETRY) sync --quiet --no-root
	@touch $(STAMP)

install: $(STAMP)

lock:  ## re-resolve poetry.lock after a change to pyproject.toml (locked versions kept where they fit)
	@$(POETRY) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet poetry
	$(POETRY) lock

test: install
	POETRY="$(POETRY)" $(PY) -m pytest -n 2 --dist loadfile -q

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

bench: install
	$(PY) -m bench.run
	$(PY) -m bench.cloudcontrol 2>/dev/null | grep "items/s"

bench-cloudcontrol: install  ## items/s of generic kinds read through Cloud Control
	$(PY) -m bench.cloudcontrol

bench-sweep: install
	$(PY) -m bench.run --sweep

run: install  ## ocean sail; stops with one line when Port's credentials are not set
	@$(PY) -m port_aws.config.port_credentials
	$(VENV)/bin/ocean sail

demo: install
	$(PY) -m port_aws demo

preview: install
	$(PY) -m port_aws preview

policy: install  ## regenerate the IAM permissions in cloudformation/*.yaml from the kind catalog
	$(PY) -m port_aws.commands.policy

doctor: install  ## check the configured credentials, roles, Organizations and permissions
	$(PY) -m port_aws doctor

examples: install  ## rewrite examples/ from real resyncs of the kind tests
	PORT_AWS_WRITE_EXAMPLES=1 $(PY) -m pytest -q -n 2 --dist loadfile tests/kinds tests/test_foundation.py tests/test_accounts.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
