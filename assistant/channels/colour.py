"""The colour channel: C says the main colours in the middle of the view; describe-now mentions a colour
only when one clearly fills the middle (a red wall, a blue shirt held up)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.channels.base import Channel, Context, Lane
from assistant.common import Action, Kind, Mode, Priority, Say
from assistant.i18n import N_, _
from assistant.vision.colour import colour_name, colour_words, dominant

NEUTRAL = frozenset({"black", "dark grey", "grey", "light grey", "white"})  # backgrounds: not worth a mention
CLEAR_SHARE = 0.6  # describe-now names a colour that covers this much of the middle


class ColourChannel(Channel):
    """Thread contract: see `Channel`; it keeps no state (C comes to `request` on the loop thread)."""

    name: ClassVar[str] = "colour"
    modes: ClassVar[frozenset[Mode]] = frozenset()  # on request only: the C key and describe-now
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = N_("Could not tell the colour.")
    actions: ClassVar[frozenset[Action]] = frozenset({Action.COLOUR})

    def __init__(self, ctx: Context) -> None:
        self.rate = 1.0

    def request(self, action: Action, word: str, frame: np.ndarray | None, now: float) -> list[Say]:
        """The C key: the main colours in the middle of the view."""
        if frame is None:
            return [Say(_("No picture from the camera."), Priority.NOW, Kind.COLOUR)]
        return [Say(colour_words(dominant(frame)), Priority.NOW, Kind.COLOUR)]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        if frame is None:
            return ""
        colours = dominant(frame)
        if colours and colours[0].share >= CLEAR_SHARE and colours[0].name not in NEUTRAL:
            return _("Mostly {colour}.").format(colour=colour_name(colours[0].name))
        return ""
