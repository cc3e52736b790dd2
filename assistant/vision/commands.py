"""CLI handlers for the vision side: `classify`, `read` and `models`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Config
from assistant.vision.manifest import ModelError, read_manifest, sha256_file
from assistant.vision.preprocess import ImageError, read_image

log = logging.getLogger(__name__)


def _error_line(path: Path, message: str, as_json: bool) -> None:
    """A per-file error: on stdout in JSON mode (so a pipe sees every file), else on stderr."""
    if as_json:
        print(json.dumps({"file": str(path), "error": message}), flush=True)
    else:
        print(f"{path}: {message}", file=sys.stderr, flush=True)


class ImageFiles:
    """The readable images among `paths`, in order; each unreadable one gets its error line and is counted."""

    def __init__(self, paths: list[Path], as_json: bool) -> None:
        self.paths, self.as_json, self.failures = paths, as_json, 0

    def __iter__(self) -> Iterator[tuple[Path, np.ndarray]]:
        for path in self.paths:
            try:
                image = read_image(path)
            except ImageError as exc:
                self.failures += 1
                _error_line(path, str(exc), self.as_json)
                continue
            yield path, image

    @property
    def status(self) -> int:
        return 1 if self.failures == len(self.paths) else 0


def cmd_classify(args: argparse.Namespace, config: Config) -> int:
    from assistant.vision.classifier import Classifier

    try:
        classifier = Classifier(config.vision.model, config.vision.threads)
    except ModelError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        result = classifier(image, args.top)
        if args.json:
            labels = [{"index": lb.index, "name": lb.name, "imagenet_name": lb.imagenet_name,
                       "score": round(lb.score, 5)} for lb in result.labels]
            print(json.dumps({"file": str(path), "labels": labels, "ms": round(result.ms, 2)}), flush=True)
        else:
            best = ", ".join(f"{lb.name} {lb.score:.0%}" for lb in result.labels)
            print(f"{path}: {best}", flush=True)
    return images.status


def make_reader(config: Config, max_side: int | None = None, reuse: bool = False):  # type: ignore[no-untyped-def]
    """The configured OCR back-end; EasyOCR falls back to the default with one sentence when absent.
    `reuse`: a live camera's reader, which does not re-read lines that have not changed."""
    from assistant.vision.ocr import RapidReader, load_reader

    side, v = max_side or config.vision.ocr_max_side, config.vision
    return load_reader(v.ocr_engine, side, v.ocr_min_score, v.threads, reuse) or RapidReader(
        side, v.ocr_min_score, v.threads, reuse=reuse)


def cmd_read(args: argparse.Namespace, config: Config) -> int:
    from assistant.vision.ocr import OcrUnavailable

    try:
        # Still images are often whole pages: give detection more pixels than a live frame gets.
        reader = make_reader(config, max(config.vision.ocr_max_side, 1600))
    except OcrUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        if args.document:
            from assistant.vision.document import read_document

            document = read_document(image, reader)
            result = document.text
        else:
            result = reader.read(image)
        if args.json:
            lines = [{"text": line.text, "score": round(line.score, 4),
                      "box": [[int(x), int(y)] for x, y in line.box]} for line in result.lines]
            print(json.dumps({"file": str(path), "text": result.text, "lines": lines, "ms": round(result.ms, 1)},
                             ensure_ascii=False), flush=True)
        else:
            if len(args.images) > 1:
                print(f"{path}:", flush=True)
            print(result.text or "No text found.", flush=True)
            if args.document and result.text:
                print(f"{len(result.spoken_lines)} lines read.", flush=True)
    return images.status


def cmd_models(args: argparse.Namespace, config: Config) -> int:
    if args.action == "build":
        from assistant.vision.modelbuild import build

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
            acc = "" if "labels" not in entry else ", accuracy not measured"
            if "top1" in entry:
                acc = f", top-1 {entry['top1']:.1%}, top-5 {entry['top5']:.1%}"
            size = f", {entry['input_size']} px" if entry.get("input_size") else ""
            print(f"{name}: {entry['precision']}{size}{acc}, {entry['file']}")
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
        print("Run `assistant models build` to rebuild.", file=sys.stderr)
    return 1 if bad else 0
