"""Spoken names and coarse categories for the 1000 ImageNet classes, from the reviewed `models/labels.csv`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ClassName:
    index: int
    imagenet_name: str
    spoken: str
    category: str


def load_labels(path: Path) -> list[ClassName]:
    """The label table in class-index order; ValueError if it is not the full 1000 classes."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [
            ClassName(int(r["index"]), r["imagenet_name"], r["spoken"], r["category"])
            for r in csv.DictReader(fh)
        ]
    if [r.index for r in rows] != list(range(len(rows))) or len(rows) != 1000:
        raise ValueError(f"{path} must list classes 0..999 in order")
    return rows
