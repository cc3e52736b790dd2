"""The image classifier: an int8 EfficientNet-Lite0 in onnxruntime, answering with spoken labels."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import onnxruntime as ort

from assistant.paths import models_dir
from assistant.vision import preprocess
from assistant.vision.effnet import INPUT_NAME
from assistant.vision.labels import load_labels
from assistant.vision.manifest import ModelError, model_entry, verified_path

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


def session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Spinning threads burn a core between frames; the live loop has other work for it.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max()
    e = np.exp(shifted)
    return e / e.sum()  # type: ignore[no-any-return]


class Classifier:
    """`classify(frame_bgr)` -> the top-k labels with softmax scores."""

    def __init__(self, model: str = DEFAULT_MODEL, threads: int = 1) -> None:
        directory = models_dir()
        entry = model_entry(model, directory)
        path = verified_path(entry, directory)
        self.name = model
        self.input_size = int(entry["input_size"])
        try:
            self.labels = load_labels(directory / entry["labels"])
        except (OSError, ValueError) as exc:
            raise ModelError(f"The label file for {model} is missing or damaged: "
                             "run `assistant models build`.") from exc
        self.session = ort.InferenceSession(str(path), session_options(threads), providers=["CPUExecutionProvider"])
        log.debug("Loaded %s (%d px) from %s", model, self.input_size, path)

    def logits(self, frame_bgr: np.ndarray) -> np.ndarray:
        x = preprocess.to_tensor(preprocess.check_frame(frame_bgr), self.input_size)
        return self.session.run(None, {INPUT_NAME: x})[0][0]  # type: ignore[no-any-return]

    def classify(self, frame_bgr: np.ndarray, top_k: int = 5) -> list[Label]:
        probs = softmax(self.logits(frame_bgr).astype(np.float64))
        order = np.argsort(-probs)[: max(1, top_k)]
        out = []
        for i in order:
            name = self.labels[int(i)]
            out.append(Label(int(i), name.spoken, name.imagenet_name, float(probs[i]), name.category))
        return out

    def __call__(self, frame_bgr: np.ndarray, top_k: int = 5) -> Classification:
        started = time.perf_counter()
        labels = self.classify(frame_bgr, top_k)
        return Classification(labels, (time.perf_counter() - started) * 1000.0)
