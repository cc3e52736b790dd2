"""The live text channel: short text in view, read once it has been read the same way twice; and R,
all the text in view now. `TextView` is the OCR that this channel, guidance and document mode share."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from assistant.announce.phrasing import live_text, text_part
from assistant.announce.texttracker import TextTracker
from assistant.channels.base import Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.vision.ocr import TextResult


class TextView:
    """The live OCR reader and what it last read. Thread contract: `read` on the slow lane only;
    `latest` is published whole, so the loop thread may read it at any time."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.latest: TextResult | None = None
        self._frame: np.ndarray | None = None

    def read(self, frame: np.ndarray) -> TextResult:
        """The text in `frame`, read once however many channels ask in the same tick."""
        if frame is not self._frame or self.latest is None:
            self.latest = self.reader.read(frame)
            self._frame = frame
        return self.latest

    def forget(self) -> None:
        self.latest, self._frame = None, None


def text_view(ctx: Context) -> TextView:
    return ctx.service("text-view", lambda: TextView(ctx.models.reader))  # type: ignore[no-any-return]


class TextChannel:
    """Thread contract: see `Channel`."""

    name: ClassVar[str] = "text"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.TEXT})
    lane: ClassVar[Lane] = Lane.SLOW
    failure: ClassVar[str] = "Could not read the text."

    def __init__(self, ctx: Context) -> None:
        a = ctx.config.announce
        self.view = text_view(ctx)
        self.rate = ctx.config.vision.ocr_rate
        self.lines = a.text_lines
        self.tracker = TextTracker(min_score=ctx.config.vision.ocr_min_score, repeat_after=a.text_repeat_seconds,
                                   clock=ctx.clock)

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        result = self.view.read(frame)
        new_lines = self.tracker.update((ln.text, ln.score) for ln in result.lines)
        if not new_lines:
            return []
        # One utterance per run: lines read together are not dropped one by one as stale.
        return [Say(live_text(new_lines, self.lines), Priority.NORMAL, Kind.TEXT, earcon=Earcon.TEXT)]

    def read_all(self, frame: np.ndarray) -> list[Say]:
        """R: every line of text in view now, in reading order."""
        result = self.view.read(frame)
        return [Say(result.text or "No text found.", Priority.NOW, Kind.READ)]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        latest = self.view.latest
        return text_part(latest.spoken_lines) if latest is not None else ""

    def reset(self) -> None:
        self.tracker.forget()
