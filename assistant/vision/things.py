"""The things the people-and-objects detector can name, and how they are said: the reviewed table
`objects.csv`, shipped with the package, loaded and checked at import.

One row per class of each model: `model` (`coco`: human's CenterNet, the 80 COCO classes; `oid`: the Open
Images SSD's 23 classes; another word: another detector's, which checks them when it loads), `label` (the
class as that model spells it), `coco` (the COCO-80 class it stands for, as COCO spells it, or empty),
`spoken` and `plural` (the words people say: "TV", "table", "phone", "sofa", "plant"), `category`, `part`
(clothing worn, or things carried, that belong to a person in view and are not said as things of their
own), `level` (the score from which the model's hit is said: fitted on the COCO dev photos by
`scripts/fit_detector_levels.py`, `off` for never) and `also` (the classifier's spoken names for the same
thing, `|`-separated: a classifier label among them is not said again).
"""

from __future__ import annotations

import csv
import enum
import math
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.vision.centernet import COCO_CLASSES

TABLE = Path(__file__).with_name("objects.csv")
# The SSD's labelmap (index 0 is its background), as the manifest records it: checked against it at load.
OID_LABELS: tuple[str, ...] = (
    "Bicycle", "Boot", "Laptop", "Person", "Chair", "Cattle", "Desk", "Cat", "Computer mouse", "Computer monitor",
    "Box", "Mug", "Coffee cup", "Stationary bicycle", "Table", "Bottle", "High heels", "Vehicle", "Footwear",
    "Dog", "Book", "Camera", "Car",
)


class Model(str, enum.Enum):
    """The two tables checked here against their model's classes (a row's `model` may name another)."""

    COCO = "coco"  # human's CenterNet, 80 COCO classes
    OID = "oid"  # the Open Images SSD


class Category(str, enum.Enum):
    """Coarse kinds, in the words of the classifier's own table (`labels.csv`) where it has one."""

    PERSON = "person"
    ANIMAL = "animal"
    VEHICLE = "vehicle"
    STREET = "street"
    FURNITURE = "furniture"
    ELECTRONICS = "electronics"
    KITCHEN = "kitchen"
    FOOD = "food"
    HOUSEHOLD = "household"
    CLOTHING = "clothing"
    SPORTS = "sports"
    PLANT = "plant"


class Part(str, enum.Enum):
    """Whether a thing belongs to a person: `worn` is never said while a person is in view (a shoe, a tie);
    `carried` is not said when it lies within a person (a handbag, a backpack, a baseball glove)."""

    NO = "no"
    WORN = "worn"
    CARRIED = "carried"


@dataclass(frozen=True)
class Thing:
    model: str  # whose class: `Model.COCO`, `Model.OID` or another detector's word
    label: str
    coco: str | None
    spoken: str
    plural: str
    category: Category
    part: Part
    level: float  # math.inf: never said
    also: frozenset[str]


def _row(r: dict[str, str]) -> Thing:
    level = math.inf if r["level"] == "off" else float(r["level"])
    if not 0 < level <= 1 and level != math.inf:
        raise ValueError(f"level {r['level']} of {r['label']}")
    also = frozenset(a for a in r["also"].split("|") if a)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", r["model"]):
        raise ValueError(f"model {r['model']!r} of {r['label']}")
    return Thing(r["model"], r["label"], r["coco"] or None, r["spoken"], r["plural"], Category(r["category"]),
                 Part(r["part"]), level, also)


def load_things(path: Path = TABLE) -> tuple[Thing, ...]:
    """The table, checked: every COCO class and every SSD label once, each COCO name as COCO spells it, and
    one plural, category and part for each spoken name. ValueError names what is wrong."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            things = tuple(_row(r) for r in csv.DictReader(fh))
    except (KeyError, TypeError, ValueError, csv.Error) as exc:
        raise ValueError(f"{path} is damaged ({exc.__class__.__name__}: {exc})") from exc
    for model, labels in ((Model.COCO, COCO_CLASSES), (Model.OID, OID_LABELS)):
        rows = [t.label for t in things if t.model == model]
        if sorted(rows) != sorted(labels):
            raise ValueError(f"{path}: the {model.value} rows must be its classes, once each")
    for t in things:
        if t.coco is not None and t.coco not in COCO_CLASSES:
            raise ValueError(f"{path}: {t.label} stands for {t.coco!r}, not a COCO class")
        if t.model == Model.COCO and t.coco != t.label:
            raise ValueError(f"{path}: the COCO class {t.label} must stand for itself")
    said: dict[str, tuple[str, Category, Part]] = {}
    for t in things:
        if said.setdefault(t.spoken, (t.plural, t.category, t.part)) != (t.plural, t.category, t.part):
            raise ValueError(f"{path}: {t.spoken!r} has two plurals, categories or parts")
    return things


THINGS = load_things()


def rows(model: str) -> dict[str, Thing]:
    """One model's rows by label (a detector checks its classes against them when it loads)."""
    return {t.label: t for t in THINGS if t.model == model}


COCO_THINGS = rows(Model.COCO)
OID_THINGS = rows(Model.OID)
BY_SPOKEN: dict[str, Thing] = {}
for _thing in THINGS:
    BY_SPOKEN.setdefault(_thing.spoken, _thing)
PERSON = COCO_THINGS["person"]


def plural_of(name: str) -> str:
    """The plural of a spoken name from the table ('person' -> 'people'); name + 's' for others."""
    thing = BY_SPOKEN.get(name)
    return thing.plural if thing is not None else name + "s"


def same_words(name: str) -> frozenset[str]:
    """The spoken name and the classifier's names for the same thing ('TV' -> TV, screen, television...)."""
    return frozenset(t2 for t in THINGS if t.spoken == name for t2 in (t.spoken, *t.also))
