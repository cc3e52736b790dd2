"""CLI handler for `assistant bench WHAT`: dispatches to the benchmark for WHAT."""

from __future__ import annotations

import argparse
import importlib

from assistant.config import Config

BENCHES = {
    "classifier": "assistant.bench.classifier",
    "ocr": "assistant.bench.ocr",
    "speech": "assistant.bench.speech",
    "loop": "assistant.bench.loop",
    "document": "assistant.bench.document",
    "calibration": "assistant.bench.calibration",
    "detector": "assistant.bench.detector",
    "people": "assistant.bench.people",
    "soak": "assistant.bench.soak",
    "memory": "assistant.bench.memory",
    "channels": "assistant.bench.channels",
    "language": "assistant.bench.language",
    "faces": "assistant.bench.faces",
    "find": "assistant.bench.find",
    "listen": "assistant.bench.listen",
    "describe": "assistant.bench.describe",
}


def cmd_bench(args: argparse.Namespace, config: Config) -> int:
    module = importlib.import_module(BENCHES[args.what])
    return int(module.run(args, config))
