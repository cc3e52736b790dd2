"""CLI handler for `assistant config show | path`."""

from __future__ import annotations

import argparse

from assistant.config import Config, default_path, to_toml
from assistant.textout import plain


def cmd_config(args: argparse.Namespace, config: Config) -> int:
    if args.action == "path":
        print(plain(str(args.config or default_path())))
    else:
        print(to_toml(config), end="")
    return 0
