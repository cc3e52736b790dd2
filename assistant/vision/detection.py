"""`Detection`: what vision hands to announce, whatever found it (the classifier, a detector)."""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the frame


@dataclass(frozen=True)
class Detection:
    """One thing found in a frame: its spoken name, a score in 0..1, a coarse category (animal, food, ...),
    where it is (`box`, or None when the source cannot tell: the classifier), what found it, and the COCO-80
    class it is (`coco`, as COCO spells it: "tv", "dining table"), or None when it is none of them. A person
    whose face was looked at has `face_distance`, the descriptor distance to the nearest person taught (None:
    no usable face, or nobody taught), and `who`, that person's name when it is said (`who_sure`: plainly,
    else "probably"); see `vision.people`. `sure`: a thing to be said plainly, else "probably" (`vision.verify`
    decides; what it has not judged is sure)."""

    name: str
    score: float
    category: str = ""
    box: Box | None = None
    source: str = "classifier"
    coco: str | None = None
    who: str | None = None
    who_sure: bool = False
    face_distance: float | None = None
    sure: bool = True


def area(box: Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def intersection(a: Box, b: Box) -> float:
    """The area two boxes share."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when either is empty)."""
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0
