# The two commands: `make run` sets everything up and runs the assistant; `make test` sets everything up,
# lints (ruff, mypy) and runs the whole test suite.
.PHONY: run test setup setup-dev lint

run: setup
	.venv/bin/assistant run --demo-if-no-camera

# Four workers on two cores, a test file each at a time: the real-time tests (clips played at their own
# speed, subprocesses waiting on a voice) wait on the clock while the others compute (measured here: 6 min
# 1 s and 6 min 7 s on four, 6 min 39 s to 6 min 51 s on three). Files go out longest first (tests/conftest.py).
test: lint
	.venv/bin/python -m pytest -n 4 --dist loadfile --no-loadscope-reorder

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh dev

lint: setup-dev
	.venv/bin/ruff check assistant tests scripts
	.venv/bin/mypy assistant
