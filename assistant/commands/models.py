"""CLI handler for `assistant models build | list | verify`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import Any

from assistant.config import Config
from assistant.i18n import _, decimal
from assistant.textout import plain
from assistant.vision.manifest import ModelError, pins, read_manifest, sha256_file, source_problem


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
    try:
        bad = sum(not ok for ok in (*verify_models(models), *verify_packages()))
    except ModelError as exc:  # the pins cannot be read
        print(plain(str(exc)), file=sys.stderr)
        return 1
    if bad:
        print(_("Run `assistant models build` to rebuild."), file=sys.stderr)
    return 1 if bad else 0


def verify_models(models: dict[str, Any]) -> Iterator[bool]:
    """A line a model: OK, MISSING, DAMAGED (not a regular file), or MISMATCH (not the file the manifest
    names, or built from a copy of its package that is not the published one); whether it is OK."""
    from assistant.paths import FileProblem, models_dir

    for name, entry in models.items():
        path, why = models_dir() / entry["file"], ""
        try:
            status = "MISSING" if not path.exists() else "MISMATCH" if sha256_file(path) != entry["sha256"] else "OK"
        except FileProblem as exc:
            status, why = "DAMAGED", f": {exc}"
        source = source_problem(entry, models) if status == "OK" else None
        if source:
            status, why = "MISMATCH", f": {source}"
        print(plain(f"{status} {name} ({entry['file']}){why}"))
        yield status == "OK"


def verify_packages() -> Iterator[bool]:
    """A line a kept package (those not kept are fetched again by the build): OK when it is the package as its
    registry publishes it, else MISMATCH and why; whether it is OK."""
    from assistant.paths import download_cache

    for pin in pins().values():
        path = download_cache() / pin.file
        if not os.path.lexists(path):
            continue
        problem = pin.problem(path)
        print(plain(f"{'OK' if problem is None else 'MISMATCH'} package {pin.spec} ({pin.file})"
                    + (f": {problem}" if problem else "")))
        yield problem is None
