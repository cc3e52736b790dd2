#!/usr/bin/env bash
# Move the pinned versions forward: install the assistant with the newest releases its pyproject.toml
# allows into a scratch venv, write them to constraints.txt, then run the suite with them. Keep the new
# constraints.txt only if `make test` passes on a fresh clone. Usage: scripts/update-constraints.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$scratch/venv/bin/python" -m pip install -q --disable-pip-version-check ".[dev]"
{
  echo "# The versions the test suite passed with ($("$PYTHON" --version), $(uname -m)); scripts/setup.sh installs"
  echo "# with them. Written by scripts/update-constraints.sh, which moves them forward."
  "$scratch/venv/bin/python" -m pip freeze --all --exclude assistant | grep -v -E '^(setuptools|wheel)=='
} > constraints.txt
echo "constraints.txt updated; now run: rm -rf .venv && make test"
