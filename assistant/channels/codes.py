"""The codes channel: barcodes and QR codes. In codes mode each code is said once while it stays in view
(a product code with its name when the user's `codes.csv` has it); while a code is seen but cannot be
read yet, a beep guides the camera, quicker as the code grows in the frame. Describe-now mentions a code
only when one is read in the frame. Each code is put into words on its own: one that fails is still read
(as text) and never keeps the others from being read."""

from __future__ import annotations

import logging
import math
from typing import ClassVar

import numpy as np

from assistant.announce.codewords import as_text, code_words, load_names
from assistant.channels.base import Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_
from assistant.paths import data_home
from assistant.vision.codes import CodeFinder

log = logging.getLogger(__name__)

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
    failure: ClassVar[str] = N_("Could not look for codes.")

    def __init__(self, ctx: Context) -> None:
        self.rate = 8.0
        self.finder = CodeFinder()
        self.names = load_names(data_home() / "codes.csv")
        self.failed: set[tuple[str, str]] = set()  # codes whose words failed: logged once each
        self.last_seen: dict[tuple[str, str], float] = {}
        self.last_beep = float("-inf")

    def words(self, kind: str, data: str) -> str:
        """What is said for one code; should putting it into words fail, the code is still read, as text, and
        the failure is logged once for that code (not on every frame it stays in view)."""
        try:
            return code_words(kind, data, self.names)
        except Exception:  # one bad code must never stop the good one beside it
            if (kind, data) not in self.failed:
                self.failed.add((kind, data))
                log.exception("Could not put a %s code into words; read as text", kind)
            return as_text(kind, data)

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
