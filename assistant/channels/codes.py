"""The codes channel: barcodes and QR codes. In codes mode each code is said once while it stays in view
(a product code with its name when the user's `codes.csv` has it; a Wi-Fi code with its network's name, the
password only when R asks for it: see `channels.text`); while a code is seen but cannot be read yet, a beep
guides the camera, quicker as the code grows in the frame. A code beeped at for `GIVE_UP` seconds without
being read is said once to be unreadable, and then not beeped at again until it leaves the view (it is still
read, should it become readable). Describe-now mentions a code only when one is read in the frame. Each code
is put into words on its own: one that fails is still read (as text) and never keeps the others from being
read. What a code is (read or not) is `vision.codes.CodeFinder`'s answer, the one find's is."""

from __future__ import annotations

import logging
import math
from typing import ClassVar

import numpy as np

from assistant.announce.codewords import UNREADABLE, as_text, code_words, load_names
from assistant.channels.base import Channel, Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_, _
from assistant.paths import data_home
from assistant.vision.codes import CodeFinder, Sighting
from assistant.vision.detection import iou

log = logging.getLogger(__name__)

FORGET = 3.0  # seconds unseen before a code said once may be said again (or one given up on, beeped at)
BEEP_SLOWEST, BEEP_FASTEST = 1.0, 0.15  # seconds between beeps: a far (small) code, a near (large) one
# Seconds of beeping at one code, never read, before it is said to be unreadable and the beeps stop: long
# enough to bring a code from arm's length to a hand's breadth (a beep a second far away, quicker closer).
GIVE_UP = 5.0
Box = tuple[int, int, int, int]


def beep_interval(share: float) -> float:
    """Seconds between beeps for a code covering `share` of the frame: 1 s far away, 0.15 s close up."""
    return max(BEEP_FASTEST, min(BEEP_SLOWEST, 0.06 / math.sqrt(max(share, 1e-6))))


class CodesChannel(Channel):
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
        self.trying: tuple[Box, float, float] | None = None  # the unread code beeped at: box, since, last seen
        self.given_up: list[tuple[Box, float]] = []  # unread codes said to be unreadable: box, last seen

    def words(self, kind: str, data: str, live: bool = False) -> str:
        """What is said for one code (`live`: as codes mode announces it, see `code_words`; describe, which
        `assistant describe` shares, does not); should putting it into words fail, the code is still read,
        as text, and the failure is logged once for that code (not on every frame it stays in view)."""
        try:
            return code_words(kind, data, self.names, live)
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
                out.append(Say(self.words(code.type, code.data, live=True), Priority.NEXT, Kind.CODE, code.type,
                               earcon=Earcon.CODE_READ))
            self.last_seen[key] = now
        self.last_seen = {k: t for k, t in self.last_seen.items() if now - t <= FORGET}
        unread = self.beeped_at([s for s in seen.sightings if s.code is None], now)
        if seen.codes or unread is None:
            return out
        return out + self.guide(unread, now)

    def guide(self, unread: Sighting, now: float) -> list[Say]:
        """A beep for the code seen but not read, quicker as it grows; after `GIVE_UP` seconds of beeping at
        it, once, that it cannot be read (and no more beeps for it)."""
        trying = self.trying
        if trying is not None and iou(trying[0], unread.box) > 0 and now - trying[2] <= FORGET:
            since = trying[1]
        else:
            since = now  # another code, or this one back after it left the view
        self.trying = (unread.box, since, now)
        if now - since >= GIVE_UP:
            self.given_up.append((unread.box, now))
            self.trying = None
            return [Say(_(UNREADABLE), Priority.NEXT, Kind.CODE)]
        if now - self.last_beep >= beep_interval(unread.share):
            self.last_beep = now
            return [Say("", Priority.NEXT, Kind.CODE, earcon=Earcon.CODE_BEEP)]
        return []

    def beeped_at(self, unread: list[Sighting], now: float) -> Sighting | None:
        """The largest of the codes seen but not read that is not given up on; the codes given up on are
        followed (their boxes moved to the sightings over them) and forgotten once out of view `FORGET`
        seconds."""
        kept = []
        for box, last in self.given_up:
            over = [s for s in unread if iou(s.box, box) > 0]
            if over:
                kept.append((max(over, key=lambda s: s.share).box, now))
            elif now - last <= FORGET:
                kept.append((box, last))
        self.given_up = kept
        left = [s for s in unread if not any(iou(s.box, box) > 0 for box, _last in kept)]
        return max(left, key=lambda s: s.share) if left else None

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        if frame is None:
            return ""
        codes = self.finder.find(frame).codes
        return " ".join(self.words(c.type, c.data) for c in codes)

    def reset(self) -> None:
        self.last_seen = {}
        self.last_beep = float("-inf")
        self.trying, self.given_up = None, []
