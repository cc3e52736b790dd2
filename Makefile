# The two commands: `make run` sets everything up and runs the assistant; `make test` sets everything up,
# lints (ruff, mypy) and runs the whole test suite.
.PHONY: run test setup setup-dev lint

run: setup
	.venv/bin/assistant run --demo-if-no-camera

# Two workers, a test file each at a time: the real-time tests (clips played at their own speed) wait on
# the clock while the other worker computes. Files go out longest first (tests/conftest.py).
test: lint
	.venv/bin/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh dev

lint: setup-dev
	.venv/bin/ruff check assistant tests scripts
	.venv/bin/mypy assistant
