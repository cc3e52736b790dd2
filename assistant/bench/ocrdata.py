"""OCR scoring and test frames, shared by `assistant bench ocr` and the accuracy tests.

Scoring follows shared/data/README.md: character error rate = Levenshtein distance / reference length
after lower-casing and collapsing whitespace, summed over images; word recall = matched reference
words / reference words (multiset per image, punctuation stripped from word ends).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from assistant.vision.preprocess import read_image

PUNCTUATION = ".,:;!?()[]{}\"'"


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def words(text: str) -> Counter[str]:
    return Counter(w for w in (t.strip(PUNCTUATION) for t in text.lower().split()) if w)


@dataclass
class Score:
    edits: int = 0
    chars: int = 0
    matched: int = 0
    ref_words: int = 0

    def add(self, predicted: str, reference: str) -> None:
        p, r = " ".join(predicted.lower().split()), " ".join(reference.lower().split())
        self.edits += levenshtein(p, r)
        self.chars += len(r)
        ref, pred = words(reference), words(predicted)
        self.matched += sum(min(n, pred[w]) for w, n in ref.items())
        self.ref_words += sum(ref.values())

    @property
    def cer(self) -> float:
        return self.edits / max(1, self.chars)

    @property
    def word_recall(self) -> float:
        return self.matched / max(1, self.ref_words)


def ground_truth(ocr_dir: Path, prefix: str = "") -> list[dict]:
    with open(ocr_dir / "gt.jsonl", encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    return [g for g in items if g["file"].startswith(prefix)]


def camera_frames(ocr_dir: Path, count: int = 12) -> list[np.ndarray]:
    """640x480 frames with a few lines of text: the top of each receipt, as a camera held over it sees it."""
    frames = []
    for item in ground_truth(ocr_dir, "sroie")[:count]:
        image = read_image(ocr_dir / item["file"])
        h, w = image.shape[:2]
        top = image[: min(h, int(w * 0.75))]
        frames.append(cv2.resize(top, (640, 480), interpolation=cv2.INTER_AREA))
    return frames
