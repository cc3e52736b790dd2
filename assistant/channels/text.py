"""The live text channel: short text in view, read once it has been read the same way twice; and R,
all the text in view now. `TextView` is the OCR that this channel, guidance and document mode share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from assistant.announce.phrasing import live_text, text_part
from assistant.announce.texttracker import TextTracker
from assistant.channels.base import Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_, _
from assistant.vision.ocr import TextResult
from assistant.vision.textnoise import is_text, text_lines


class TextView:
    """The live OCR reader and what it last read. Thread contract: `read` on the slow lane only;
    `latest` is published whole, so the loop thread may read it at any time."""

    def __init__(self, reader: Any, clock: Callable[[], float]) -> None:
        self.reader, self.clock = reader, clock
        self.latest: TextResult | None = None
        self.latest_at = float("-inf")  # when `latest` was read
        self._frame: np.ndarray | None = None

    def read(self, frame: np.ndarray) -> TextResult:
        """The text in `frame`, read once however many channels ask in the same tick."""
        if frame is not self._frame or self.latest is None:
            self.latest = self.reader.read(frame)
            self.latest_at = self.clock()
            self._frame = frame
        return self.latest

    def publish(self, result: TextResult) -> None:
        """A read made elsewhere (a whole page) becomes the latest."""
        self.latest, self.latest_at = result, self.clock()

    def forget(self) -> None:
        self.latest, self._frame = None, None


def text_view(ctx: Context) -> TextView:
    return ctx.service("text-view", lambda: TextView(ctx.models.reader, ctx.clock))  # type: ignore[no-any-return]


FRESH = 0.5  # seconds: an answer about the text in view uses a read no older than this


class TextChannel:
    """Thread contract: see `Channel`."""

    name: ClassVar[str] = "text"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.TEXT})
    lane: ClassVar[Lane] = Lane.SLOW
    failure: ClassVar[str] = N_("Could not read the text.")

    def __init__(self, ctx: Context) -> None:
        a = ctx.config.announce
        self.ctx = ctx
        self.view = text_view(ctx)
        self.rate = ctx.config.vision.ocr_rate
        self.lines = a.text_lines
        self.last_text_at: float | None = None
        self.tracker = TextTracker(min_score=ctx.config.vision.ocr_min_score, repeat_after=a.text_repeat_seconds,
                                   clock=ctx.clock)

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        result = self.view.read(frame)
        read = [(ln.text, ln.score) for ln in result.lines if is_text(ln.text)]  # noise is not text (textnoise)
        if any(score >= self.tracker.min_score for _text, score in read):
            self.last_text_at = now
        new_lines = self.tracker.update(read)
        if not new_lines:
            return []
        # One utterance per run: lines read together are not dropped one by one as stale.
        return [Say(live_text(new_lines, self.lines), Priority.NORMAL, Kind.TEXT, earcon=Earcon.TEXT, about="text")]

    def read_all(self, frame: np.ndarray) -> list[Say]:
        """R: every line of text in view now, in reading order, with the accurate models (the page reader)."""
        result = self.ctx.models.document_reader().read(frame)
        self.view.publish(result)
        if not result.text:
            return [Say(_("No text found."), Priority.NOW, Kind.SPEECH)]
        return [Say(result.text, Priority.NOW, Kind.READ)]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        """The text in view now: the live read when it is at most `FRESH` seconds old, else a read of
        `frame` made now (quiet and scene modes have no live read)."""
        latest, at = self.view.latest, self.view.latest_at
        if latest is not None and now - at <= FRESH:
            return text_part(text_lines(latest.spoken_lines))
        if frame is None:
            return ""
        return text_part(text_lines(self.ctx.models.describe_reader().read(frame).spoken_lines))

    def reset(self) -> None:
        self.tracker.forget()

    def seen(self) -> dict[str, float]:
        return {"text": self.last_text_at} if self.last_text_at is not None else {}
