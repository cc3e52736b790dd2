"""CLI handlers for the vision side: `classify` and `read`."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.app import Models, open_speech, open_voices
from assistant.commands.files import ImageFiles
from assistant.common import Kind, Priority
from assistant.config import Config
from assistant.i18n import _, n_
from assistant.textout import json_line, plain, printable
from assistant.vision.manifest import ModelError

if TYPE_CHECKING:
    from assistant.speech.queue import Speech
    from assistant.vision.classifier import Label

log = logging.getLogger(__name__)


def cmd_classify(args: argparse.Namespace, config: Config) -> int:
    try:
        classifier = Models(config).classifier
    except ModelError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    twice = {name for name, n in Counter(c.imagenet_name for c in classifier.labels).items() if n > 1}
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        result = classifier(image, args.top)
        if args.json:
            labels = [{"index": lb.index, "name": lb.name, "imagenet_name": lb.imagenet_name,
                       "score": round(lb.score, 5)} for lb in result.labels]
            print(json_line({"file": str(path), "labels": labels, "ms": round(result.ms, 2)}), flush=True)
        else:
            best = ", ".join(f"{own_name(lb, twice)} {lb.score:.0%}" for lb in result.labels)
            print(plain(f"{path}: {best}"), flush=True)
    return images.status


def own_name(label: Label, twice: set[str]) -> str:
    """A class by its own name, not the name it is said by (that is shared: "dog" for 118 breeds, "cat" for
    five); ImageNet gives two classes each of two names ("crane": the bird and the machine; "maillot"),
    and those come with their index."""
    name = label.imagenet_name
    return _("{name} (class {index})").format(name=name, index=label.index) if name in twice else name


def cmd_read(args: argparse.Namespace, config: Config) -> int:
    from assistant.commands.files import output_problem
    from assistant.vision.ocr import OcrUnavailable

    models = Models(config, still=True)
    try:
        models.document_reader  # noqa: B018 - loaded now, so that no OCR is said before any image is read
    except OcrUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    problem = output_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    speech = open_speech(config, args.wav) if args.wav else None
    written = True
    try:
        status = _read(args, config, models, speech)
    finally:
        if speech is not None:
            written = _finish(speech, args.wav)
    return status if written else 1


def _finish(speech: Speech, wav: Path) -> bool:
    """All that was queued said into the WAV file, and the file closed; False (said on stderr) when it could
    not be written whole (a full disk)."""
    speech.wait_idle(600)
    try:
        speech.close()
    except OSError as exc:
        print(plain(_("{file} could not be written whole ({reason}).").format(file=wav, reason=exc.strerror or exc)),
              file=sys.stderr)
        return False
    return True


def _read(args: argparse.Namespace, config: Config, models: Models, speech: Speech | None) -> int:
    """Each image's text printed (or as JSON), and said into the WAV file when there is `speech`: the text
    in its own language, as `say` says it; the assistant's own words in the user's."""
    reader, orientation = models.document_reader, models.orientation if args.document else None
    voices = open_voices(config, load=False)[0] if args.json else None  # each line's language, for --json
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        if args.document:
            from assistant.vision.document import read_document

            document = read_document(image, reader, orientation)
            result = document.text
        else:
            result = reader.read(image)
        if args.json:
            assert voices is not None
            languages = voices.languages_of([line.text for line in result.lines])  # the page, as one block
            lines = [{"text": line.text, "score": round(line.score, 4), "box": [[int(x), int(y)] for x, y in line.box],
                      "language": code} for line, code in zip(result.lines, languages)]
            print(json_line({"file": str(path), "text": result.text, "language": main_language(lines, voices.user),
                             "lines": lines, "ms": round(result.ms, 1)}), flush=True)
        else:
            if len(args.images) > 1:
                print(plain(f"{path}:"), flush=True)
            print(printable(result.text) or _("No text found."), flush=True)
            if args.document and result.text:
                count = len(result.spoken_lines)
                print(n_("{n} line read.", "{n} lines read.", count).format(n=count), flush=True)
        if speech is not None:  # NEXT: a long page is never dropped as stale, and each image comes in turn
            if result.text:
                speech.say(result.text, Priority.NEXT, Kind.TEXT)
            else:
                speech.say(_("No text found."), Priority.NEXT, Kind.SPEECH)
    return images.status


def main_language(lines: list[dict[str, Any]], default: str) -> str:
    """The language most of the text is in (by characters); `default` (the user's) when there is none."""
    count: dict[str, int] = {}
    for line in lines:
        count[line["language"]] = count.get(line["language"], 0) + len(line["text"])
    return max(count, key=lambda code: count[code]) if count else default


def cmd_detect(args: argparse.Namespace, config: Config) -> int:
    from assistant.channels.objects import describe_objects, objects_json
    from assistant.vision.people import name_found

    models = Models(config, still=True)
    try:
        detector = models.required_detector()
    except ModelError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    style = config.announce.positions
    people = models.people()
    if people.problem:  # nobody is named: said why, once
        log.warning("%s", people.problem)
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        started = time.perf_counter()
        found = name_found(image, *detector.look(image), people)
        ms = (time.perf_counter() - started) * 1000
        width = float(image.shape[1])
        if args.json:
            print(json_line({"file": str(path), "objects": objects_json(found, width, style), "ms": round(ms, 1)}),
                  flush=True)
        else:
            said = describe_objects(found, width, style) or _("No people or things I know.")
            print(plain(f"{path}: {said}" if len(args.images) > 1 else said), flush=True)
    return images.status


def cmd_colour(args: argparse.Namespace, config: Config) -> int:
    from assistant.vision.colour import colour_words, dominant

    images = ImageFiles(args.images, args.json)
    for path, image in images:
        started = time.perf_counter()
        colours = dominant(image)
        ms = (time.perf_counter() - started) * 1000
        if args.json:
            print(json_line({"file": str(path), "colours": [{"name": c.name, "share": c.share} for c in colours],
                             "ms": round(ms, 1)}), flush=True)
        else:
            said = colour_words(colours)
            print(plain(f"{path}: {said}" if len(args.images) > 1 else said), flush=True)
    return images.status


def cmd_codes(args: argparse.Namespace, config: Config) -> int:
    from assistant.announce.codewords import UNREADABLE, code_words, load_names
    from assistant.paths import data_home
    from assistant.vision.codes import CodeFinder

    finder, names = CodeFinder(), load_names(data_home() / "codes.csv")
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        started = time.perf_counter()
        seen = finder.find(image)
        codes = seen.codes
        ms = (time.perf_counter() - started) * 1000
        if args.json:
            print(json_line({"file": str(path), "codes": [
                {"type": c.type, "data": c.data, "spoken": code_words(c.type, c.data, names), "box": list(c.box)}
                for c in codes], "ms": round(ms, 1)}), flush=True)
        else:
            # A code seen but not read is a code, as `find code` says: not "No code found."
            said = " ".join(code_words(c.type, c.data, names) for c in codes) or (
                _(UNREADABLE) if seen.unread else _("No code found."))
            print(plain(f"{path}: {said}" if len(args.images) > 1 else said), flush=True)
    return images.status
