"""The OCR back-ends: name -> lazy "module:Class", the default first.

The CLI's choices, config validation, `assistant check` and `load_reader` all read this dict. To add an
engine, write a class with the `TextReader` protocol (`vision/ocr.py`) and add one line; the loader checks it
against `CONTRACT` and passes it only the constructor options it takes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant.registry import Contract, construct

if TYPE_CHECKING:
    from assistant.vision.ocr import TextReader

log = logging.getLogger(__name__)

READERS: dict[str, str] = {
    "rapid": "assistant.vision.ocr:RapidReader",  # the default: PP-OCR on onnxruntime
    "easyocr": "assistant.vision.ocr:EasyReader",  # optional extra `easyocr`
}
DEFAULT = next(iter(READERS))
# What an OCR engine must have (`detect(frame)` -> text boxes is optional: pages are then read as framed).
CONTRACT = Contract("OCR engine", ("name", "is_available", "read"))


def load_reader(name: str, max_side: int, min_score: float, threads: int, reuse: bool = False,
                model: str = "ppocrv5") -> TextReader:
    """The named back-end (`model`: which text models it runs, where it has a choice); when it cannot run
    here, the default, with one log line saying why. Raises `OcrUnavailable` only when the default cannot
    run either."""
    from assistant.registry import ContractError, load_class
    from assistant.vision.ocr import OcrUnavailable

    def make(engine: str) -> TextReader:
        cls = load_class(READERS[engine])
        CONTRACT.check(cls, READERS[engine])
        return construct(cls, max_side, min_score, threads, reuse=reuse, model=model)

    if name != DEFAULT:
        try:
            return make(name)
        except (OcrUnavailable, ImportError, KeyError, ContractError) as exc:
            log.warning("OCR engine %r cannot run here (%s); using the default reader.", name, exc)
    return make(DEFAULT)
