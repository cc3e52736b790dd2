"""A virtual camera that turns towards a thing in a real photo, and the live loop's fast lane run on it on a
simulated clock (`assistant bench find`, tests).

The camera sees half a COCO dev photo's width at a time, 4:3, taken as 60 degrees across, and turns at 30
degrees a second: from a view where the target is a quarter of a view beyond the edge to one centred on it,
then holds for a second. Where the turn starts beyond the photo, a photo without the target's class stands
beside it (the camera sweeps across from one scene into the next). Frames come at the camera's rate; the
loop takes the newest frame when its last step is done, and each step takes as long as it really took on
this machine: what the user hears comes when that step ends.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from assistant.capture.images import read_image
from assistant.common import Earcon, Say
from assistant.keys import Action
from assistant.vision.detection import Box
from assistant.vision.things import COCO_THINGS

VIEW = 0.5  # of the photo's width
FOV, SPEED = 60.0, 30.0  # degrees across the view; degrees a second
BEYOND = 0.25  # of the view's width: how far beyond its edge the target starts
HOLD = 1.0  # seconds held on the target, centred
FRAME = (640, 480)  # the frames the loop sees
MIN_SHARE = 0.02  # of the photo: targets this large or larger


@dataclass(frozen=True)
class Pan:
    """One turn: the photo and the target (its COCO class, asked for by its spoken name), the photo beside it
    (`filler`, on the side the turn starts from), the target's box on the two side by side, and the view's
    left edge at the start and when centred, its top and width (pixels of the two side by side)."""

    file: str
    filler: str
    cls: str
    box: Box
    start: float
    end: float
    top: float
    width: float

    @property
    def name(self) -> str:
        return COCO_THINGS[self.cls].spoken

    @property
    def direction(self) -> int:
        return 1 if self.end > self.start else -1

    @property
    def speed(self) -> float:
        return self.width / FOV * SPEED

    @property
    def centred_at(self) -> float:
        return abs(self.end - self.start) / self.speed

    def left(self, t: float) -> float:
        return self.start + self.direction * self.speed * min(max(t, 0.0), self.centred_at)

    def inside(self, t: float) -> float:
        """The share of the target's width inside the view at `t`."""
        x0, x1 = self.left(t), self.left(t) + self.width
        return max(0.0, min(x1, self.box[2]) - max(x0, self.box[0])) / (self.box[2] - self.box[0])

    def pan(self, t: float) -> float:
        """The target's true pan at `t` (beyond -1 or +1 while it is out of view)."""
        return ((self.box[0] + self.box[2]) / 2 - self.left(t)) / self.width * 2 - 1

    def entered(self, share: float) -> float:
        """When `share` of its width is first inside the view (to the millisecond)."""
        return next(t / 1000 for t in range(int(self.centred_at * 1000) + 2) if self.inside(t / 1000) >= share)


def side_by_side(folder: Path, pan: Pan) -> np.ndarray:
    photo = read_image(folder / pan.file)
    filler = read_image(folder / pan.filler)
    h = photo.shape[0]
    filler = cv2.resize(filler, (max(1, round(filler.shape[1] * h / filler.shape[0])), h))
    return np.hstack([filler, photo] if pan.direction > 0 else [photo, filler])


def view(canvas: np.ndarray, pan: Pan, t: float) -> np.ndarray:
    x0, y0 = round(pan.left(t)), round(pan.top)
    crop = canvas[y0: y0 + round(pan.width * 3 / 4), x0: x0 + round(pan.width)]
    return cv2.resize(crop, FRAME, interpolation=cv2.INTER_LINEAR)


def _pan_for(row: dict[str, Any], obj: dict[str, Any], direction: int, filler: dict[str, Any]) -> Pan:
    w, h = row["width"], row["height"]
    width = VIEW * w
    x0, y0, x1, y1 = obj["box"]
    top = min(max((y0 + y1) / 2 - width * 3 / 8, 0.0), h - width * 3 / 4)
    shift = filler["width"] * h / filler["height"] if direction > 0 else 0.0  # the filler stands on the left
    box = (x0 + shift, y0, x1 + shift, y1)
    cx = (box[0] + box[2]) / 2
    start = box[0] - (1 + BEYOND) * width if direction > 0 else box[2] + BEYOND * width
    return Pan(row["file"], filler["file"], obj["name"], box, start, cx - width / 2, top, width)


def pans(folder: Path, limit: int | None = None) -> list[Pan]:
    """A turn towards each thing of 2% of a photo or more that fits the view (at most one a class a photo),
    with no other of its class where the camera sweeps; turning right and left in turn where both fit."""
    rows = [json.loads(line) for line in open(folder / "gt.jsonl", encoding="utf-8")]
    out: list[Pan] = []
    for i, row in enumerate(rows):
        w, h = row["width"], row["height"]
        width = VIEW * w
        done: set[str] = set()
        for obj in sorted(row["objects"], key=lambda o: -_area(o["box"])):
            x0, y0, x1, y1 = obj["box"]
            if (obj["name"] in done or _area(obj["box"]) < MIN_SHARE * w * h or x1 - x0 > 0.6 * width
                    or y1 - y0 > 0.9 * width * 3 / 4):
                continue
            cx = (x0 + x1) / 2
            sweeps = {1: (0.0, cx + width / 2), -1: (cx - width / 2, float(w))}
            fits = [d for d, (lo, hi) in sweeps.items() if lo >= 0 and hi <= w and not any(
                o is not obj and o["name"] == obj["name"] and o["box"][2] > lo and o["box"][0] < hi
                for o in row["objects"])]
            if not fits:
                continue
            direction = fits[len(out) % len(fits)]
            # Beside it, the next photo without its class wide enough for the view to start on it.
            room = (1 + BEYOND) * width - (x0 if direction > 0 else w - x1)
            filler = next(r for r in rows[i + 1:] + rows[:i] if all(o["name"] != obj["name"] for o in r["objects"])
                          and r["width"] * h / r["height"] >= room)
            out.append(_pan_for(row, obj, direction, filler))
            done.add(obj["name"])
    return out[:limit]


def _area(box: list[float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


@dataclass
class PanRun:
    """What was heard on one turn: ticks (time, pan, pitch level), words (time, text), and each step's
    time (seconds)."""

    pan: Pan
    fps: float
    ticks: list[tuple[float, float, float]] = field(default_factory=list)
    words: list[tuple[float, str]] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)


def frames_seen(pan: Pan, fps: float, step: Callable[[float, np.ndarray], None],
                canvas: np.ndarray) -> Iterator[float]:
    """Feeds the loop the newest frame whenever its last step is done; yields each step's end time."""
    t, last = 0.0, -1
    while t < pan.centred_at + HOLD:
        k = int(t * fps + 1e-9)
        if k == last:  # the loop waits for the next frame
            t = (k + 1) / fps
            continue
        last = k
        started = time.perf_counter()
        step(t, view(canvas, pan, k / fps))
        t += time.perf_counter() - started
        yield t


def simulate(live: Any, clock: list[float], folder: Path, pan: Pan, fps: float) -> PanRun:
    """One turn through the live loop's fast lane (`live` built on `clock`, its `speak` caught here)."""
    heard: list[Say] = []
    live.speak = lambda says, at=None: heard.extend(says)
    run = PanRun(pan, fps)

    def step(t: float, frame: np.ndarray) -> None:
        clock[0] = t
        live.step_fast(t, frame)

    clock[0] = 0.0
    live.handle(Action.LOCATE, pan.name)
    canvas = side_by_side(folder, pan)
    ended = 0.0
    for ended in frames_seen(pan, fps, step, canvas):
        run.steps.append(ended - clock[0])
        for say in heard:
            if say.earcon is Earcon.FIND_TICK:
                run.ticks.append((ended, say.pan if say.pan is not None else 0.0, say.level))
            elif say.text and say.kind.value == "find":
                run.words.append((ended, say.text))
        heard.clear()
    live.handle(Action.STOP)
    return run


def right_side(pan: float, truth: float, dead: float) -> bool:
    """A tick at `pan` is on the target's side (at `truth`); near the centre (`dead`) either side is."""
    return abs(truth) <= dead or math.copysign(1, pan) == math.copysign(1, truth)


def first_tick_after(run: PanRun, share: float, dead: float = 0.1) -> float | None:
    """Seconds from `share` of the target's width in view to the first tick on its side once any of it is in
    view (0 when that tick came before; None: no tick)."""
    sliver = run.pan.entered(0.001)
    first = next((t for t, p, _ in run.ticks if t >= sliver and right_side(p, run.pan.pan(t), dead)), None)
    return None if first is None else max(0.0, first - run.pan.entered(share))


def sign_right(run: PanRun, dead: float = 0.1) -> tuple[int, int]:
    """(ticks whose side is right, ticks judged): a tick is judged while the target is in view and more than
    `dead` (half of 10% of the width) off centre."""
    judged = [(p, run.pan.pan(t)) for t, p, _ in run.ticks if dead < abs(run.pan.pan(t)) <= 1]
    return sum(1 for p, truth in judged if right_side(p, truth, dead)), len(judged)
