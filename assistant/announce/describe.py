"""The describe-now answer about people and things, as a person would say it: people first, grouped by
where they are ("Three people: two ahead, one on the right.", "About twelve people."), then at most five
other things, the most salient (large, near the middle, sure), said by where they are ("A TV on the left,
a table and two chairs ahead. Two bottles: one ahead, one on the right."). A count by place says "one"
as the thing's gender asks in the user's language (`words.how_many`: "Trois personnes : une à gauche…").
The classifier's labels are added only for what this did not name (`unsaid_labels`). Pure: the channels
and `assistant describe` call it with what the detector found.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set

from assistant.announce.phrasing import who_words
from assistant.announce.positions import HOURS, THIRDS, where
from assistant.announce.words import a_thing as one_thing
from assistant.announce.words import another_thing, counted, how_many, placed
from assistant.i18n import _, language, listed, n_, number, sentence
from assistant.vision.detection import Detection
from assistant.vision.things import same_words

MAX_THINGS = 5  # other things said, by salience
CROWD = 6  # more people than this: "About twelve people."
# Kinds where the classifier only names a sort of what the detector already said: a dog breed where a dog
# was found, a minivan where a car was. A person's clothes are part of the person.
SUBSUMED = {"animal": "animal", "vehicle": "vehicle", "person": "person", "clothing": "person"}
TENS = ("", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _order(style: str) -> list[str]:
    return list(THIRDS) if style != "clock" else [f"{h} o'clock" for h in HOURS]


def about(n: int) -> str:
    """A count as said of a crowd: exact up to twelve, then to the nearest five, then ten (in words in
    English; as digits in another language, which its voice says in its words)."""
    if n <= 12:
        return number(n)
    rounded = (15 if n < 18 else 20) if n < 20 else min(100, int(round(n / 10.0)) * 10)
    if language() != "en":
        return str(rounded)
    return "fifteen" if rounded == 15 else TENS[rounded // 10] if rounded < 100 else "a hundred"


def a_thing(name: str, n: int = 1) -> str:
    """'a TV', 'an oven', 'broccoli', 'two chairs' (in the user's language)."""
    return one_thing(name) if n == 1 else counted(name, n)


def salience(det: Detection, width: float) -> float:
    """How much a thing stands out: its score, the square root of its area (as a share of the width
    squared: only the order matters), and how near the middle it is (1 in the middle, 0.5 at an edge)."""
    if det.box is None:
        return 0.0
    x0, y0, x1, y1 = det.box
    share = max(0.0, (x1 - x0) * (y1 - y0)) / max(1.0, width * width)
    middle = 1.0 - abs((x0 + x1) / 2 / max(1.0, width) - 0.5)
    return det.score * math.sqrt(share) * middle


def salient_kinds(things: Iterable[Detection], width: float, limit: int = MAX_THINGS) -> list[str]:
    """The names of the `limit` most salient kinds of `things`, most salient first (a kind by its most
    salient thing): what there is room to say, in describe and live alike."""
    best: dict[str, float] = defaultdict(float)
    for d in things:
        best[d.name] = max(best[d.name], salience(d, width))
    return sorted(best, key=lambda n: -best[n])[:limit]


def most_salient(found: Sequence[Detection], width: float, limit: int = MAX_THINGS) -> list[Detection]:
    """What there is room for, in the order it is said: the people first, then the things of the `limit`
    most salient kinds (`salient_kinds`), a kind's things together: the live announcements' order."""
    people = [d for d in found if d.category == "person"]
    kinds = salient_kinds((d for d in found if d.category != "person"), width, limit)
    return people + sorted((d for d in found if d.name in kinds and d.category != "person"),
                           key=lambda d: (kinds.index(d.name), -salience(d, width)))


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
        parts.append(_("{who} {where}").format(who=who_words(p.who, p.who_sure), where=placed(where(p.box, width,
                                                                                                       style))))
    rest = _unnamed([where(p.box, width, style) for p in others if p.box is not None], style, other=True)
    return " ".join(p for p in (sentence(listed(parts)) + ".", rest) if p)


def _unnamed(wheres: list[str], style: str, other: bool = False) -> str:
    """The people not known by name ('other' ones after those who are)."""
    n = len(wheres)
    if n == 0:
        return ""
    if n > CROWD:
        return (_("About {n} other people.") if other else _("About {n} people.")).format(n=about(n))
    if n == 1:
        thing = another_thing("person") if other else one_thing("person")
        return sentence(_("{thing} {where}.").format(thing=thing, where=placed(wheres[0])))
    people = (n_("{n} other person", "{n} other people", n).format(n=number(n)) if other
              else counted("person", n))
    return by_place("person", people, wheres, style)


def by_place(name: str, things: str, wheres: list[str], style: str) -> str:
    """Several of a kind (`things`: 'three people'), by where they are: 'Three people ahead.', 'Three people:
    two ahead, one on the right.' (each count as the thing's gender asks: `how_many`)."""
    counts = [(w, wheres.count(w)) for w in _order(style) if w in wheres]
    if len(counts) == 1:
        return sentence(_("{things} {where}.").format(things=things, where=placed(counts[0][0])))
    each = ", ".join(_("{n} {where}").format(n=how_many(name, c), where=placed(w)) for w, c in counts)
    return sentence(_("{things}: {counts}.").format(things=things, counts=each))


def things_sentence(things: Sequence[Detection], width: float, style: str = "thirds", limit: int = MAX_THINGS) -> str:
    """At most `limit` kinds of thing, the most salient, by where they are: 'A TV on the left, a table and
    two chairs ahead.'; a kind in several places in a sentence of its own (`_apart`); '' for none."""
    chosen = salient_kinds(things, width, limit)
    wheres: dict[str, list[str]] = defaultdict(list)
    for d in things:
        if d.name in chosen and d.box is not None:
            wheres[d.name].append(where(d.box, width, style))
    unsure = {d.name for d in things if not d.sure} - {d.name for d in things if d.sure}
    parts = []
    for w in _order(style):  # the kinds all in one place, by place: "a table and two chairs ahead"
        names = [n for n in chosen if set(wheres[n]) == {w}]
        if names:
            parts.append(_("{things} {where}").format(
                things=listed([_surely(a_thing(n, len(wheres[n])), n not in unsure) for n in names]),
                where=placed(w)))
    together = sentence(", ".join(parts)) + "." if parts else ""
    apart = [_apart(n, wheres[n], style, n not in unsure) for n in chosen if len(set(wheres[n])) > 1]
    return " ".join(p for p in (together, *apart) if p)


def _apart(name: str, wheres: list[str], style: str, sure: bool = True) -> str:
    """A kind in several places: 'Two bottles: one ahead, one on the right.'; more than a few, where they are
    without counting each place: '27 chairs on the left, ahead and on the right.'"""
    things = _surely(a_thing(name, len(wheres)), sure)
    if len(wheres) <= CROWD:
        return by_place(name, things, wheres, style)
    places = [placed(w) for w in _order(style) if w in wheres]
    return sentence(_("{things} {where}.").format(things=things, where=listed(places)))


def _surely(things: str, sure: bool) -> str:
    """'a remote', or 'probably a remote' for a kind `vision.verify` is not sure of (a plain word is a promise)."""
    return things if sure else _("probably {things}").format(things=things)


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


def labels_to_say(labels: Iterable[Detection], found: Sequence[Detection], covered: Set[str]) -> list[Detection]:
    """The classifier's labels for what the detectors have no name for (`covered`: every name of their kinds,
    `Detectors.vocabulary`) and that are no sort of what they named (`unsaid_labels`): describe and
    describe-now, as the live scene channel. A thing of their kinds comes with a box, a place and
    `vision.verify`'s judgement; the same thing said again under another word ("a desk", then "probably a
    dining table") would be one thing said twice, or a phantom the verified detectors left out."""
    return [lb for lb in unsaid_labels(labels, found) if lb.name not in covered]
