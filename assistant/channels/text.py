"""The live text channel: short text in view, read once it has been read the same way twice; and R,
all the text in view now (and a Wi-Fi code's password). It reads through the text view it shares with
guidance, document mode and find (`channels.shared.TextView`)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.announce.codewords import password_words
from assistant.announce.phrasing import live_text, text_part
from assistant.announce.texttracker import TextTracker
from assistant.channels.base import Channel, Context, Lane
from assistant.common import Action, Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_, _
from assistant.vision.codes import CodeFinder
from assistant.vision.textnoise import is_text, text_lines

FRESH = 0.5  # seconds: an answer about the text in view uses a read no older than this


class TextChannel(Channel):
    """Thread contract: see `Channel` (R comes to `request` on the slow lane)."""

    name: ClassVar[str] = "text"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.TEXT})
    lane: ClassVar[Lane] = Lane.SLOW
    failure: ClassVar[str] = N_("Could not read the text.")
    actions: ClassVar[frozenset[Action]] = frozenset({Action.READ})

    def __init__(self, ctx: Context) -> None:
        a = ctx.config.announce
        self.ctx = ctx
        self.view = ctx.services.text
        self.rate = ctx.config.vision.ocr_rate
        self.lines = a.text_lines
        self.last_text_at: float | None = None
        self.tracker = TextTracker(min_score=ctx.config.vision.ocr_min_score, repeat_after=a.text_repeat_seconds,
                                   clock=ctx.clock)
        self.codes: CodeFinder | None = None  # made on the first R (on the slow lane, as OpenCV's wants)
        self.marked_at = float("-inf")  # the last read made elsewhere that the tracker counts as read
        self.noise = ctx.rules.text_noise  # noise is not said (`vision.textnoise`)
        self.waiting = False  # the last read has lines read once only: they are read out at the next read

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        if self.view.published_at > self.marked_at:  # text read out by R or as a page
            self.marked_at = self.view.published_at
            self.tracker.read_elsewhere(self.view.published)
        result = self.view.read(frame)
        read = [(ln.text, ln.score) for ln in result.lines if not self.noise or is_text(ln.text)]
        if any(score >= self.tracker.min_score for _text, score in read):
            self.last_text_at = now
        new_lines = self.tracker.update(read)
        self.waiting = self.tracker.unread(read)
        if not new_lines:
            return []
        # One utterance per run: lines read together are not dropped one by one as stale.
        return [Say(live_text(new_lines, self.lines), Priority.NORMAL, Kind.TEXT, earcon=Earcon.TEXT, about="text")]

    def request(self, action: Action, word: str, frame: np.ndarray | None, now: float) -> list[Say]:
        """R, on the frame of when it was pressed."""
        if frame is None:
            return [Say(_("No picture from the camera."), Priority.NOW, Kind.READ)]
        return self.read_all(frame)

    def read_all(self, frame: np.ndarray) -> list[Say]:
        """R: every line of text in view now, in reading order, with the accurate models (the page reader);
        first the password of a Wi-Fi code in view, spelled (codes mode says R reads it), in the user's
        language (said letter by letter, it is no text of another language)."""
        result = self.ctx.models.document_reader.read(frame)
        self.view.publish(result)
        self.codes = self.codes or CodeFinder()
        passwords = [Say(words, Priority.NOW, Kind.SPEECH) for code in self.codes.find(frame).codes
                     if code.type == "QR" and (words := password_words(code.data)) is not None]
        if not result.text:
            return passwords or [Say(_("No text found."), Priority.NOW, Kind.SPEECH)]
        return passwords + [Say(result.text, Priority.NEXT if passwords else Priority.NOW, Kind.READ)]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        """The text in view now: the live read when it is at most `FRESH` seconds old, else a read of
        `frame` made now (quiet and scene modes have no live read)."""
        latest, at = self.view.latest, self.view.latest_at
        if latest is None or now - at > FRESH:
            if frame is None:
                return ""
            latest = self.ctx.models.describe_reader.read(frame)
        return text_part(text_lines(latest.spoken_lines) if self.noise else latest.spoken_lines)

    def looks_again(self) -> bool:
        return self.waiting

    def reset(self) -> None:
        """A new mode: the text already read is not read again when it is still in view (see `pause`)."""
        self.tracker.pause()
        self.waiting = False

    def seen(self) -> dict[str, float]:
        return {"text": self.last_text_at} if self.last_text_at is not None else {}
