"""The phrases the live assistant says most, most said first: a person coming into view, alone, as another,
in twos and threes; then each thing the detector names coming into view; the first sentence of the describe
answer for one person or thing, and for a picture too dark or blurred to tell; each thing as another of its
kind. In every place the user has things said (thirds or clock positions). The phrase cache
(`speech.phrases`) makes their audio ahead in the user's voice, so that they are heard at once; they are made
by the very functions the channels say them with (`phrasing.arrival`, `describe.describe_found`), in the
user's language."""

from __future__ import annotations

import math
from itertools import combinations_with_replacement

from assistant.announce.describe import describe_found
from assistant.announce.phrasing import arrival, nothing
from assistant.announce.positions import HOURS, THIRDS
from assistant.vision.detection import Detection
from assistant.vision.scene import SceneMeasures
from assistant.vision.things import BY_SPOKEN, PERSON, THINGS, plural_of

MOST_AT_ONCE = 4  # "Four people." is cached; a larger count is rare enough to wait for the voice
WIDTH = 640.0  # of the view the describe answer's things are placed in


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
    out += [described(name, i, len(wheres), style) for name in names for i in range(len(wheres))]
    out += [SceneMeasures(10.0, 100.0, 30.0).light_words, SceneMeasures(100.0, 1.0, 30.0).light_words, nothing()]
    out += [text for name in others for w in wheres for text in arrival(name, plural_of(name), [w], already=1)]
    return list(dict.fromkeys(out))


def described(name: str, place: int, places: int, style: str) -> str:
    """The describe answer's first sentence for one `name` in the `place`-th of `places` ('A cup ahead.')."""
    x = (place + 0.5) * WIDTH / places
    category = "person" if name == PERSON.spoken else BY_SPOKEN[name].category.value
    found = Detection(name, 1.0, category, (x - 10.0, 100.0, x + 10.0, 200.0), "coco")
    return describe_found([found], WIDTH, style)
