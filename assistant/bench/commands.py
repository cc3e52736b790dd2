"""`assistant bench WHAT`: dispatches to the benchmark for WHAT."""

from __future__ import annotations

import argparse
import importlib

from assistant.cli import not_built
from assistant.config import Config

BENCHES = {
    "classifier": "assistant.bench.classifier",
    "ocr": "assistant.bench.ocr",
    "speech": "assistant.bench.speech",
    "loop": "assistant.bench.loop",
}


def cmd_bench(args: argparse.Namespace, config: Config) -> int:
    if args.what not in BENCHES:
        return not_built(f"bench {args.what}")
    module = importlib.import_module(BENCHES[args.what])
    return int(module.run(args, config))
