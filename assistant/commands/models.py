"""CLI handler for `assistant models build | list | verify`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assistant.config import Config
from assistant.i18n import _, decimal
from assistant.vision.manifest import ModelError, read_manifest, sha256_file


def cmd_models(args: argparse.Namespace, config: Config) -> int:
    if args.action == "build":
        from assistant.build.models import build

        try:
            build(force=args.force, progress=lambda line: print(line, flush=True))
        except ModelError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        return 0
    try:
        manifest = read_manifest()
    except ModelError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    models: dict[str, Any] = manifest.get("models", {})
    if args.action == "list":
        for name, entry in models.items():
            facts = [entry["precision"]] + ([f"{entry['input_size']} px"] if entry.get("input_size") else [])
            if "top1" in entry:
                facts.append(_("top-1 {top1}%, top-5 {top5}%").format(top1=decimal(entry["top1"] * 100, 1),
                                                                      top5=decimal(entry["top5"] * 100, 1)))
            elif "labels" in entry:
                facts.append(_("accuracy not measured"))
            print(f"{name}: {', '.join([*facts, entry['file']])}")
        return 0
    from assistant.paths import models_dir

    bad = 0
    for name, entry in models.items():
        path = models_dir() / entry["file"]
        if not path.exists():
            status = "MISSING"
        elif sha256_file(path) != entry["sha256"]:
            status = "MISMATCH"
        else:
            status = "OK"
        bad += status != "OK"
        print(f"{status} {name} ({entry['file']})")
    if bad:
        print(_("Run `assistant models build` to rebuild."), file=sys.stderr)
    return 1 if bad else 0
