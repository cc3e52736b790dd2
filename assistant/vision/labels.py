"""Spoken names and coarse categories for the 1000 ImageNet classes. The reviewed table is
`assistant/vision/labels.csv`; `assistant models build` copies it beside the models (and restores it there
when it is damaged), and the manifest records its SHA-256."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from assistant.paths import read_limited

SOURCE = Path(__file__).with_name("labels.csv")  # the reviewed table, shipped with the package
MAX_BYTES = 1_000_000  # the table is 31 KB


@dataclass(frozen=True)
class ClassName:
    index: int
    imagenet_name: str
    spoken: str
    category: str


def load_labels(path: Path) -> list[ClassName]:
    """The label table in class-index order; ValueError if it is damaged or not the full 1000 classes."""
    text = read_limited(path, MAX_BYTES)  # a FIFO or /dev/zero there is refused (FileProblem, an OSError)
    try:
        rows = [
            ClassName(int(r["index"]), r["imagenet_name"], r["spoken"], r["category"])
            for r in csv.DictReader(io.StringIO(text.decode("utf-8"), newline=""))
        ]
    except (KeyError, TypeError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path} is damaged ({exc.__class__.__name__}: {exc})") from exc
    if [r.index for r in rows] != list(range(len(rows))) or len(rows) != 1000:
        raise ValueError(f"{path} must list classes 0..999 in order")
    return rows
