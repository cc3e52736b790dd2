"""`assistant bench document`: document mode on a page held cut off at the left, then moved fully into view.
Measures the time from the moment the whole page is in view to the first word spoken (neural voice, fake
sound card), over several rounds."""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import cast

import cv2
import numpy as np

from assistant.app import Models, build_live, load_models
from assistant.bench.loop import TimedGrabber
from assistant.bench.ocrdata import on_table
from assistant.bench.timing import table
from assistant.capture.sources import FolderSource
from assistant.common import Kind, Mode
from assistant.config import Config
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech, Utterance
from assistant.speech.synth import PiperSynth
from assistant.vision.ocr import LineCache, RapidReader

CUT_FRAMES = 20  # two seconds of the page cut off at the left, then it is whole


def _page() -> np.ndarray:
    from skimage import data

    return cv2.cvtColor(np.asarray(data.page()), cv2.COLOR_GRAY2BGR)


def one_round(config: Config, synth: PiperSynth, models: Models, folder: Path) -> tuple[float, int]:
    stop = threading.Event()
    sink = RecordingSink()
    started: list[tuple[float, Utterance]] = []
    speech = Speech(synth, sink, on_start=lambda u: started.append((time.monotonic(), u)))
    reader = cast(RapidReader, models.reader)
    reader.cache = LineCache()  # each round starts with a fresh line cache
    document = replace(config, announce=replace(config.announce, mode=Mode.DOCUMENT.value))
    live = build_live(document, FolderSource(folder), speech, models=models, fps=10.0, stop=stop,
                      grabber_type=TimedGrabber)
    grabber = cast(TimedGrabber, live.grabber)
    grabber.start()
    live.run(max_seconds=12)
    deadline = time.monotonic() + 30  # until the page's first words are heard (the rest need not be)
    while time.monotonic() < deadline and speech.busy:
        first = next((t for t, u in started if u.kind is Kind.DOCUMENT), None)
        if first is not None and sink.first_sound_after(first) is not None:
            break
        time.sleep(0.02)
    speech.close()
    in_view = grabber.captured[CUT_FRAMES + 1]  # the first frame with the whole page in it
    said, text = next((t, u.text) for t, u in started if u.kind is Kind.DOCUMENT)
    sound = sink.first_sound_after(said)
    count = re.search(r"(\d+) lines? read", text)  # the first words said: "N lines read."
    return ((sound or said) - in_view) * 1000, int(count[1]) if count else 0


def run(args: argparse.Namespace, config: Config) -> int:
    rounds = args.frames or 3
    synth, models = PiperSynth(config.speech.voice, config.vision.threads), load_models(config)
    page = _page()
    times, lines = [], 0
    with tempfile.TemporaryDirectory(prefix="assistant-doc-") as tmp:
        folder = Path(tmp)
        for i in range(CUT_FRAMES):
            cv2.imwrite(str(folder / f"{i:03d}.png"), on_table(page, 0.8, dx=-250))
        for i in range(CUT_FRAMES, 60):
            cv2.imwrite(str(folder / f"{i:03d}.png"), on_table(page, 0.85))
        for _ in range(rounds):
            ms, lines = one_round(config, synth, models, folder)
            times.append(ms)
    print(f"Document mode: page moved fully into view, {rounds} rounds (10 fps, OCR ticks at "
          f"{config.vision.ocr_rate:g} per second, neural voice)")
    print(table(["measure", "value"], [
        ["page fully in view -> first word, median ms", f"{statistics.median(times):.0f}"],
        ["max ms", f"{max(times):.0f}"],
        ["lines read", str(lines)],
    ]))
    return 0
