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
# What a benchmark takes past --frames, by its argument's name; any other given is a mistake, said at once.
TAKES: dict[str, frozenset[str]] = {
    "first-words": frozenset({"images", "json"}),
    "describe": frozenset({"images", "json"}),  # a captions set's folder
}
ARGUMENTS = ("images", "json")
if set().union(*TAKES.values()) - set(ARGUMENTS) or set(TAKES) - set(BENCHES):  # checked at import
    raise ImportError("bench: TAKES names an argument or a benchmark there is not")


def cmd_bench(args: argparse.Namespace, config: Config) -> int:
    given = {name for name in ARGUMENTS if getattr(args, name, None)}
    if given - TAKES.get(args.what, frozenset()):
        print(_("`assistant bench {what}` takes no photos and no --json.").format(what=args.what), file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHES[args.what])
    return int(module.run(args, config))
