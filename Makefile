# The two commands: `make run` sets everything up and runs the assistant; `make test` sets everything up,
# lints (ruff, mypy) and runs the whole test suite.
.PHONY: run test setup setup-dev lint

run: setup
	.venv/bin/assistant run --demo-if-no-camera

test: lint
	.venv/bin/python -m pytest

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh dev

lint: setup-dev
	.venv/bin/ruff check assistant tests scripts
	.venv/bin/mypy assistant
