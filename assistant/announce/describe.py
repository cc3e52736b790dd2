"""The describe-now answer about people and things, as a person would say it: people first, grouped by
where they are ("Three people: two ahead, one on the right.", "About twelve people."), then at most five
other things, the most salient (large, near the middle, sure), said by where they are ("A TV on the left,
a table and two chairs ahead."). The classifier's labels are added only for what this did not name
(`unsaid_labels`). Pure: the channels and `assistant describe` call it with what the detector found.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from assistant.announce.phrasing import PLURAL_OR_MASS, count_word, who_words
from assistant.announce.positions import HOURS, THIRDS, placed, where
from assistant.vision.detection import Detection
from assistant.vision.things import plural_of, same_words

MAX_THINGS = 5  # other things said, by salience
CROWD = 6  # more people than this: "About twelve people."
# Kinds where the classifier only names a sort of what the detector already said: a dog breed where a dog
# was found, a minivan where a car was. A person's clothes are part of the person.
SUBSUMED = {"animal": "animal", "vehicle": "vehicle", "person": "person", "clothing": "person"}


def _order(style: str) -> list[str]:
    return list(THIRDS) if style != "clock" else [f"{h} o'clock" for h in HOURS]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def about(n: int) -> str:
    """A count as said of a crowd: exact up to twelve, then to the nearest five, then ten."""
    if n <= 12:
        return count_word(n)
    tens = ("", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    if n < 20:
        return "fifteen" if n < 18 else "twenty"
    rounded = int(round(n / 10.0)) * 10
    return tens[rounded // 10] if rounded < 100 else "a hundred"


def a_thing(name: str, n: int = 1) -> str:
    """'a TV', 'an oven', 'broccoli', 'two chairs', 'many cars'."""
    if n == 1:
        return name if name in PLURAL_OR_MASS else ("an " if name[:1] in "aeiou" else "a ") + name
    return f"{count_word(n) if n <= 12 else 'many'} {plural_of(name)}"


def salience(det: Detection, width: float) -> float:
    """How much a thing stands out: its score, the square root of its area (as a share of the width
    squared: only the order matters), and how near the middle it is (1 in the middle, 0.5 at an edge)."""
    if det.box is None:
        return 0.0
    x0, y0, x1, y1 = det.box
    share = max(0.0, (x1 - x0) * (y1 - y0)) / max(1.0, width * width)
    middle = 1.0 - abs((x0 + x1) / 2 / max(1.0, width) - 0.5)
    return det.score * math.sqrt(share) * middle


def people_sentence(people: Sequence[Detection], width: float, style: str = "thirds") -> str:
    """'A person on the left.', 'Two people ahead.', 'Three people: two ahead, one on the right.',
    'About twelve people.'; '' for nobody. People known by name first: 'Anna ahead and probably Ben on
    the left. Two other people: one ahead, one on the right.'"""
    named = [p for p in people if p.who and p.box is not None]
    others = [p for p in people if not p.who]
    if not named:
        return _unnamed([where(p.box, width, style) for p in others if p.box is not None], style)
    parts = []
    for p in sorted(named, key=lambda p: p.box[0] if p.box is not None else 0.0):
        assert p.box is not None and p.who is not None
        parts.append(f"{who_words(p.who, p.who_sure)} {placed(where(p.box, width, style))}")
    rest = _unnamed([where(p.box, width, style) for p in others if p.box is not None], style, " other")
    return " ".join(p for p in (_sentence(_and(parts)), rest) if p)


def _unnamed(wheres: list[str], style: str, other: str = "") -> str:
    n = len(wheres)
    if n == 0:
        return ""
    if n > CROWD:
        return _sentence(f"about {about(n)}{other} people")
    if n == 1:
        return _sentence(f"{'another' if other else 'a'} person {placed(wheres[0])}")
    counts = [(w, wheres.count(w)) for w in _order(style) if w in wheres]
    if len(counts) == 1:
        return _sentence(f"{count_word(n)}{other} people {placed(counts[0][0])}")
    return _sentence(f"{count_word(n)}{other} people: " + ", ".join(f"{count_word(c)} {placed(w)}"
                                                                   for w, c in counts))


def things_sentence(things: Sequence[Detection], width: float, style: str = "thirds", limit: int = MAX_THINGS) -> str:
    """At most `limit` kinds of thing, the most salient, by where they are: 'A TV on the left, a table and
    two chairs ahead.'; '' for none."""
    best: dict[str, float] = defaultdict(float)
    for d in things:
        best[d.name] = max(best[d.name], salience(d, width))
    chosen = sorted(best, key=lambda n: -best[n])[:limit]
    wheres: dict[str, list[str]] = defaultdict(list)
    for d in things:
        if d.name in chosen and d.box is not None:
            wheres[d.name].append(where(d.box, width, style))
    order = _order(style)
    parts = []
    for w in order:  # the kinds all in one place, by place: "a table and two chairs ahead"
        names = [n for n in chosen if set(wheres[n]) == {w}]
        if names:
            parts.append(f"{_and([a_thing(n, len(wheres[n])) for n in names])} {placed(w)}")
    for n in chosen:  # a kind in several places, once: "two giraffes on the left and on the right"
        if len(set(wheres[n])) > 1:
            places = [placed(w) for w in order if w in wheres[n]]
            parts.append(f"{a_thing(n, len(wheres[n]))} {_and(places)}")
    return _sentence(", ".join(parts)) if parts else ""


def describe_found(found: Sequence[Detection], width: float, style: str = "thirds") -> str:
    """People, then other things: the detector's part of the describe-now answer."""
    people = [d for d in found if d.category == "person"]
    things = [d for d in found if d.category != "person"]
    return " ".join(p for p in (people_sentence(people, width, style),
                                things_sentence(things, width, style)) if p)


def unsaid_labels(labels: Iterable[Detection], found: Sequence[Detection]) -> list[Detection]:
    """The classifier's labels that name something the detector did not: not a name it said, nor one of the
    classifier's words for it ('screen' for a TV), nor a sort of an animal, a vehicle or a person it said
    (a dog breed, a minivan, a baseball player), nor a person's clothes."""
    words = {w for d in found for w in same_words(d.name)} | {d.name for d in found}
    kinds = {d.category for d in found}
    return [lb for lb in labels if lb.name not in words and SUBSUMED.get(lb.category, "") not in kinds]
