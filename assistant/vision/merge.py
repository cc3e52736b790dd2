"""One answer from the detector sources (`vision.detectors`), their hits taken by source name: human's COCO
CenterNet (`COCO`, 80 classes), the Open Images SSD (`SSD`, 23) and BlazeFace (`FACE`, faces) are the ones
the rules below name; any other source's hits are said from their level (rule 1) and said once (rule 3).
Pure functions on their hits, so the live loop, `detect` and the benchmarks share the rules and tests can
script them.

The rules, in order (figures: COCO dev photos, see `assistant bench detector`):
1. A hit is said from its class's level (`objects.csv`, fitted per class by `scripts/fit_detector_levels.py`).
2. Agreement: a COCO hit below its level but from `AGREE` up is said when the SSD saw the same COCO class
   at the same place (IoU >= `MATCH_IOU`, SSD score from `AGREE` up): two models, one answer.
3. One thing is said once: two boxes of the same category that overlap by more than `SAME_THING_IOU`, of
   whatever class and model, are one thing, named by the better score (a cat the SSD saw where CenterNet saw
   a dog; a desk that is also a table; the SSD's person that CenterNet found too). Boxes of two categories,
   neither a person, that overlap by more than `SAME_BLOB_IOU` are one blob named twice (a cat's face that
   fills the view was also "a bed"); a table under the dishes overlaps them far less, and a person on a
   sofa or a motorcycle is a person and a thing.
4. A face (from BlazeFace's `MIN_SCORE` up) whose centre is in no person's box is a person of its own: a
   close-up face with no body, or someone whose body is hidden. Its `coco` is "person".
5. Parts: clothing worn (a shoe, a tie) is never said while a person is in view; things carried (a
   handbag, a backpack, a baseball glove) are not said when they lie within a person's box.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.vision.detection import Box, Detection, iou
from assistant.vision.things import PERSON, Category, Part, Thing

if TYPE_CHECKING:
    from assistant.vision.faces import Face

AGREE = 0.2
MATCH_IOU = 0.5
SAME_THING_IOU = 0.4
SAME_BLOB_IOU = 0.7  # on the COCO dev photos: named -0.5 point, really there +0.3 (cross-validated)
# The sources the rules name, by their names in `vision.detectors.DETECTORS` (a test checks they are there).
COCO, SSD, FACE = "coco", "ssd", "face"


@dataclass(frozen=True)
class Hit:
    """One model's sighting of one thing: the table row of its class, its score and box in frame pixels,
    and which source saw it (its name in `vision.detectors`: "coco", "ssd", "face"); a face's hit carries
    the face, with its keypoints (`face`), for the code that names people."""

    thing: Thing
    score: float
    box: Box
    source: str
    face: Face | None = None


def centre_in(inner: Box, outer: Box) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def said(coco: Iterable[Hit], ssd: Sequence[Hit]) -> list[Hit]:
    """Rules 1 and 2: the hits at their level, and the COCO hits the SSD confirms."""
    out = [h for h in ssd if h.score >= h.thing.level]
    for hit in coco:
        if hit.score >= hit.thing.level:
            out.append(hit)
        elif hit.score >= AGREE and any(s.thing.coco == hit.thing.coco and s.score >= AGREE
                                        and iou(s.box, hit.box) >= MATCH_IOU for s in ssd):
            out.append(hit)
    return out


def same_thing(a: Hit, b: Hit) -> bool:
    """Rule 3: whether two hits are one thing."""
    overlap = iou(a.box, b.box)
    if a.thing.category is b.thing.category:
        return overlap > SAME_THING_IOU
    return overlap > SAME_BLOB_IOU and Category.PERSON not in (a.thing.category, b.thing.category)


def one_each(hits: Iterable[Hit]) -> list[Hit]:
    """Rule 3: best first, a hit that is the same thing as a better one goes."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: -h.score):
        if not any(same_thing(k, hit) for k in kept):
            kept.append(hit)
    return kept


def merge(hits: Mapping[str, Sequence[Hit]], keep_parts: bool = False) -> list[Detection]:
    """The detectors' hits, each source's by its name, as one answer, best first (see the module's rules).
    The faces (`FACE`) are already from the face detector's own threshold; a source the rules do not name
    has nobody to confirm its weaker hits. `keep_parts`: rule 5 is not applied (find: a tie or a handbag
    asked for is led to even while someone wears or carries it)."""
    others = [h for name, found in hits.items() if name not in (COCO, SSD, FACE) for h in found]
    kept = one_each(said(hits.get(COCO, ()), hits.get(SSD, ())) + said(others, ()))
    faces = [(h.score, h.box) for h in hits.get(FACE, ())]
    people = [h.box for h in kept if h.thing.category is Category.PERSON]
    for score, box in sorted(faces, key=lambda f: -f[0]):
        if not any(centre_in(box, p) for p in people):
            kept.append(Hit(PERSON, score, box, "face"))
            people.append(box)
    out = []
    for hit in kept:
        part = hit.thing.part
        worn = part is Part.WORN and people
        if not keep_parts and (worn or (part is Part.CARRIED and any(centre_in(hit.box, p) for p in people))):
            continue
        t = hit.thing
        out.append(Detection(t.spoken, hit.score, t.category.value, hit.box, hit.source, t.coco))
    return sorted(out, key=lambda d: -d.score)
