"""`assistant bench people`: the live loop with the detector on, on a clip in which people come and go (COCO
dev photos with a large person, each held 3 s, between photos with nobody, 2 s), at real time, neural voice,
fake sound card. Measures the time from a person's first frame to the first audible sample of what is said
about them, CPU use and peak memory."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import cast

import cv2

from assistant.app import build_live, phrase_cache
from assistant.bench.loop import TimedGrabber
from assistant.bench.timing import phrases_ready, table
from assistant.build.demo import SIZE
from assistant.capture.images import read_image
from assistant.capture.sources import FolderSource
from assistant.common import Kind
from assistant.config import Config
from assistant.paths import dev_data_dir
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech, Utterance
from assistant.speech.synth import PiperSynth

FPS, PERSON_FRAMES, EMPTY_FRAMES = 10.0, 30, 30


def photos(folder: Path, count: int) -> tuple[list[Path], list[Path]]:
    """Photos with a person filling at least a tenth of the picture, and photos with nobody."""
    rows = [json.loads(line) for line in open(folder / "gt.jsonl", encoding="utf-8")]
    big = [r for r in rows if any(o["name"] == "person" and (o["box"][2] - o["box"][0]) * (o["box"][3] - o["box"][1])
                                  >= 0.1 * r["width"] * r["height"] for o in r["objects"])]
    nobody = [r for r in rows if not any(o["name"] == "person" for o in r["objects"])]
    return [folder / r["file"] for r in big[:count]], [folder / r["file"] for r in nobody[:count]]


def run(args: argparse.Namespace, config: Config) -> int:
    folder = dev_data_dir() / "coco-dev"
    if not (folder / "gt.jsonl").exists():
        print(f"The COCO dev set is not at {folder}; this benchmark needs it.")
        return 1
    people, nobody = photos(folder, args.frames or 8)
    stop = threading.Event()
    sink = RecordingSink()
    started: list[tuple[float, Utterance]] = []
    speech = Speech(PiperSynth(config.speech.voice, config.vision.threads), sink,
                    on_start=lambda u: started.append((time.monotonic(), u)), phrases=phrase_cache(config))
    phrases_ready(speech)  # as `assistant run` speaks (app.open_speech)
    arrivals: list[int] = []  # frame numbers (1-based) where a person comes into view
    with tempfile.TemporaryDirectory(prefix="assistant-people-") as tmp:
        index = 0
        for person, empty in zip(people, nobody):
            for path, frames in ((empty, EMPTY_FRAMES), (person, PERSON_FRAMES)):
                image = cv2.resize(read_image(path), SIZE, interpolation=cv2.INTER_AREA)
                if path == person:
                    arrivals.append(index + 1)
                for _ in range(frames):
                    cv2.imwrite(str(Path(tmp) / f"{index:05d}.jpg"), image)
                    index += 1
        live = build_live(config, FolderSource(Path(tmp)), speech, fps=FPS, stop=stop, grabber_type=TimedGrabber)
        cpu0, wall0 = time.process_time(), time.monotonic()
        live.grabber.start()
        live.run(max_seconds=600)
        speech.wait_idle(20)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        speech.close()
    delays, missed, rows = [], 0, []
    for photo, first in zip(people, arrivals):
        shown = cast(TimedGrabber, live.grabber).captured.get(first)
        end = shown + PERSON_FRAMES / FPS if shown is not None else None
        said = next((t for t, u in started if u.kind is Kind.LABEL and u.subject == "person"
                     and shown is not None and shown <= t <= end), None)  # type: ignore[operator]
        sound = sink.first_sound_after(said) if said is not None else None
        heard = [u.text for t, u in started if shown is not None and shown <= t <= end]  # type: ignore[operator]
        if shown is None or sound is None:
            missed += 1
            rows.append([photo.name, "not announced", " / ".join(heard)[:70]])
            continue
        delays.append((sound - shown) * 1000)
        rows.append([photo.name, f"{delays[-1]:.0f}", " / ".join(heard)[:70]])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Live loop with the detector: {len(arrivals)} people come and go ({wall:.0f} s, real time, mode "
          f"{live.mode.value}, neural voice, fake sound card)")
    print(table(["photo", "first frame -> first audio ms", "said while in view"], rows))
    print()
    print(table(["measure", "ours", "target"], [
        ["person comes into view -> first audio, median ms", f"{statistics.median(delays):.0f}" if delays else "-",
         "<= 1000"],
        ["max ms", f"{max(delays):.0f}" if delays else "-", ""],
        ["people not announced while in view", str(missed), ""],
        ["CPU, % of one core", f"{100 * cpu / wall:.0f}", "<= 60"],
        ["peak memory, MB", f"{peak_mb:.0f}", "<= 600"],
        ["frames classified / detected", f"{live.classified} / {live.ticks['objects']}", ""],
    ]))
    return 0
