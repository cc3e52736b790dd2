"""The OCR back-ends: name -> lazy "module:Class", the default first.

The CLI's choices, config validation, `assistant check` and `load_reader` all read this dict. To add an
engine, write a class with the `TextReader` protocol (`vision/ocr.py`) and add one line.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

READERS: dict[str, str] = {
    "rapid": "assistant.vision.ocr:RapidReader",  # the default: PP-OCR on onnxruntime
    "easyocr": "assistant.vision.ocr:EasyReader",  # optional extra `easyocr`
}
DEFAULT = next(iter(READERS))


def load_reader(name: str, max_side: int, min_score: float, threads: int, reuse: bool = False,
                model: str = "ppocrv5") -> Any:
    """The named back-end (`model`: which text models it runs, where it has a choice); when it cannot run
    here, the default, with one log line saying why. Raises `OcrUnavailable` only when the default cannot
    run either."""
    from assistant.registry import load_class
    from assistant.vision.ocr import OcrUnavailable

    if name != DEFAULT:
        try:
            return load_class(READERS[name])(max_side, min_score, threads, reuse=reuse, model=model)
        except (OcrUnavailable, ImportError, KeyError) as exc:
            log.warning("OCR engine %r cannot run here (%s); using the default reader.", name, exc)
    return load_class(READERS[DEFAULT])(max_side, min_score, threads, reuse=reuse, model=model)
