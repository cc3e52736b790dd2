"""Where a thing is, in words: left / ahead / right by thirds of the view, or clock positions (10 to 2
o'clock by fifths), as `announce.positions` says."""

from __future__ import annotations

from assistant.vision.detection import Box

THIRDS = ("left", "ahead", "right")
HOURS = (10, 11, 12, 1, 2)


def where(box: Box, width: float, style: str = "thirds") -> str:
    """'left', 'ahead', 'right' (thirds of the width, by the box's centre) or '10 o'clock' ... '2 o'clock'."""
    x = min(max(((box[0] + box[2]) / 2) / max(1.0, width), 0.0), 0.999)
    if style == "clock":
        return f"{HOURS[int(x * len(HOURS))]} o'clock"
    return THIRDS[int(x * len(THIRDS))]


def placed(word: str) -> str:
    """'on the left', 'ahead', 'on the right', 'at 10 o'clock' (in the user's language: `words.placed`)."""
    from assistant.announce.words import placed as said

    return said(word)
