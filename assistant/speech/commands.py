"""CLI handlers for the speech side: `say` and `voices`."""

from __future__ import annotations

import argparse

from assistant.cli import not_built
from assistant.config import Config


def cmd_say(args: argparse.Namespace, config: Config) -> int:
    return not_built("say")


def cmd_voices(args: argparse.Namespace, config: Config) -> int:
    return not_built("voices")
