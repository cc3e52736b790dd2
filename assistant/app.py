"""Wiring: capture -> vision -> announce -> speech. The only module that knows them all.

`run` (a camera), `demo` (the built-in clip) and `describe` (still images) are built here.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import select
import sys
import threading
import time
from typing import Any

from assistant.config import Config

log = logging.getLogger(__name__)


class Preview:
    """An optional window showing the camera; the same keys work in it. Off, with one log line, without a display."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        # OpenCV's Qt window aborts the whole process without a display: check first.
        self.on = sys.platform != "linux" or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if not self.on:
            log.warning("No display for the preview window; it stays off.")

    def __call__(self, frame: Any) -> None:
        if not self.on:
            return
        import cv2

        try:
            cv2.imshow("assistant", frame)
            key = cv2.waitKey(1) & 0xFF
        except cv2.error as exc:
            log.warning("No display for the preview window; it stays off (%s).", str(exc).splitlines()[0])
            self.on = False
            return
        if key != 0xFF:
            self.handle(chr(key))


class KeyReader:
    """Keys from a terminal in cbreak mode, or commands one per line when stdin is not a terminal."""

    def __init__(self, handle: Any, stop: threading.Event, stream: Any = None) -> None:
        self.handle, self.stop = handle, stop
        self.stream = stream if stream is not None else sys.stdin
        self.thread = threading.Thread(target=self._run, name="keys", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        try:
            if self.stream.isatty():
                self._raw()
            else:
                for line in self.stream:
                    if self.stop.is_set():
                        return
                    key = line.rstrip("\n")
                    self.handle(key if key.strip() else " ")
        except (OSError, ValueError) as exc:  # stdin closed or not readable: keys are off, the loop goes on
            log.info("Keys unavailable: %s", exc)

    def _raw(self) -> None:
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            while not self.stop.is_set():
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready:
                    key = os.read(fd, 1).decode(errors="ignore")
                    if key:
                        self.handle(key)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _speech(config: Config, args: argparse.Namespace, transcript: Any) -> Any:
    from assistant.speech.commands import open_speech, print_utterance

    speech = open_speech(config, getattr(args, "wav", None))

    def started(item: Any) -> None:
        print_utterance(item)
        transcript.write(item)

    speech.on_start = started
    return speech


def _live(args: argparse.Namespace, config: Config, source_spec: str, fps: float) -> int:
    from assistant.capture.sources import Grabber, open_source
    from assistant.live import LiveAssistant, Transcript, stats_line
    from assistant.vision.classifier import Classifier
    from assistant.vision.commands import make_reader
    from assistant.vision.manifest import ModelError
    from assistant.vision.ocr import OcrUnavailable

    stop = threading.Event()
    transcript = Transcript(getattr(args, "transcript", None))
    speech = _speech(config, args, transcript)
    try:
        try:
            classifier = Classifier(config.vision.model, config.vision.threads)
            reader = make_reader(config, reuse=True)
        except (ModelError, OcrUnavailable) as exc:
            speech.say(str(exc))
            speech.wait_idle(20)
            return 1
        source = open_source(source_spec, config.camera.width, config.camera.height)
        grabber = Grabber(source, fps, stop, reopen_seconds=config.camera.reopen_seconds)
        live = LiveAssistant(config, grabber, speech, classifier, reader, stop)
        grabber.on_event = live.on_grabber_event
        live.document.save_dir = getattr(args, "save_dir", None)
        if getattr(args, "preview", False):
            live.preview = Preview(live.command)
        if not grabber.start():
            speech.say(f"Could not open {source.name}. Check the camera, or pass --camera with a video file.")
            speech.wait_idle(20)
            return 1
        speech.say(f"Ready. {live.mode.capitalize() if live.mode != 'both' else 'Scene and text'} mode. "
                   "Press H for the keys.")
        KeyReader(live.command, stop).start()
        code = live.run(getattr(args, "max_seconds", None))
        if not live.interrupted:
            speech.wait_idle(timeout=15)  # let the last words of a clip be heard
        log.info("Stats: %s", json.dumps(stats_line(live)))
        return code
    except KeyboardInterrupt:
        stop.set()
        return 130
    finally:
        stop.set()
        speech.stop()
        speech.close()
        transcript.close()


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from assistant.capture.camera import camera_opens

    source = config.camera.source
    if source.isdigit() and getattr(args, "demo_if_no_camera", False) and not camera_opens(source):
        print(f"No camera could be opened (camera {source}), so the demo runs instead.", flush=True)
        return cmd_demo(args, config)
    return _live(args, config, source, config.camera.fps)


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from assistant import demo

    clip = demo.clip_path()
    if not clip.exists():
        print("The demo clip is not built yet: run `assistant models build` (or `make run`).", file=sys.stderr)
        return 1
    return _live(args, config, str(clip), demo.FPS)


def cmd_describe(args: argparse.Namespace, config: Config) -> int:
    from assistant.announce.announcer import ranked_by_name
    from assistant.live import describe_sentence
    from assistant.vision import scene
    from assistant.vision.classifier import Classifier
    from assistant.vision.commands import ImageFiles, make_reader
    from assistant.vision.manifest import ModelError

    try:
        classifier = Classifier(config.vision.model, config.vision.threads)
        reader = make_reader(config, max(config.vision.ocr_max_side, 1600))
    except ModelError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    speech = None
    if args.wav:
        from assistant.speech.commands import open_speech

        speech = open_speech(config, args.wav)
        speech.on_start = None
    a = config.announce
    images = ImageFiles(args.images, args.json)
    for path, image in images:
        started = time.perf_counter()
        labels = ranked_by_name((lb.name, lb.score) for lb in classifier.classify(image, 10))
        text = reader.read(image)
        measures = scene.measure(image)
        sentence = describe_sentence(labels, text.spoken_lines, measures, a.enter_score, a.sure_score)
        if args.json:
            print(json.dumps({"file": str(path), "description": sentence,
                              "labels": [{"name": n, "score": round(s, 4)} for n, s in labels[:5]],
                              "text": text.text, "brightness": round(measures.brightness, 1),
                              "ms": round((time.perf_counter() - started) * 1000, 1)}, ensure_ascii=False), flush=True)
        else:
            print(f"{path}: {sentence}" if len(args.images) > 1 else sentence, flush=True)
        if speech is not None:
            speech.say(sentence)
    if speech is not None:
        speech.wait_idle(120)
        speech.close()
    return images.status

