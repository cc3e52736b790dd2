"""The people-and-objects detector judged on the COCO dev photos as a listener would, and its per-class
levels fitted there (`scripts/fit_detector_levels.py`, `assistant bench detector`, tests).

Measures (image level, as `coco-dev/README` advises): a class counts as in a photo when any instance of it
fills at least 2% of the photo ("things"); it is named when the answer has a thing of that COCO class.
- named: share of the things named, overall and without people;
- really there: share of the names said (with a COCO class) whose class is in the photo, at any size;
- person found: share of photos with a person where a person is said; person said right: share of photos
  where a person is said that hold one;
- nearest person: in photos whose largest person fills at least 10%, a person said on it (a box with IoU
  >= 0.3, or a face whose centre is in it), and placed on the same third;
- parts: answers that name a shoe, boot or tie while a person is in view (wanted: none).

Levels are fitted from the photos where a class is absent (for most classes over a hundred, against a
handful where it is present): a class's level is the lowest of a few coarse levels at which at most 2%
of those photos would have it said (`ALPHA`). Fewer choices and more data per choice than fitting each
class to its few positives, which cross-validation showed to overfit (see `cross_validate`). A level is
where a thing may be said at all: describe, describe-now and the live loop say it plainly only from
`vision.verify`'s sure score or when the classifier agrees (issue 30), so the levels let more in than at
1% (on the COCO captions dev photos, names what people say 0.707 -> 0.724 at the same CHAIR-i and -s).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.announce.positions import where
from assistant.capture.images import read_image
from assistant.vision.detection import Box, Detection
from assistant.vision.detectors import Detectors
from assistant.vision.merge import FACE, Hit, iou, merge
from assistant.vision.things import THINGS, Model

COCO_LEVELS = (0.25, 0.3, 0.35, 0.4, 0.5)
SSD_LEVELS = (0.5, 0.6, 0.7)  # and another detector's
ALPHA = 0.02  # a level lets at most this share of the photos without the class have it said
THING_SHARE, NEAR_SHARE = 0.02, 0.10
PARTS = {"shoe", "boot", "tie"}


@dataclass
class Photo:
    """One dev photo: its truth and what each detector source saw in it, by name (hits from the lowest level
    any rule uses)."""

    file: str
    width: int
    height: int
    objects: list[dict]
    hits: dict[str, list[Hit]]

    def classes(self, share: float = 0.0) -> set[str]:
        area = self.width * self.height
        return {o["name"] for o in self.objects
                if (o["box"][2] - o["box"][0]) * (o["box"][3] - o["box"][1]) >= share * area}


def load_photos(folder: Path, detectors: Detectors, limit: int | None = None,
                timings: dict[str, list[float]] | None = None) -> list[Photo]:
    """Runs each source of `detectors` once on each photo of `folder` (a
    coco-dev folder with its gt.jsonl); each source's milliseconds per photo go into `timings` (by its name,
    and "merge") when it is given."""
    rows = [json.loads(line) for line in open(folder / "gt.jsonl", encoding="utf-8")][:limit]
    photos = []
    for row in rows:
        image = read_image(folder / row["file"])
        seen: dict[str, list[Hit]] = {}
        for name in detectors.sources:
            started = time.perf_counter()
            seen[name] = detectors.hits(name, image)
            if timings is not None:
                timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        photo = Photo(row["file"], row["width"], row["height"], row["objects"], seen)
        started = time.perf_counter()
        merge(photo.hits)
        if timings is not None:
            timings.setdefault("merge", []).append((time.perf_counter() - started) * 1000)
        photos.append(photo)
    return photos


Levels = dict[tuple[str, str], float]
Answer = Callable[[Photo], list[Detection]]


def with_levels(hits: Iterable[Hit], levels: Levels) -> list[Hit]:
    key = lambda t: (t.model, t.label)  # noqa: E731
    return [replace(h, thing=replace(h.thing, level=levels[key(h.thing)])) if key(h.thing) in levels else h
            for h in hits]


def merged(levels: Levels | None = None, only: Collection[str] | None = None) -> Answer:
    """The answer of the merged detector on a photo (with `levels` in place of the table's), or of some of
    its sources alone (`only`: their names)."""
    def answer(p: Photo) -> list[Detection]:
        return merge({name: with_levels(found, levels) if levels else found for name, found in p.hits.items()
                      if only is None or name in only})
    return answer


@dataclass(frozen=True)
class Score:
    named: float
    named_not_people: float
    really_there: float
    person_found: float
    person_right: float
    nearest_found: float
    nearest_placed: float
    parts_with_person: int
    unchecked: int  # names said that have no COCO class (a box, a camera): not counted in `really_there`
    photos: int

    def row(self) -> list[str]:
        return [f"{self.named:.2f}", f"{self.named_not_people:.2f}", f"{self.really_there:.2f}",
                f"{self.person_found:.2f}", f"{self.person_right:.2f}", f"{self.nearest_found:.2f}",
                f"{self.nearest_placed:.2f}", str(self.parts_with_person)]


HEADER = ["answer", "named", "named, not people", "really there", "person found", "person said right",
          "nearest person found", "nearest placed", "parts with a person"]
TARGETS = ["target", ">= 0.65", ">= 0.50", ">= 0.85", ">= 0.85", ">= 0.90", ">= 0.92", "", "0"]


def _nearest(p: Photo, found: Sequence[Detection]) -> tuple[bool, bool] | None:
    people = [tuple(o["box"]) for o in p.objects if o["name"] == "person"]
    if not people:
        return None
    largest: Box = max(people, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))  # type: ignore[assignment]
    if (largest[2] - largest[0]) * (largest[3] - largest[1]) < NEAR_SHARE * p.width * p.height:
        return None
    on = [d.box for d in found if d.coco == "person" and d.box is not None
          and (iou(d.box, largest) >= 0.3 if d.source != "face" else _centre_in(d.box, largest))]
    if not on:
        return False, False
    best = max(on, key=lambda b: iou(b, largest))
    return True, where(best, p.width) == where(largest, p.width)


def _centre_in(inner: Box, outer: Box) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def score(photos: Sequence[Photo], answers: Sequence[Sequence[Detection]]) -> Score:
    things = hit = things_np = hit_np = said = right = unchecked = 0
    has = called = both = near = near_found = near_placed = parts = 0
    for p, found in zip(photos, answers):
        names = {d.coco for d in found if d.coco}
        big, present = p.classes(THING_SHARE), p.classes()
        things, hit = things + len(big), hit + len(big & names)
        things_np, hit_np = things_np + len(big - {"person"}), hit_np + len((big - {"person"}) & names)
        said, right = said + len(names), right + len(names & present)
        unchecked += len({d.name for d in found if not d.coco})
        with_person, person_said = "person" in present, "person" in names
        has, called, both = has + with_person, called + person_said, both + (with_person and person_said)
        parts += person_said and any(d.name in PARTS or d.coco == "tie" for d in found)
        nearest = _nearest(p, found)
        if nearest is not None:
            near, near_found, near_placed = near + 1, near_found + nearest[0], near_placed + nearest[1]
    ratio = lambda a, b: a / b if b else math.nan  # noqa: E731
    return Score(ratio(hit, things), ratio(hit_np, things_np), ratio(right, said), ratio(both, has),
                 ratio(both, called), ratio(near_found, near), ratio(near_placed, near), parts, unchecked, len(photos))


def judge(photos: Sequence[Photo], answer: Answer) -> Score:
    return score(photos, [answer(p) for p in photos])


def _level(negatives: Sequence[float], choices: Sequence[float]) -> float:
    """The lowest of `choices` above all but `ALPHA` of the `negatives` (the top choice at most)."""
    ordered = sorted(negatives, reverse=True)
    allowed = int(math.floor(ALPHA * len(ordered)))
    ceiling = ordered[allowed] if allowed < len(ordered) else 0.0
    return next((c for c in choices if c > ceiling), choices[-1])


def fit_levels(photos: Sequence[Photo]) -> Levels:
    """The level of each class that stands for a COCO class, from the photos without that class, for every
    detector source whose hits have levels (the faces have none: `merge`, rule 4): a class's level from the
    hits of its model's rows (the SSD's "Mug" and "Coffee cup" share the level of their cup)."""
    levels: Levels = {}
    present = [p.classes() for p in photos]  # once a photo, not once a class
    tops: list[dict[tuple[str, str | None], float]] = []  # each photo's best score by (model, COCO class)
    for p in photos:
        top: dict[tuple[str, str | None], float] = {}
        for h in (h for name, found in p.hits.items() if name != FACE for h in found):
            key = (h.thing.model, h.thing.coco)
            top[key] = max(top.get(key, h.score), h.score)
        tops.append(top)
    for thing in THINGS:
        if thing.coco is None or thing.level == math.inf:
            continue
        best = [top.get((thing.model, thing.coco), 0.0) for top, there in zip(tops, present)
                if thing.coco not in there]
        levels[(thing.model, thing.label)] = _level(best, COCO_LEVELS if thing.model == Model.COCO else SSD_LEVELS)
    return levels


def cross_validate(photos: Sequence[Photo], folds: int = 8, repeats: int = 5,
                   fit: Callable[[Sequence[Photo]], Levels] = fit_levels) -> Score:
    """Levels fitted without each fold, judged on it; folds of every repeat pooled (each photo judged
    `repeats` times, by levels that never saw it)."""
    judged: list[Photo] = []
    answers: list[list[Detection]] = []
    for repeat in range(repeats):
        order = list(range(len(photos)))
        random.Random(repeat).shuffle(order)
        for fold in range(folds):
            held = set(order[fold::folds])
            levels = fit([photos[i] for i in order if i not in held])
            answer = merged(levels)
            for i in sorted(held):
                judged.append(photos[i])
                answers.append(answer(photos[i]))
    return score(judged, answers)

