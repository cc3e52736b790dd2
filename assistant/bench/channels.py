"""`assistant bench channels`: each channel's time per frame on the demo clip's frames (what one step
costs, and what it costs at its own rate), and the live loop's CPU on the clip with every channel on
against the default mode, in one run."""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import numpy as np

from assistant.app import build_live, load_models
from assistant.bench.timing import table
from assistant.capture.sources import VideoFileSource
from assistant.channels.base import Lane
from assistant.config import Config
from assistant.demo import FPS, clip_path
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech
from assistant.speech.synth import PiperSynth

SKIPPED = {"document"}  # waits for more frames by design: timed by `assistant bench document`


def clip_frames(every: int = 5) -> list[np.ndarray]:
    source = VideoFileSource(clip_path())
    if not source.open():
        return []
    frames = []
    i = 0
    while True:
        frame = source.read()
        if frame is None:
            break
        if i % every == 0:
            frames.append(frame)
        i += 1
    source.close()
    return frames


def per_channel(config: Config, frames: list[np.ndarray]) -> list[list[str]]:
    speech = Speech(PiperSynth(config.speech.voice, config.vision.threads), RecordingSink())
    live = build_live(config, VideoFileSource(clip_path()), speech, models=load_models(config))
    channels = {name: c for name, c in live.channels.items() if name not in SKIPPED}
    times: dict[str, list[float]] = {name: [] for name in channels}
    for i, frame in enumerate(frames):  # each frame through every channel in turn, as the lanes do
        for name, channel in channels.items():
            work = getattr(channel, "tell", None) if name == "colour" else None
            # Each channel's clock goes on by its own step interval: a channel that runs a model only every
            # so many seconds (objects: CenterNet once a second) is timed as it costs at its rate.
            now = i / (channel.rate if channel.modes and channel.rate else FPS)
            started = time.perf_counter()
            work(frame) if work is not None else channel.step(frame, now)
            times[name].append((time.perf_counter() - started) * 1000)
    rows = []
    for name, channel in channels.items():
        ms = statistics.mean(times[name][1:] or times[name])
        rate = channel.rate if channel.modes else 0.0
        rows.append([name, channel.lane.value, ", ".join(sorted(m.value for m in channel.modes)) or "on request",
                     f"{ms:.1f}", f"{rate:g}" if rate else "-", f"{ms * rate / 10:.0f}" if rate else "-"])
    speech.close()
    return rows


def loop_cpu(config: Config, every_channel: bool) -> float:
    stop = threading.Event()
    speech = Speech(PiperSynth(config.speech.voice, config.vision.threads), RecordingSink())
    live = build_live(config, VideoFileSource(clip_path()), speech, fps=FPS, stop=stop)
    if every_channel:  # every channel steps, whatever the mode
        live.active = lambda lane: [c for c in live.channels.values()  # type: ignore[method-assign]
                                    if c.lane is lane and c.name not in SKIPPED]
    cpu0, wall0 = time.process_time(), time.monotonic()
    live.grabber.start()
    live.run(max_seconds=60)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    stop.set()
    speech.stop()
    speech.close()
    return 100 * cpu / wall


def run(args: argparse.Namespace, config: Config) -> int:
    if not clip_path().exists():
        print("The demo clip is not built: run `assistant models build`.")
        return 1
    frames = clip_frames()
    rows = per_channel(config, frames)
    print(f"Each channel on {len(frames)} frames of the demo clip (640 x 480), one thread, mean after the "
          "first, each at its own rate (guidance reuses the text channel's read of the same frame)")
    print(table(["channel", "lane", "modes", "ms per frame", "steps per s", "% of one core at that rate"], rows))
    print()
    default = loop_cpu(config, every_channel=False)
    every = loop_cpu(config, every_channel=True)
    print(f"Live loop on the demo clip, real time, neural voice, fake sound card; lanes: "
          f"{', '.join(lane.value for lane in Lane)}")
    print(table(["loop", "CPU, % of one core", "target"], [
        ["default mode (scene and text)", f"{default:.0f}", ""],
        ["every channel on (objects, scene, text, guidance, light, codes)", f"{every:.0f}", "<= 60"],
        ["every channel / default", f"{every / default:.2f}x", ""],
    ]))
    return 0
