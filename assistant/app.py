"""Wiring: capture -> vision -> announce -> speech. The only module that knows them all."""

from __future__ import annotations

import argparse

from assistant.cli import not_built
from assistant.config import Config


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from assistant.capture.camera import camera_opens

    source = config.camera.source
    if source.isdigit() and args.demo_if_no_camera and not camera_opens(source):
        print(f"No camera could be opened (camera {source}), so the demo runs instead.", flush=True)
        return cmd_demo(args, config)
    return not_built("run")


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    return not_built("demo")


def cmd_describe(args: argparse.Namespace, config: Config) -> int:
    return not_built("describe")
