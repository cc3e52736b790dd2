"""`assistant bench soak`: the live loop for a long while (600 s unless `--frames SECONDS`) on receipts held
in front of the camera one after another, at real time, neural voice, fake sound card; resident memory
sampled every few seconds. Shows whether memory settles or grows."""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import numpy as np

from assistant.app import build_live
from assistant.bench.ocrdata import camera_frames, held_still
from assistant.bench.timing import table
from assistant.config import Config
from assistant.paths import dev_data_dir
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech
from assistant.speech.synth import PiperSynth

FPS = 10.0
HOLD_FRAMES = 40  # four seconds on each receipt


def rss_mb() -> float:
    """This process's resident memory now."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class LoopingFrames:
    """A camera held over each scene in turn for `hold` frames, for ever, with a pixel or two of shake and
    sensor noise made fresh for every frame (the hardware edge, faked; it holds only the scenes)."""

    name = "receipts"
    paced = True
    finished = False

    def __init__(self, scenes: list[np.ndarray], hold: int) -> None:
        self.scenes, self.hold, self.position = scenes, hold, 0

    def open(self) -> bool:
        return bool(self.scenes)

    def read(self) -> np.ndarray:
        scene = self.scenes[(self.position // self.hold) % len(self.scenes)]
        frame = held_still(scene, 2, seed=self.position)[1]
        self.position += 1
        return frame

    def close(self) -> None:
        return None


def run(args: argparse.Namespace, config: Config) -> int:
    seconds = float(args.frames or 600)
    ocr_dir = dev_data_dir() / "ocr-dev"
    if not (ocr_dir / "gt.jsonl").exists():
        print(f"The OCR dev set is not at {ocr_dir}; this benchmark needs it.")
        return 1
    scenes = camera_frames(Path(ocr_dir), 12)
    stop = threading.Event()
    speech = Speech(PiperSynth(config.speech.voice, config.vision.threads), RecordingSink())
    live = build_live(config, LoopingFrames(scenes, HOLD_FRAMES), speech, fps=FPS, stop=stop)
    samples: list[tuple[float, float]] = []
    started = time.monotonic()

    def sample() -> None:
        while not stop.wait(5.0):
            samples.append((time.monotonic() - started, rss_mb()))

    live.grabber.start()
    threading.Thread(target=sample, daemon=True).start()
    live.run(max_seconds=seconds)
    speech.close()
    samples.append((time.monotonic() - started, rss_mb()))
    first_minute = [mb for t, mb in samples if t <= 60] or [samples[0][1]]
    last_minute = [mb for t, mb in samples if t >= samples[-1][0] - 60]
    peak = max(mb for _, mb in samples)
    print(f"Soak: live loop on {len(scenes)} receipts in turn for {seconds:.0f} s (real time, "
          f"mode {live.mode.value}, neural voice, fake sound card); resident memory every 5 s")
    print(table(["measure", "value", "target"], [
        ["resident MB, first minute (max)", f"{max(first_minute):.0f}", ""],
        ["resident MB, last minute (max)", f"{max(last_minute):.0f}", ""],
        ["resident MB, peak", f"{peak:.0f}", "<= 600"],
        ["frames grabbed / classified", f"{live.grabber.stats.grabbed} / {live.classified}", ""],
        ["text reads", str(live.ticks["text"]), ""],
        ["utterances spoken", str(speech.stats.spoken), ""],
    ]))
    return 0
