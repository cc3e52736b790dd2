"""`assistant bench first-words IMAGE... [--json]`: how soon a new thing is heard. Each photo comes into view
after two seconds of an empty grey view and stays three seconds, at 10 frames a second, through the live
loop in real time (default mode, the neural voice, a fake sound card); for each, the time from its first
frame to the first sound (the tone of a new thing, or words) and to the first word. The same photos are then
shown again with the phrase cache and the first tone off (the baseline), side by side, as a ratio.

With `--json` the last line is `{"photos": N, "first_sound_ms": {"median", "max"}, "first_word_ms":
{"median", "max"}, "missed": K}` for ours (missed: nothing said while the photo was in view).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import cv2
import numpy as np

from assistant.app import Models, build_live, load_models, phrase_cache
from assistant.bench.loop import TimedGrabber
from assistant.bench.timing import phrases_ready, table
from assistant.build.demo import SIZE
from assistant.capture.images import ImageError, read_image
from assistant.common import Kind
from assistant.config import Config
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech, SpeechStats, Utterance
from assistant.speech.synth import PiperSynth
from assistant.textout import json_line

FPS, EMPTY_SECONDS, SHOWN_SECONDS = 10.0, 2.0, 3.0
GREY = 128  # the empty view between photos: nothing in it to say
ABOUT_VIEW = frozenset({Kind.LABEL, Kind.TEXT})  # what is said about something that came into view


class Slideshow:
    """A fake camera: each photo after `EMPTY_SECONDS` of the grey view, for `SHOWN_SECONDS`, at `FPS`; then
    a last grey stretch (what is said late is still heard). Thread contract: that of `FrameSource`."""

    name = "slideshow"
    paced = True

    def __init__(self, photos: list[np.ndarray]) -> None:
        grey = np.full((SIZE[1], SIZE[0], 3), GREY, dtype=np.uint8)
        empty, shown = int(EMPTY_SECONDS * FPS), int(SHOWN_SECONDS * FPS)
        self.plan: list[np.ndarray] = []
        self.arrivals: list[int] = []  # the frame number (1-based, as the grabber counts) of each photo's first
        for photo in photos:
            self.plan += [grey] * empty
            self.arrivals.append(len(self.plan) + 1)
            self.plan += [photo] * shown
        self.plan += [grey] * empty
        self.position = 0

    def open(self) -> bool:
        return bool(self.plan)

    def read(self) -> np.ndarray | None:
        if self.position >= len(self.plan):
            return None
        self.position += 1
        return self.plan[self.position - 1]

    @property
    def finished(self) -> bool:
        return self.position >= len(self.plan)

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class Heard:
    """One photo: ms from its first frame to the first sound and to the first word (None: nothing said
    while it was in view), and what was said."""

    photo: str
    first_sound: float | None
    first_word: float | None
    said: str


def first_heard(shown: float, started: list[tuple[float, Utterance]], sink: RecordingSink) -> tuple[
        float | None, float | None, str]:
    """Seconds from `shown` to the first sound and to the first word said about the view while the photo
    was in it, and the words. A tone played before the words (the queue marks it on the utterance) is the
    first sound; the words are the first sound after it."""
    end = shown + SHOWN_SECONDS
    said = next(((t, u) for t, u in started if u.kind in ABOUT_VIEW and shown <= t < end), None)
    if said is None:
        return None, None, ""
    at, item = said
    sound, word = sink.first_sound_after(at), sink.first_words_after(at, item.toned)
    if sound is None:
        return None, None, item.text
    return sound - shown, (word - shown) if word is not None else None, item.text


@dataclass(frozen=True)
class Run:
    """One real-time run: what was heard of each photo, what speech dropped, and the CPU used (% of one core)."""

    heard: list[Heard]
    stats: SpeechStats
    cpu: float


def show(config: Config, models: Models, synth: PiperSynth, photos: list[np.ndarray], names: list[str],
         ours: bool) -> Run:
    """One real-time run of the live loop over the photos: ours (the phrase cache and the first tone), or the
    baseline (neither)."""
    config = replace(config, speech=replace(config.speech, earcons=ours))
    stop = threading.Event()
    sink = RecordingSink()
    started: list[tuple[float, Utterance]] = []
    speech = Speech(synth, sink, config.speech.rate, on_start=lambda u: started.append((time.monotonic(), u)),
                    phrases=phrase_cache(config) if ours else None)
    if ours:
        phrases_ready(speech)
    source = Slideshow(photos)
    live = build_live(config, source, speech, models=models, fps=FPS, stop=stop, grabber_type=TimedGrabber)
    cpu0, wall0 = time.process_time(), time.monotonic()
    live.grabber.start()
    live.run(max_seconds=len(source.plan) / FPS + 30)
    speech.wait_idle(20)
    cpu = 100 * (time.process_time() - cpu0) / (time.monotonic() - wall0)
    speech.close()
    captured = cast(TimedGrabber, live.grabber).captured
    heard = []
    for name, first in zip(names, source.arrivals):
        shown = captured.get(first)
        sound, word, text = first_heard(shown, started, sink) if shown is not None else (None, None, "")
        heard.append(Heard(name, None if sound is None else sound * 1000, None if word is None else word * 1000,
                           text.splitlines()[0] if text else ""))
    return Run(heard, speech.stats, cpu)


def figures(heard: list[Heard]) -> dict[str, Any]:
    """The JSON summary of one run."""
    def stats(values: list[float]) -> dict[str, float | None]:
        return {"median": round(statistics.median(values)) if values else None,
                "max": round(max(values)) if values else None}

    return {"photos": len(heard), "first_sound_ms": stats([h.first_sound for h in heard if h.first_sound is not None]),
            "first_word_ms": stats([h.first_word for h in heard if h.first_word is not None]),
            "missed": sum(h.first_sound is None for h in heard)}


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _ratio(ours: float | None, base: float | None) -> str:
    return f"{base / ours:.1f}x" if ours and base is not None else "-"


def summary(ours: Run, base: Run) -> list[list[str]]:
    """Ours against the baseline, measure by measure."""
    mine, theirs = figures(ours.heard), figures(base.heard)
    rows = []
    for key, label, targets in (("first_sound_ms", "first frame -> first sound", ("<= 200", "")),
                                ("first_word_ms", "first frame -> first word", ("<= 350", "<= 1000"))):
        for stat, target in zip(("median", "max"), targets):
            o, b = mine[key][stat], theirs[key][stat]
            rows.append([f"{label}, {stat} ms", _ms(o), _ms(b), _ratio(o, b), target])
    rows.append(["photos with nothing said while in view", str(mine["missed"]), str(theirs["missed"]), "", "0"])
    dropped = [f"{r.stats.dropped_gone} / {r.stats.cut_short_gone} / {r.stats.dropped_stale}" for r in (ours, base)]
    rows.append(["utterances dropped: gone from view / cut short / stale", *dropped, "", ""])
    rows.append(["CPU, % of one core", f"{ours.cpu:.0f}", f"{base.cpu:.0f}", "", ""])
    return rows


def run(args: argparse.Namespace, config: Config) -> int:
    paths: list[Path] = list(getattr(args, "images", []) or [])
    if not paths:
        print("Give the photos to show: assistant bench first-words IMAGE...")
        return 2
    photos = []
    for path in paths:
        try:
            photos.append(cv2.resize(read_image(path), SIZE, interpolation=cv2.INTER_AREA))
        except ImageError as exc:
            print(exc)
            return 1
    names = [path.name for path in paths]
    models = load_models(config)
    synth = PiperSynth(config.speech.voice, config.vision.threads)
    base = show(config, models, synth, photos, names, ours=False)  # first: the models are warm for both
    ours = show(config, models, synth, photos, names, ours=True)
    rows = [[o.photo, _ms(o.first_sound), _ms(o.first_word), _ms(b.first_word), o.said[:50]]
            for o, b in zip(ours.heard, base.heard)]
    print(f"A new thing in view: {len(photos)} photos, each after {EMPTY_SECONDS:.0f} s of a grey view, for "
          f"{SHOWN_SECONDS:.0f} s at {FPS:.0f} fps (real time, mode {config.announce.mode}, neural voice, fake sound "
          "card)")
    print(table(["photo", "first sound ms", "first word ms", "baseline: first word ms", "said"], rows))
    print()
    print(table(["measure", "ours", "baseline (no phrase cache, no tone)", "baseline / ours", "target"],
                summary(ours, base)))
    if getattr(args, "json", False):
        print(json_line(figures(ours.heard)))
    return 0
