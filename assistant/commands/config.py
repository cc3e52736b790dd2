"""CLI handler for `assistant config show | path`."""

from __future__ import annotations

import argparse

from assistant.config import Config, default_path, to_toml


def cmd_config(args: argparse.Namespace, config: Config) -> int:
    if args.action == "path":
        print(args.config or default_path())
    else:
        print(to_toml(config), end="")
    return 0
