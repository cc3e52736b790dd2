"""Document mode in the live loop: guide the camera until the whole page is in view, then capture the
sharpest of the next frames, straighten the page, read it whole, and say how many lines were read.

Wiring (vision and speech together), so it lives beside `live.py`. Every page read is kept: in the
transcript, and as a text file in `--save-dir` when one is given.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.speech.queue import Priority
from assistant.vision.document import locate_page, page_guidance, read_document, sharpest

if TYPE_CHECKING:
    from assistant.live import LiveAssistant

log = logging.getLogger(__name__)

CAPTURE_FRAMES = 4
CAPTURE_GAP = 0.08  # seconds between the frames captured once the page is in view
GONE_STEPS = 4  # OCR ticks without a page before a new page can be read


class DocumentMode:
    def __init__(self, live: LiveAssistant, save_dir: Path | None = None) -> None:
        self.live, self.save_dir = live, save_dir
        self._reader: Any = None
        self.reset()

    def reset(self) -> None:
        self.done = False
        self.gone = 0
        self.in_view_at: float | None = None
        self.pages_read = 0

    @property
    def reader(self) -> Any:
        if self._reader is None:  # a whole page wants more pixels than a live frame, and no line cache
            from assistant.vision.ocr import RapidReader

            v = self.live.config.vision
            self._reader = RapidReader(max(v.ocr_max_side, 1600), v.ocr_min_score, v.threads)
        return self._reader

    def locate(self, frame: np.ndarray) -> np.ndarray | None:
        reader = self.live.reader
        if not hasattr(reader, "detect"):
            return locate_page(frame)

        def detect(image: np.ndarray) -> list[np.ndarray]:
            with self.live.ocr_lock:
                return list(reader.detect(image))

        return locate_page(frame, detect)

    def step(self, frame: np.ndarray) -> None:
        """One OCR tick in document mode."""
        live = self.live
        page = self.locate(frame)
        if self.done:
            self.gone = 0 if page is not None else self.gone + 1
            if self.gone >= GONE_STEPS:
                self.done = False  # that page has gone: the next one will be read
            return
        advice = page_guidance(frame, page)
        if advice is not None:
            self.in_view_at = None
            live.guide(advice)
            return
        self.in_view_at = live.clock()
        live.events.append((self.in_view_at, "document:in-view"))
        frames = [frame]
        for _ in range(CAPTURE_FRAMES - 1):
            if live.stop_event.wait(CAPTURE_GAP):
                return
            item = live.grabber.newest
            if item is not None:
                frames.append(item[2])
        self.read(sharpest(frames))

    def read(self, frame: np.ndarray) -> None:
        live = self.live
        result = read_document(frame, self.reader)
        lines = result.text.spoken_lines
        self.done, self.gone = True, 0
        if not lines:
            live.speech.say("No text found on the page.", Priority.NEXT, "document")
            return
        self.pages_read += 1
        count = f"{len(lines)} line{'s' if len(lines) != 1 else ''} read."
        live.speech.say(count + "\n" + "\n".join(lines), Priority.NOW, "document")
        live.snapshot.text = result.text
        self.save(lines)

    def save(self, lines: list[str]) -> None:
        if self.save_dir is None:
            return
        self.save_dir.mkdir(parents=True, exist_ok=True)
        path = self.save_dir / time.strftime(f"page-%Y%m%d-%H%M%S-{self.pages_read}.txt")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        log.info("Saved the page to %s", path)
