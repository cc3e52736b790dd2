"""CLI handlers for the live assistant and still images: `run`, `demo` and `describe`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from assistant import app, exits
from assistant.common import Kind, Priority
from assistant.config import Config
from assistant.i18n import _
from assistant.textout import json_line, plain

if TYPE_CHECKING:
    from assistant.live import LiveAssistant

log = logging.getLogger(__name__)


def _live(args: argparse.Namespace, config: Config, source_spec: str, fps: float) -> int:
    from assistant.capture.sources import open_failure, open_source
    from assistant.commands.files import output_problem
    from assistant.keys import KeyReader
    from assistant.transcript import Transcript, print_utterance
    from assistant.vision.manifest import ModelError
    from assistant.vision.ocr import OcrUnavailable

    problem = output_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    stop = threading.Event()
    transcript = Transcript(getattr(args, "transcript", None), append=getattr(args, "append", False))

    def started(item: Any) -> None:
        try:
            print_utterance(item)
        except BrokenPipeError:  # the reader of what is said has gone: end quietly (see `exits`)
            exits.close_stdout()
            stop.set()
        transcript.write(item)

    speech = app.open_speech(config, getattr(args, "wav", None), on_start=started,
                             realtime=getattr(args, "wav_realtime", None), phrases=True)
    live: LiveAssistant | None = None
    try:
        try:
            models = app.load_models(config)
        except (ModelError, OcrUnavailable) as exc:
            speech.say(str(exc))
            speech.wait_idle(20)
            return 1
        source = open_source(source_spec, config.camera.width, config.camera.height)
        live = app.build_live(config, source, speech, models=models, fps=fps, stop=stop,
                              save_dir=getattr(args, "save_dir", None), preview=getattr(args, "preview", False))
        if not live.grabber.start():
            speech.say(open_failure(source))
            speech.wait_idle(20)
            return 1
        speech.say(" ".join([_("Ready."), live.mode.words, _("Press H for the keys.")]))
        if getattr(args, "find", None):
            live.command(f"locate {args.find}")  # as `locate NAME` on stdin
        with KeyReader(live.command, stop):  # the terminal is put back on every way out of this block
            code = live.run(getattr(args, "max_seconds", None))
            if live.ctrl_c:
                speech.say(_("Goodbye."), Priority.NOW, Kind.CONTROL)
            # The last words of a clip, or "Goodbye.", are heard before the program ends.
            speech.wait_idle(timeout=3 if live.interrupted else 15)
        log.info("Stats: %s", json.dumps(live.stats()))
        return int(code)
    except KeyboardInterrupt:
        stop.set()
        return 130
    finally:
        stop.set()
        if live is not None:  # whatever ended it: the camera's thread is not left reading while Python exits
            live.grabber.join(timeout=1.0)
        speech.stop()
        try:
            speech.close()
        except OSError as exc:  # the recording could not be written whole (a full disk): said, not a traceback
            where = getattr(args, "wav", None) or getattr(args, "wav_realtime", None)
            print(plain(_("{path} could not be written whole ({reason}).").format(path=where,
                                                                                  reason=exc.strerror or exc)),
                  file=sys.stderr)
        transcript.close()


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from assistant.capture.camera import camera_opens

    source = config.camera.source
    if source.isdigit() and getattr(args, "demo_if_no_camera", False) and not camera_opens(source):
        print(_("No camera could be opened (camera {source}), so the demo runs instead.").format(source=source),
              flush=True)
        return cmd_demo(args, config)
    return _live(args, config, source, config.camera.fps)


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from assistant import demo

    if getattr(args, "source", None) is not None and not getattr(args, "demo_if_no_camera", False):
        print(plain(_("The demo plays its own clip: to use {source}, run `assistant run --camera {source}`.").format(
            source=args.source)), file=sys.stderr)
        return 2
    clip = demo.clip_path()
    if not clip.exists():
        print(_("The demo clip is not built yet: run `assistant models build` (or `make run`)."), file=sys.stderr)
        return 1
    return _live(args, config, str(clip), getattr(args, "fps", None) or demo.FPS)


def cmd_describe(args: argparse.Namespace, config: Config) -> int:
    """The describe answer for still images, made by the channels that make the live one (`app.Still`);
    with `--json`, also the classifier's calibrated labels as it gives them (whatever the sentence says of
    them: the detector may name the same thing) and the people and things named."""
    from assistant.announce.phrasing import said_labels
    from assistant.channels.objects import objects_json
    from assistant.commands.files import ImageFiles, output_problem
    from assistant.vision.manifest import ModelError
    from assistant.vision.ocr import OcrUnavailable

    try:
        still = app.Still(config)
        still.models.classifier  # noqa: B018 - a missing model is said before any image is looked at
        still.models.document_reader  # noqa: B018
    except (ModelError, OcrUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    problem = output_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    speech = app.open_speech(config, args.wav) if args.wav else None
    a = config.announce
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        started = time.perf_counter()
        described = still.describe(image)
        if args.json:
            width = float(image.shape[1])
            labels = said_labels(described.labels, a.enter_score)  # `sure`: said plainly, were it said
            print(json_line({"file": str(path), "text": described.text,
                             "labels": [{"name": d.name, "score": round(d.score, 4), "sure": d.score >= a.sure_score}
                                        for d in labels],
                             "objects": objects_json(list(described.objects), width, a.positions),
                             "ms": round((time.perf_counter() - started) * 1000, 1)}), flush=True)
        else:
            print(plain(f"{path}: {described.text}" if len(args.images) > 1 else described.text), flush=True)
        if speech is not None:
            speech.say(described.text)
    if speech is not None:
        speech.wait_idle(120)
        speech.close()
    return images.status
