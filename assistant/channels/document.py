"""Document mode: guide the camera until the whole page is in view, then capture the sharpest of the next
frames, straighten the page, read it whole, and say how many lines were read. Every page read is kept in
the transcript, and as a text file in `--save-dir` when one is given."""

from __future__ import annotations

import logging
import time
from typing import ClassVar

import numpy as np

from assistant.announce.notices import UNCLEAR, guidance
from assistant.channels.base import Channel, Context, Lane
from assistant.common import Kind, Mode, Priority, Say
from assistant.i18n import N_, _, n_
from assistant.paths import private_open
from assistant.vision.document import (
    MIN_TEXT_HEIGHT,
    locate_page,
    page_guidance,
    read_document,
    sharpest,
    too_small,
    unclear,
)
from assistant.vision.framing import Code

log = logging.getLogger(__name__)

CAPTURE_FRAMES = 4
CAPTURE_GAP = 0.08  # seconds between the frames captured once the page is in view
GONE_STEPS = 4  # steps without a page before a new page can be read


class DocumentChannel(Channel):
    """Thread contract: see `Channel`; `step` may wait a few tenths of a second for more frames."""

    name: ClassVar[str] = "document"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.DOCUMENT})
    lane: ClassVar[Lane] = Lane.SLOW
    failure: ClassVar[str] = N_("Could not read the page.")

    def __init__(self, ctx: Context) -> None:
        self.ctx, self.view, self.guide = ctx, ctx.services.text, ctx.services.guide
        self.rate = ctx.config.vision.ocr_rate
        self.save_dir = ctx.save_dir
        self.pages_read = 0
        self.in_view_at: float | None = None  # when the whole page was last seen in view
        self.reset()

    def reset(self) -> None:
        self.done = False
        self.gone = 0
        self.in_view_at = None

    def locate(self, frame: np.ndarray) -> np.ndarray | None:
        detect = getattr(self.view.reader, "detect", None)
        return locate_page(frame, detect)

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        page = self.locate(frame)
        if self.done:
            self.gone = 0 if page is not None else self.gone + 1
            if self.gone >= GONE_STEPS:
                self.done = False  # that page has gone: the next one will be read
            return []
        advice = page_guidance(frame, page)
        if advice is not None:
            self.in_view_at = None
            return self.guide(advice)
        self.in_view_at = now
        frames = [frame]
        for _more in range(CAPTURE_FRAMES - 1):
            if self.ctx.stop.wait(CAPTURE_GAP):
                return []
            newest = self.ctx.newest_frame()
            if newest is not None:
                frames.append(newest)
        return self.read(sharpest(frames))

    def read(self, frame: np.ndarray) -> list[Say]:
        models = self.ctx.models
        reader = models.document_reader
        result = read_document(frame, reader, models.orientation)
        small = too_small(result.text, getattr(reader, "min_text_height", MIN_TEXT_HEIGHT))
        lines = result.text.spoken_lines
        self.done, self.gone = True, 0
        if not lines:
            words = _("No text found on the page.") + (f" {guidance(Code.CLOSER)}" if small else "")
            return [Say(words, Priority.NEXT, Kind.SPEECH)]
        self.pages_read += 1
        self.view.publish(result.text)
        count = n_("{n} line read.", "{n} lines read.", len(lines)).format(n=len(lines))
        lead = f"{guidance(Code.CLOSER)} {count}" if small else count
        after = _(UNCLEAR) if unclear(result.text) else ""
        out = [Say("\n".join(lines), Priority.NOW, Kind.DOCUMENT, lead=lead, after=after)]
        try:
            self.save(lines)
        except OSError as exc:  # the page is still read out; only keeping it failed
            log.warning("Could not save the page in %s: %s", self.save_dir, exc)
            out.append(Say(_("Could not save the page."), Priority.NEXT, Kind.ERROR))
        return out

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        return ""  # the page's text is in the text view, which the text channel describes

    def seen(self) -> dict[str, float]:
        return {}  # a page read is read out whole, even when it has been put down

    def save(self, lines: list[str]) -> None:
        if self.save_dir is None:
            return
        self.save_dir.mkdir(parents=True, exist_ok=True)
        path = self.save_dir / time.strftime(f"page-%Y%m%d-%H%M%S-{self.pages_read}.txt")
        with private_open(path, "x") as fh:  # a new file: a page kept before is never replaced
            fh.write("\n".join(lines) + "\n")
        log.info("Saved the page to %s", path)
