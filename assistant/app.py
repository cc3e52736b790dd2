"""Wiring: capture -> vision -> announce -> speech. The only module that knows them all."""

from __future__ import annotations

import argparse

from assistant.cli import not_built
from assistant.config import Config


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    return not_built("run")


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    return not_built("demo")


def cmd_describe(args: argparse.Namespace, config: Config) -> int:
    return not_built("describe")
