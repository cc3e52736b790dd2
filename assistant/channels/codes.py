"""The codes channel: barcodes and QR codes. In codes mode each code is said once while it stays in view
(a product code with its name when the user's `codes.csv` has it); while a code is seen but cannot be
read yet, a beep guides the camera, quicker as the code grows in the frame. Describe-now mentions a code
only when one is read in the frame."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from assistant.announce.codewords import code_words, load_names
from assistant.channels.base import Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.paths import data_home
from assistant.vision.codes import CodeFinder

FORGET = 3.0  # seconds unseen before a code said once may be said again
BEEP_SLOWEST, BEEP_FASTEST = 1.0, 0.15  # seconds between beeps: a far (small) code, a near (large) one


def beep_interval(share: float) -> float:
    """Seconds between beeps for a code covering `share` of the frame: 1 s far away, 0.15 s close up."""
    return max(BEEP_FASTEST, min(BEEP_SLOWEST, 0.06 / math.sqrt(max(share, 1e-6))))


class CodesChannel:
    """Thread contract: see `Channel`; the finder and what was said are touched on the loop thread only
    (`step`, on the fast lane, and `describe` share the finder)."""

    name: ClassVar[str] = "codes"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.CODES})
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = "Could not look for codes."

    def __init__(self, ctx: Context) -> None:
        self.rate = 8.0
        self.finder = CodeFinder()
        self.names = load_names(data_home() / "codes.csv")
        self.last_seen: dict[tuple[str, str], float] = {}
        self.last_beep = float("-inf")

    def words(self, kind: str, data: str) -> str:
        return code_words(kind, data, self.names)

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        seen = self.finder.find(frame)
        out: list[Say] = []
        for code in seen.codes:
            key = (code.type, code.data)
            if now - self.last_seen.get(key, float("-inf")) > FORGET:
                out.append(Say(self.words(code.type, code.data), Priority.NEXT, Kind.CODE, code.type,
                               earcon=Earcon.CODE_READ))
            self.last_seen[key] = now
        self.last_seen = {k: t for k, t in self.last_seen.items() if now - t <= FORGET}
        if not seen.codes and seen.undecoded > 0 and now - self.last_beep >= beep_interval(seen.undecoded):
            self.last_beep = now
            out.append(Say("", Priority.NEXT, Kind.CODE, earcon=Earcon.CODE_BEEP))
        return out

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        if frame is None:
            return ""
        codes = self.finder.find(frame).codes
        return " ".join(self.words(c.type, c.data) for c in codes)

    def reset(self) -> None:
        self.last_seen = {}
        self.last_beep = float("-inf")

    def seen(self) -> dict[str, float]:
        return {}
