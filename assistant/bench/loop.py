"""`assistant bench loop`: the live assistant on the demo clip, played at real time, with the neural voice
and a fake sound card (20 ms blocks). Measures, in one run: time from the first frame of a new object (or
page) to the first audible sample of what is said about it, time from a describe keypress to the first
audible sample, CPU use of the whole process, peak memory and frames dropped."""

from __future__ import annotations

import argparse
import resource
import statistics
import threading
import time
from typing import Any, cast

import numpy as np

from assistant.app import build_live, phrase_cache
from assistant.bench.timing import phrases_ready, table
from assistant.capture.sources import Grabber, VideoFileSource
from assistant.common import Kind
from assistant.config import Config
from assistant.demo import FPS, clip_path, scene_list
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech, Utterance
from assistant.speech.synth import PiperSynth

DESCRIBE_AT = (2.5, 6.5, 11.0, 15.5, 19.5, 23.5, 26.5)  # seconds into the clip: a describe keypress in each scene
# What is really in each scene of the demo clip: a name said while it is in view is right.
THINGS = {"chelsea": {"cat"}, "coffee": {"cup", "espresso"}, "page": set(),
          "motorcycle": {"moped", "motorcycle", "bottle"},  # a yellow bottle stands on the shelf behind it
          "astronaut": {"person"}, "table": {"cup", "table"}, "dark": set()}


class TimedGrabber(Grabber):
    """Remembers when each frame was captured, by frame number."""

    captured: dict[int, float]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.captured = {}

    def _put(self, frame: np.ndarray) -> None:
        super()._put(frame)
        self.captured[self.stats.grabbed] = time.monotonic()


def run(args: argparse.Namespace, config: Config) -> int:
    if not clip_path().exists():
        print("The demo clip is not built: run `assistant models build`.")
        return 1
    stop = threading.Event()
    sink = RecordingSink()
    started: list[tuple[float, Utterance]] = []
    ended: list[tuple[float, Utterance]] = []
    speech = Speech(PiperSynth(config.speech.voice, config.vision.threads), sink,
                    on_start=lambda u: started.append((time.monotonic(), u)),
                    on_end=lambda u, _done: ended.append((time.monotonic(), u)), phrases=phrase_cache(config))
    phrases_ready(speech)  # as `assistant run` speaks (app.open_speech)
    live = build_live(config, VideoFileSource(clip_path()), speech, fps=FPS, stop=stop, grabber_type=TimedGrabber)
    grabber = cast(TimedGrabber, live.grabber)
    presses: list[float] = []

    def press_keys() -> None:
        t0 = time.monotonic()
        for at in DESCRIBE_AT:
            if stop.wait(max(0.0, t0 + at - time.monotonic())):
                return
            presses.append(time.monotonic())
            live.command(" ")

    cpu0, wall0 = time.process_time(), time.monotonic()
    grabber.start()
    threading.Thread(target=press_keys, daemon=True).start()
    live.run(max_seconds=60)
    speech.wait_idle(20)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    speech.close()

    rows: list[list[str]] = []
    to_audio: list[float] = []
    text_ms: list[float] = []
    words_ms: dict[bool, list[float]] = {False: [], True: []}  # the first word (after any tone): things, text
    for scene in scene_list():
        first_frame = grabber.captured.get(int(round(scene["start"] * FPS)) + 1)
        expect = scene["expect"]
        tag = "text" if expect == "text" else f"label:{expect}"
        said = next(((t, u) for t, u in started if u.tag == tag and first_frame is not None and t >= first_frame),
                    None)
        sound = sink.first_sound_after(said[0]) if said else None
        if first_frame is None or sound is None:
            answers = [u.text for t, u in started if u.kind is Kind.DESCRIBE
                       and scene["start"] <= t - wall0 < scene["start"] + scene["seconds"]]
            heard = next((a for a in answers if expect in a.lower()), None)
            rows.append([scene["name"], expect, "not announced", f"describe said: {heard}" if heard else ""])
            continue
        ms = (sound - first_frame) * 1000
        (text_ms if expect == "text" else to_audio).append(ms)
        words = sink.first_words_after(said[0], said[1].toned) if said else None
        if words is not None:
            words_ms[expect == "text"].append((words - first_frame) * 1000)
        rows.append([scene["name"], expect, f"{ms:.0f}", said[1].text.splitlines()[0] if said else ""])
    describe_ms = []
    for pressed in presses:
        answer = next((t for t, u in started if u.kind is Kind.DESCRIBE and t >= pressed), None)
        sound = sink.first_sound_after(answer) if answer is not None else None
        if sound is not None:
            describe_ms.append((sound - pressed) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    late, precision = truthfulness(scene_list(), grabber.captured, started, ended)
    s = speech.stats
    print(f"Live loop on the demo clip ({wall:.1f} s, real time, mode {live.mode.value}, neural voice, "
          "fake sound card)")
    print(table(["scene", "expected", "first frame -> first audio ms", "said"], rows))
    print()
    summary = [
        ["new object -> first audio, median ms", f"{statistics.median(to_audio):.0f}" if to_audio else "-",
         "<= 800"],
        ["new page of text -> first audio, ms", f"{statistics.median(text_ms):.0f}" if text_ms else "-", ""],
        ["new object -> first word, median ms", f"{statistics.median(words_ms[False]):.0f}" if words_ms[False]
         else "-", ""],
        ["new page of text -> first word, ms", f"{statistics.median(words_ms[True]):.0f}" if words_ms[True] else "-",
         "<= 600"],
        ["describe key -> first audio, median ms", f"{statistics.median(describe_ms):.0f}" if describe_ms else "-",
         "<= 400"],
        ["CPU, % of one core", f"{100 * cpu / wall:.0f}", "<= 60"],
        ["peak memory, MB", f"{peak_mb:.0f}", "<= 600"],
        ["frames grabbed / dropped", f"{grabber.stats.grabbed} / {grabber.stats.dropped}", ""],
        ["frames classified", f"{live.classified}", ""],
        ["thing left view -> last word about it, max ms", f"{late * 1000:.0f}" if late is not None else "-",
         "<= 1500"],
        ["utterances dropped: gone from view / cut short / stale / cut off",
         f"{s.dropped_gone} / {s.cut_short_gone} / {s.dropped_stale} / {s.dropped_cut}", ""],
        ["announcements right (what was said was in view)", f"{precision:.0%}" if precision is not None else "-",
         ""],
    ]
    print(table(["measure", "ours", "target"], summary))
    return 0


def truthfulness(scenes: list[dict[str, Any]], captured: dict[int, float], started: list[tuple[float, Utterance]],
                 ended: list[tuple[float, Utterance]]) -> tuple[float | None, float | None]:
    """The largest delay from a thing leaving the view to the end of the last word about it, and the share
    of announcements (labels) whose thing was in view when they were said."""
    spans = []
    for scene in scenes:
        first = captured.get(int(round(scene["start"] * FPS)) + 1)
        last = captured.get(int(round((scene["start"] + scene["seconds"]) * FPS)) + 1)
        if first is not None:
            spans.append((first, last if last is not None else float("inf"), THINGS.get(scene["name"], set())))
    late: float | None = None
    for t_end, item in ended:
        if item.kind is not Kind.LABEL:
            continue
        shown = [(a, b) for a, b, things in spans if item.subject in things and a <= t_end]
        if shown:
            late = max(late or 0.0, t_end - shown[-1][1])
    said = [(t, u) for t, u in started if u.kind is Kind.LABEL]
    right = sum(any(a <= t < b and u.subject in things for a, b, things in spans) for t, u in said)
    return late, (right / len(said) if said else None)
