"""CLI handler for `assistant find NAME IMAGE... [--json]`: where the thing, word or code named is in still
images, as the live find channel would lead to it (the same names in the user's language, the same
matching): in words ("A cup, ahead, a little to the right, small."), with the numbers in `--json`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from assistant.announce.codewords import PRODUCT_TYPES
from assistant.announce.phrasing import sighting
from assistant.announce.positions import where
from assistant.announce.words import a_thing, vocabulary
from assistant.app import Models, people_finder
from assistant.channels.find import NOTHING_NAMED, said_name
from assistant.config import Config
from assistant.i18n import _, sentence
from assistant.textout import json_line, plain
from assistant.vision import targets
from assistant.vision.targets import Found, Target, placement


def found_json(found: list[Found], width: float, height: float, style: str = "thirds") -> list[dict[str, Any]]:
    """Each sighting as `find --json` gives it, largest first: `pan` -1 (left edge) .. +1 (right edge), `tilt`
    -1 (bottom) .. +1 (top), `size` its box's share of the frame."""
    out = []
    for f in found:
        place = placement(f.box, width, height)
        out.append({"name": f.name, "score": round(f.score, 4), "box": [round(v, 1) for v in f.box],
                    "where": where(f.box, width, style), "pan": round(place.pan, 3), "tilt": round(place.tilt, 3),
                    "size": round(place.size, 4)})
    return sorted(out, key=lambda d: -d["size"])


def _looker(target: Target, models: Models) -> Callable[[np.ndarray], list[Found]]:
    """What looks for the target in one image, with only the models that needs (ModelError, OcrUnavailable:
    one it needs is missing)."""
    if target.kind is targets.Kind.THING:
        from assistant.vision.detectors import DETECTORS

        detectors = models.required_detector(targets.needs(target, DETECTORS))  # only the models it needs
        return lambda image: targets.find_things(target, detectors.by_source(image))
    if target.kind is targets.Kind.CODE:
        from assistant.vision.codes import CodeFinder

        codes = CodeFinder()
        return lambda image: targets.codes_found(codes.find(image))
    if target.kind is targets.Kind.PERSON:
        people = people_finder(models, lambda: 0.0, photos=True)
        return lambda image: [Found(target.name, score, box) for score, box in people.find(image, target.name)]
    reader = models.document_reader
    return lambda image: targets.text_found(target, reader.read(image).lines)


def _named(target: Target, name: str) -> str:
    """What one sighting is, as said: a thing with its article, a code by its kind, a person's name or the
    text read as they are."""
    if target.kind is targets.Kind.THING:
        return a_thing(name)
    if target.kind is targets.Kind.CODE:
        kind = name.removesuffix(" code")  # `targets.codes_found`: "QR code", "EAN_13 code"; "code" unread
        return (_("a code that could not be read") if name == "code" else _("QR code") if kind == "QR"
                else PRODUCT_TYPES.get(kind, kind.replace("_", " ")))
    return name


def _sentence(target: Target, found: list[dict[str, Any]]) -> str:
    """The found line: a sentence for each sighting, largest first (the numbers are `--json`'s)."""
    if not found:
        return sentence(_("No {name} found.").format(name=said_name(target)))
    return " ".join(sentence(sighting(_named(target, f["name"]), f["where"], f["pan"], f["tilt"], f["size"])) + "."
                    for f in found)


def cmd_find(args: argparse.Namespace, config: Config) -> int:
    from assistant.channels.find import looking_for
    from assistant.commands.files import ImageFiles
    from assistant.vision.manifest import ModelError
    from assistant.vision.ocr import OcrUnavailable

    models = Models(config, still=True)
    target = targets.resolve(args.name, models.people().gallery.names, vocabulary())
    if target is None:
        print(_(NOTHING_NAMED), file=sys.stderr)
        return 2
    # What is looked for, as the live assistant says it (the closest names when it is no name of a thing).
    print(plain(looking_for(target)), file=sys.stderr if args.json else sys.stdout, flush=True)
    try:
        look = _looker(target, models)
    except (ModelError, OcrUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    style = config.announce.positions
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        started = time.perf_counter()
        height, width = image.shape[:2]
        found = found_json(look(image), float(width), float(height), style)
        ms = (time.perf_counter() - started) * 1000
        if args.json:
            print(json_line({"file": str(path), "target": target.name, "found": found, "ms": round(ms, 1)}),
                  flush=True)
        else:
            said = _sentence(target, found)
            print(plain(f"{path}: {said}" if len(args.images) > 1 else said), flush=True)
    return images.status
