"""`assistant bench calibration`: fit the classifier's confidence on the ImageNet dev photos and show what a
listener gets, before (raw softmax, "plainly" at 0.7, "probably" at 0.3) and now (`vision/confidence.py`).

Every dev photo is also seen as six harder views (three crops, a low-resolution copy, a darker copy, a
blurred copy): the dev photos may be from ImageNet's training split, and a camera is not a photographer.
The temperature minimises the negative log-likelihood over all views; "plainly" is the lowest score at
which >= 98% of the names said were right, "probably" the lowest at which >= 87% of those between it and
"plainly" were (margins over the 97% and 85% targets). A name is right when it is the spoken name of the
photo's class.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator

import cv2
import numpy as np

from assistant.bench.timing import table
from assistant.capture.images import read_image
from assistant.config import Config
from assistant.paths import dev_data_dir
from assistant.vision import confidence
from assistant.vision.classifier import Classifier, softmax

VIEW_NAMES = ("photo", "centre crop", "top-left crop", "bottom-right crop", "low resolution", "darker", "blurred")


def views(image: np.ndarray) -> Iterator[np.ndarray]:
    h, w = image.shape[:2]
    yield image
    yield image[int(h * 0.15): int(h * 0.85), int(w * 0.15): int(w * 0.85)]
    yield image[: int(h * 0.7), : int(w * 0.7)]
    yield image[int(h * 0.3):, int(w * 0.3):]
    small = cv2.resize(image, (max(8, w // 4), max(8, h // 4)), interpolation=cv2.INTER_AREA)
    yield cv2.resize(small, (w, h))
    yield np.clip(image.astype(np.float32) * 0.5, 0, 255).astype(np.uint8)
    yield cv2.GaussianBlur(image, (7, 7), 0)


def best_name(logits: np.ndarray, spoken: list[str], temperature: float) -> tuple[str, float]:
    """The top spoken name and its score (the classes' scores added up by spoken name)."""
    p = softmax(logits / temperature)
    merged: dict[str, float] = {}
    for i in np.argsort(-p)[:10]:
        merged[spoken[i]] = merged.get(spoken[i], 0.0) + float(p[i])
    return max(merged.items(), key=lambda kv: kv[1])


def fit(logits: np.ndarray, truth: np.ndarray, spoken: list[str]) -> tuple[float, float, float]:
    """(temperature, sure, probably) as the module docstring says."""
    def nll(t: float) -> float:
        return -float(np.mean([np.log(softmax(row / t)[y] + 1e-12) for row, y in zip(logits, truth)]))

    temperature = float(min(np.round(np.arange(0.4, 2.01, 0.05), 2), key=nll))
    tops = [best_name(row, spoken, temperature) for row in logits]
    right = np.array([name == spoken[y] for (name, _), y in zip(tops, truth)])
    score = np.array([s for _, s in tops])
    grid = np.round(np.arange(0.30, 0.996, 0.01), 2)

    def precision(mask: np.ndarray) -> float:
        return float(right[mask].mean()) if mask.any() else 0.0

    sure = float(next((x for x in grid if precision(score >= x) >= 0.98), 0.99))
    probably = float(next((x for x in grid if precision((score >= x) & (score < sure)) >= 0.87), sure))
    return temperature, sure, probably


def scores(logits: np.ndarray, truth: np.ndarray, spoken: list[str], temperature: float, sure: float,
           probably: float) -> list[str]:
    tops = [best_name(row, spoken, temperature) for row in logits]
    right = np.array([name == spoken[y] for (name, _), y in zip(tops, truth)])
    score = np.array([s for _, s in tops])
    plain, maybe = score >= sure, (score >= probably) & (score < sure)
    return [f"{right[plain].mean():.1%}" if plain.any() else "-", f"{right[maybe].mean():.1%}" if maybe.any() else "-",
            f"{(plain | maybe).mean():.0%}"]


def run(args: argparse.Namespace, config: Config) -> int:
    folder = dev_data_dir() / "imagenet-dev"
    if not (folder / "labels.csv").exists():
        print(f"The ImageNet dev set is not at {folder}; this benchmark needs it.")
        return 1
    with open(folder / "labels.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[: args.frames or None]
    classifier = Classifier(config.vision.model, config.vision.threads)
    spoken = [label.spoken for label in classifier.labels]
    logits, truth, view = [], [], []
    for row in rows:
        for k, image in enumerate(views(read_image(folder / row["file"]))):
            logits.append(classifier.logits(image).astype(np.float64))
            truth.append(int(row["class_index"]))
            view.append(k)
    all_logits, all_truth, all_views = np.array(logits), np.array(truth), np.array(view)
    temperature, sure, probably = fit(all_logits, all_truth, spoken)
    print(f"Classifier confidence on {len(rows)} dev photos x {len(VIEW_NAMES)} views ({config.vision.model})")
    print(f"Fit now: temperature {temperature:g}, plainly at {sure:g}, probably at {probably:g}; in use "
          f"(vision/confidence.py): {confidence.TEMPERATURE:g}, {confidence.SURE:g}, {confidence.PROBABLY:g}")
    rows_out = []
    for label, mask in (("all views", np.ones(len(all_views), bool)), ("plain photos", all_views == 0),
                        ("harder views", all_views != 0)):
        before = scores(all_logits[mask], all_truth[mask], spoken, 1.0, 0.7, 0.3)
        now = scores(all_logits[mask], all_truth[mask], spoken, confidence.TEMPERATURE, confidence.SURE,
                     confidence.PROBABLY)
        rows_out.append([label, *before, *now])
    print(table(["photos", "before: plainly right", "probably right", "said", "now: plainly right",
                 "probably right", "said"], rows_out))
    print("\nTargets (held-out photos): plainly right >= 97%, probably right >= 85%, something said >= 60%.")
    return 0
