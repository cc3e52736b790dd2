"""`assistant bench find`: finding on the COCO dev photos. A virtual camera turns towards a thing at 30
degrees a second (`bench.pans`), at 10 and 30 frames a second, through the live loop's fast lane in the
default mode (objects and scene channels on too): time from the target entering the view to the first
tick, the side of every tick, the ticks quickening as it centres, the words said once. Then issue 23's
targets for `find NAME` on photos: a class filling 2% of a photo or more is found, on the right side; on
photos without it, nothing is. The detector's levels were fitted on these very photos, so the targets are
also judged with levels fitted without the photos judged (8 folds x 5 shuffles, as `bench detector`)."""

from __future__ import annotations

import argparse
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.app import Models, build_live, load_models
from assistant.bench import cocodev, pans
from assistant.bench.timing import table
from assistant.config import Config
from assistant.paths import dev_data_dir
from assistant.speech.audio import NullSink
from assistant.speech.queue import Speech
from assistant.speech.synth import TextSynth
from assistant.vision.detection import Box, iou
from assistant.vision.targets import FIND_SHARE, find_things, placement, resolve
from assistant.vision.things import COCO_THINGS

RATES = (10.0, 30.0)
DEAD = 0.1  # a thing this near the centre (5% of the width) has no wrong side


def turns(config: Config, models: Models, folder: Path, limit: int | None,
          rates: Sequence[float] = RATES) -> dict[float, list[pans.PanRun]]:
    """Every turn at each frame rate, each through a fresh live loop on the loaded models."""
    speech = Speech(TextSynth(), NullSink())
    clock = [0.0]
    out: dict[float, list[pans.PanRun]] = {}
    try:
        for fps in rates:
            out[fps] = []
            for pan in pans.pans(folder, limit):
                live = build_live(config, None, speech, models=models, clock=lambda: clock[0])  # never started
                out[fps].append(pans.simulate(live, clock, folder, pan, fps))
    finally:
        speech.close()
    return out


def _ms(values: Sequence[float]) -> str:
    return f"{1000 * statistics.median(values):.0f}" if values else "-"


def _intervals(runs: Sequence[pans.PanRun], low: float, high: float) -> list[float]:
    """Seconds between ticks whose target truly was `low` < |pan| <= `high` off centre."""
    out = []
    for r in runs:
        times = [t for t, _, _ in r.ticks]
        out += [b - a for a, b in zip(times, times[1:]) if low < abs(r.pan.pan(b)) <= high]
    return out


def quickens(run: pans.PanRun) -> bool | None:
    """Ticks come quicker once it is centred (within 0.2) than while it was far off (beyond 0.5); None when
    there are too few to tell."""
    far, near = _intervals([run], 0.5, 1.0), _intervals([run], -1.0, 0.2)
    return statistics.mean(near) < statistics.mean(far) if far and near else None


def lead_row(fps: float, runs: list[pans.PanRun]) -> list[str]:
    """How soon, and on which side: see `LEAD_HEADER`."""
    firsts = {share: [d for r in runs if (d := pans.first_tick_after(r, share)) is not None]
              for share in (0.01, 0.5, 1.0)}
    half = sorted(firsts[0.5])
    right = [pans.sign_right(r, DEAD) for r in runs]
    early = sum(1 for r in runs for t, _, _ in r.ticks if r.pan.inside(t) == 0)
    p90 = f"{1000 * half[int(0.9 * (len(half) - 1))]:.0f}" if half else "-"
    sided = f"{sum(a for a, _ in right)}/{sum(b for _, b in right)}"
    return [f"{fps:g}", f"{len(half)}/{len(runs)}", _ms(half), p90, _ms(firsts[0.01]), _ms(firsts[1.0]), str(early),
            sided, f"{sum(1 for a, b in right if a == b)}/{len(runs)}", _ms([s for r in runs for s in r.steps])]


LEAD_HEADER = ["fps", "found", "first tick ms, median", "p90", "from a sliver", "from wholly in",
               "ticks out of view", "ticks on its side", "turns all on its side", "step ms, median"]


def sound_row(fps: float, runs: list[pans.PanRun]) -> list[str]:
    """How the ticks quicken, and what is said: see `SOUND_HEADER`."""
    quick = [q for r in runs if (q := quickens(r)) is not None]
    close = [sum(1 for _, w in r.words if w.endswith(", ahead, close.")) for r in runs]
    asks = max(sum(1 for _, w in r.words if w.startswith("Looking for")) for r in runs)
    gone = sum(1 for r in runs for _, w in r.words if w == "Not in view.")
    return [f"{fps:g}", *(_ms(_intervals(runs, lo, hi)) for lo, hi in ((0.5, 1.0), (0.2, 0.5), (-1.0, 0.2))),
            f"{sum(quick)}/{len(quick)}", f"{asks}", f"{close.count(1)} / {sum(1 for c in close if c > 1)}", str(gone)]


SOUND_HEADER = ["fps", "tick gap ms: far", "midway", "centred", "turns quicker centred", "'Looking for' a turn, most",
                "'ahead, close' once / more", "'Not in view'"]


@dataclass(frozen=True)
class FindScore:
    found: float  # of (photo, class at >= 2%): a thing of the class found
    side: float  # of those found: the one led to (the surest) is on the side of the real one it is
    quiet: float  # of (photo, class of the dev set it does not hold): nothing found
    quiet_all: float  # the same over all 80 COCO classes
    pairs: int

    def row(self) -> list[str]:
        return [f"{self.found:.2f}", f"{self.side:.2f}", f"{self.quiet:.3f}", f"{self.quiet_all:.3f}", str(self.pairs)]


def _side_right(led: Box, truths: list[Box], w: float, h: float) -> bool:
    best = max(truths, key=lambda b: iou(b, led))
    if iou(best, led) == 0:
        return False  # led to something that is not one of them
    truth = placement(best, w, h).pan
    return abs(truth) < DEAD or math.copysign(1, truth) == math.copysign(1, placement(led, w, h).pan)


def find_score(photos: Sequence[cocodev.Photo], levels: Sequence[cocodev.Levels | None],
               share: float = FIND_SHARE) -> FindScore:
    """`find` with each class's spoken name on each photo, at each photo's `levels` (None: the table's), the
    target's own hits from `share` of their level (see `FindScore`)."""
    dev = {c for p in photos for c in p.classes(cocodev.THING_SHARE)}
    present = found = right = absent = quiet = absent_all = quiet_all = 0
    for p, level in zip(photos, levels):
        big, there = p.classes(cocodev.THING_SHARE), p.classes()
        seen = {name: cocodev.with_levels(found, level) for name, found in p.hits.items()} if level else p.hits
        for cls in COCO_THINGS:
            target = resolve(COCO_THINGS[cls].spoken)
            assert target is not None
            hits = find_things(target, seen, share)
            if cls in big:
                present += 1
                if hits:
                    found += 1
                    led = max(hits, key=lambda f: f.score).box  # the one the live channel leads to first
                    truths: list[Box] = [tuple(o["box"]) for o in p.objects if o["name"] == cls]  # type: ignore[misc]
                    right += _side_right(led, truths, p.width, p.height)
            elif cls not in there:
                absent_all, quiet_all = absent_all + 1, quiet_all + (not hits)
                if cls in dev:
                    absent, quiet = absent + 1, quiet + (not hits)
    ratio = lambda a, b: a / b if b else math.nan  # noqa: E731
    return FindScore(ratio(found, present), ratio(right, found), ratio(quiet, absent), ratio(quiet_all, absent_all),
                     present)


def held_out(photos: Sequence[cocodev.Photo], folds: int = 8,
             repeats: int = 5) -> tuple[list[cocodev.Photo], list[cocodev.Levels | None]]:
    """Each photo with levels fitted without it: its fold left out, 8 folds x 5 shuffles (as
    `cocodev.cross_validate`)."""
    judged: list[cocodev.Photo] = []
    levels: list[cocodev.Levels | None] = []
    for repeat in range(repeats):
        order = list(range(len(photos)))
        random.Random(repeat).shuffle(order)
        for fold in range(folds):
            held = set(order[fold::folds])
            fitted = cocodev.fit_levels([photos[i] for i in order if i not in held])
            judged += [photos[i] for i in sorted(held)]
            levels += [fitted] * len(held)
    return judged, levels


def accuracy_rows(photos: Sequence[cocodev.Photo]) -> list[list[str]]:
    judged, levels = held_out(photos)
    shipped = [None] * len(photos)
    return [["shipped (fitted here), as said", *find_score(photos, shipped, 1.0).row()],
            [f"shipped, target from {FIND_SHARE:g} x level (find)", *find_score(photos, shipped).row()],
            ["cross-validated, as said", *find_score(judged, levels, 1.0).row()],
            [f"cross-validated, target from {FIND_SHARE:g} x level (find)", *find_score(judged, levels).row()],
            ["cross-validated, target from AGREE", *find_score(judged, levels, 0.0).row()]]


ACCURACY_HEADER = ["levels; the target's hits", "found (>= 0.75)", "right side (>= 0.95)",
                   "nothing where absent (>= 0.90)", "same, all 80 classes", "(photo, class) pairs"]


def run(args: argparse.Namespace, config: Config) -> int:
    folder = dev_data_dir() / "coco-dev"
    if not (folder / "gt.jsonl").exists():
        print(f"The COCO dev set is not at {folder}; this benchmark needs it.")
        return 1
    models = load_models(config)
    runs = turns(config, models, folder, args.frames or None)
    print(f"A virtual camera turning at {pans.SPEED:g} degrees a second towards a thing in a COCO dev photo "
          f"({len(next(iter(runs.values())))} turns; a view {pans.FOV:g} degrees and half a photo wide), through the "
          "live loop's fast lane in the default mode on a simulated clock (each step as long as it took here).\n"
          "First tick: from half the thing in view (also from a sliver of it, and from all of it), on its side. "
          f"Side: of the ticks while it is in view and more than {DEAD / 2:.0%} of the width off centre.")
    print(table(LEAD_HEADER, [lead_row(fps, r) for fps, r in runs.items()]))
    print()
    print("\nTick gaps while it is truly far (|pan| > 0.5), midway, and centred (< 0.2); words a turn")
    print(table(SOUND_HEADER, [sound_row(fps, r) for fps, r in runs.items()]))
    photos = cocodev.load_photos(folder, models.required_detector())
    print(f"\nfind NAME on the {len(photos)} COCO dev photos, each class by its spoken name (levels fitted on these "
          "photos: the cross-validated row is the held-out estimate)")
    print(table(ACCURACY_HEADER, accuracy_rows(photos)))
    return 0
