"""CLI handler for `assistant bench WHAT`: dispatches to the benchmark for WHAT."""

from __future__ import annotations

import argparse
import importlib
import sys

from assistant.config import Config
from assistant.i18n import _

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
    "first-words": "assistant.bench.firstwords",
}
# The benchmarks given paths (first-words: photos; describe: a captions set's folder) and --json on the command
# line; any other given them is a mistake, said at once.
TAKES_PATHS = frozenset({"first-words", "describe"})
if TAKES_PATHS - set(BENCHES):  # checked at import
    raise ImportError("bench: TAKES_PATHS names a benchmark there is not")


def cmd_bench(args: argparse.Namespace, config: Config) -> int:
    if args.what not in TAKES_PATHS and (getattr(args, "images", None) or getattr(args, "json", False)):
        print(_("`assistant bench {what}` takes no photos and no --json.").format(what=args.what), file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHES[args.what])
    return int(module.run(args, config))
