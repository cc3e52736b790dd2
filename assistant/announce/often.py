"""The phrases the live assistant says most, most said first: a person coming into view, alone, as another,
in twos and threes; then each thing the detector names, alone and as another of its kind; in every place
the user has things said (thirds or clock positions). The phrase cache (`speech.phrases`) makes their audio
ahead in the user's voice, so that they are heard at once; they are made by the very functions the
channels say them with (`phrasing.arrival`), in the user's language."""

from __future__ import annotations

import math
from itertools import combinations_with_replacement

from assistant.announce.phrasing import arrival
from assistant.announce.positions import HOURS, THIRDS
from assistant.vision.things import PERSON, THINGS, plural_of

MOST_AT_ONCE = 4  # "Four people." is cached; a larger count is rare enough to wait for the voice


def places(style: str) -> list[str]:
    """The place words `positions.where` gives in `style`: 'left', 'ahead', 'right' or '10 o'clock' ..."""
    return [f"{hour} o'clock" for hour in HOURS] if style == "clock" else list(THIRDS)


def said_names() -> list[str]:
    """Every name the detector says, a person first, then in the table's order (COCO's: the common first)."""
    names = dict.fromkeys([PERSON.spoken] + [t.spoken for t in THINGS if t.level != math.inf])
    return list(names)


def often_said(names: list[str], style: str) -> list[str]:
    """The arrivals of `names` (the first a person, whose every form comes first), in `style`'s places."""
    wheres = places(style)
    out: list[str] = []
    person, others = names[:1], names[1:]
    for name in person:
        plural = plural_of(name)
        out += [text for w in wheres for text in arrival(name, plural, [w])]
        out += [text for w in wheres for text in arrival(name, plural, [w], already=1)]
        out += [text for pair in combinations_with_replacement(wheres, 2) for text in arrival(name, plural, pair)]
        out += [text for n in range(3, MOST_AT_ONCE + 1) for text in arrival(name, plural, wheres[:1] * n)]
    out += [text for name in others for w in wheres for text in arrival(name, plural_of(name), [w])]
    out += [text for name in others for w in wheres for text in arrival(name, plural_of(name), [w], already=1)]
    return list(dict.fromkeys(out))
