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

from assistant.capture.images import read_image
from assistant.textdist import levenshtein

PUNCTUATION = ".,:;!?()[]{}\"'"


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
    """640x480 frames with a few lines of text: a camera held over each receipt, a little below its top."""
    frames = []
    for item in ground_truth(ocr_dir, "sroie")[:count]:
        image = read_image(ocr_dir / item["file"])
        h, w = image.shape[:2]
        cw = int(0.6 * w)
        ch, x, y = int(cw * 0.75), (w - cw) // 2, int(h * 0.1)
        frames.append(cv2.resize(image[y : y + ch, x : x + cw], (640, 480), interpolation=cv2.INTER_AREA))
    return frames


def held_still(frame: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    """The frames a camera held still over `frame` gives: a pixel or two of shake and sensor noise each."""
    rng = np.random.default_rng(seed)
    out = [frame]
    for _ in range(count - 1):
        dx, dy = rng.uniform(-2, 2, size=2)
        shift = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
        shaken = cv2.warpAffine(frame, shift, (frame.shape[1], frame.shape[0]),
                                borderMode=cv2.BORDER_REPLICATE)
        noise = rng.normal(0, 2.0, size=frame.shape)
        out.append(np.clip(shaken + noise, 0, 255).astype(np.uint8))
    return out


def on_table(page: np.ndarray, frac: float = 0.85, dx: int = 0, dy: int = 0, size: tuple[int, int] = (640, 480),
             table: tuple[int, int, int] = (70, 80, 90)) -> np.ndarray:
    """A page lying on a darker table as a camera sees it: scaled to `frac` of the view, moved by (dx, dy)
    pixels; whatever falls outside the view is cut off."""
    w_out, h_out = size
    canvas = np.full((h_out, w_out, 3), table, np.uint8)
    h, w = page.shape[:2]
    s = min(frac * h_out / h, frac * w_out / w)
    p = cv2.resize(page, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    ph, pw = p.shape[:2]
    y, x = (h_out - ph) // 2 + dy, (w_out - pw) // 2 + dx
    y0, x0, y1, x1 = max(0, y), max(0, x), min(h_out, y + ph), min(w_out, x + pw)
    if y1 > y0 and x1 > x0:
        canvas[y0:y1, x0:x1] = p[y0 - y : y1 - y, x0 - x : x1 - x]
    return canvas
