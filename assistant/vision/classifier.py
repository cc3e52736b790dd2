"""The image classifier: an int8 EfficientNet-Lite0 in onnxruntime, answering with spoken labels."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from assistant.paths import models_dir
from assistant.vision import confidence, preprocess
from assistant.vision.detection import Detection
from assistant.vision.labels import load_labels
from assistant.vision.manifest import ModelError, model_entry, read_manifest, verified_path
from assistant.vision.runtime import cpu_session

log = logging.getLogger(__name__)

DEFAULT_MODEL = "lite0-int8"


@dataclass(frozen=True)
class Label:
    index: int
    name: str
    imagenet_name: str
    score: float
    category: str


@dataclass(frozen=True)
class Classification:
    """One classifier run: the top labels, best first, and the time it took."""

    labels: list[Label]
    ms: float


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max()
    e = np.exp(shifted)
    return e / e.sum()  # type: ignore[no-any-return]


class Classifier:
    """`classify(frame_bgr)` -> the top-k labels with calibrated softmax scores (`vision/confidence.py`);
    `detect` -> the same as detections.
    Thread contract: one thread at a time (an onnxruntime session is not shared across threads here)."""

    def __init__(self, model: str = DEFAULT_MODEL, threads: int = 1) -> None:
        directory = models_dir()
        entry = model_entry(model, directory)
        if "labels" not in entry or not entry.get("input_size"):
            classifiers = ", ".join(n for n, e in read_manifest(directory).get("models", {}).items() if "labels" in e)
            raise ModelError(f"{model} is not an image classifier (the classifiers are: {classifiers}).")
        path = verified_path(entry, directory)
        self.name = model
        self.input_size = int(entry["input_size"])
        try:
            self.labels = load_labels(directory / entry["labels"])
        except (OSError, ValueError) as exc:
            raise ModelError(f"The label file for {model} is missing or damaged: "
                             "run `assistant models build`.") from exc
        self.session = cpu_session(path, threads)
        self.input_name = self.session.get_inputs()[0].name
        log.debug("Loaded %s (%d px) from %s", model, self.input_size, path)

    def logits(self, frame_bgr: np.ndarray) -> np.ndarray:
        x = preprocess.to_tensor(preprocess.check_frame(frame_bgr), self.input_size)
        return self.session.run(None, {self.input_name: x})[0][0]  # type: ignore[no-any-return]

    def classify(self, frame_bgr: np.ndarray, top_k: int = 5) -> list[Label]:
        probs = softmax(self.logits(frame_bgr).astype(np.float64) / confidence.TEMPERATURE)
        order = np.argsort(-probs)[: max(1, top_k)]
        out = []
        for i in order:
            name = self.labels[int(i)]
            out.append(Label(int(i), name.spoken, name.imagenet_name, float(probs[i]), name.category))
        return out

    def detect(self, frame_bgr: np.ndarray, top_k: int = 10) -> list[Detection]:
        """The top-k labels as detections without a box: a classifier cannot tell where a thing is."""
        return [Detection(lb.name, lb.score, lb.category, None, "classifier") for lb in self.classify(frame_bgr, top_k)]

    def __call__(self, frame_bgr: np.ndarray, top_k: int = 5) -> Classification:
        started = time.perf_counter()
        labels = self.classify(frame_bgr, top_k)
        return Classification(labels, (time.perf_counter() - started) * 1000.0)
