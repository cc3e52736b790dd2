"""The find channel: G then a name (`locate NAME` on stdin, `--find NAME`), then a ticking sound that leads
the hand to it: a thing the detector names, a word of text, a code, or (issue 24) a known person.

While the target is in view a short tick repeats (`Lead`): panned to where it is left or right
(`tick_pan`), higher when it is above the centre (`tick_level`: 440 Hz at the bottom edge, 880 at the
centre, 1760 at the top), and quicker as it nears the centre and grows in the frame (`tick_interval`: 0.6
s at the edge, 0.1 s centred and close). Centred and close: its name, "ahead, close", once. Unseen for
`LOST` seconds the ticks stop; for `GONE`, "Not in view." once, and again only after it was seen since.

While finding a thing, the detector runs on every step of the loop (its full rate, about ten a second);
the objects channel's runs on the same frame are the same run (`Detectors` runs each model once a
frame). Text is looked for in the live text reader's reads (slow lane, `FindTextChannel` reads when the
text channel does not run in this mode); codes with a code finder of its own on every step.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from assistant.announce.words import a_thing, or_listed, the_thing, vocabulary
from assistant.channels.base import Channel, Context, Lane
from assistant.common import Action, Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_, _, language
from assistant.vision import targets
from assistant.vision.codes import CodeFinder
from assistant.vision.targets import Found, Placement, Target, placement, resolve
from assistant.vision.things import BY_SPOKEN

NOTHING_NAMED = N_("Give a name to look for: a thing, a word, or code.")  # a name without a letter or digit
LOST = 1.0  # seconds unseen: the ticks stop
GONE = 3.0  # seconds unseen: "Not in view." (once, until it is seen again)
SLOWEST, FASTEST = 0.6, 0.1  # seconds between ticks: at the edge and small; centred and close
ON_TIME = 0.03  # a tick due within this is played on this step (steps come once a frame)
CENTRED = 0.2  # |pan| and |tilt| within which it is ahead
PAN_CURVE = 0.6  # offsets near the centre are panned more than linearly: 5% off centre is 3.5 dB, not 1.4
FIND_RATE = 30.0  # steps a second: every frame
SWITCH = 0.15  # a sighting this much surer than the one followed is led to instead
# The share of the frame from which each kind of target is close: a cup at half an arm's length fills
# about 8% of a 60-degree view; a line of text or a code is readable well before.
CLOSE: dict[targets.Kind, float] = {targets.Kind.THING: 0.08, targets.Kind.PERSON: 0.08,
                                    targets.Kind.TEXT: 0.02, targets.Kind.CODE: 0.03}
if set(CLOSE) != set(targets.Kind):
    raise ImportError(f"target kinds without a close size: {set(targets.Kind) - set(CLOSE)}")


def tick_interval(place: Placement, close: float) -> float:
    """Seconds between ticks: `SLOWEST` at the edge and small, down to `FASTEST` centred and close (two
    thirds from centring, one third from size, on a log scale so each step sounds alike)."""
    centring = 1 - min(1.0, math.hypot(place.pan, place.tilt))
    closeness = min(1.0, math.sqrt(place.size / close))
    return SLOWEST * (FASTEST / SLOWEST) ** (2 / 3 * centring + 1 / 3 * closeness)


def tick_pan(pan: float) -> float:
    """The tick's stereo position: hard left at the left edge, centred when centred (`PAN_CURVE`)."""
    return math.copysign(min(1.0, abs(pan)) ** PAN_CURVE, pan)


def tick_level(tilt: float) -> float:
    """The tick's pitch level (0 at the bottom edge .. 1 at the top; see `speech.audio.find_tick`)."""
    return (max(-1.0, min(1.0, tilt)) + 1) / 2


def centred_and_close(place: Placement, close: float) -> bool:
    return abs(place.pan) <= CENTRED and abs(place.tilt) <= CENTRED * 1.5 and place.size >= close


def capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


class Lead:
    """When to tick and what to say, from the sightings of one target. Pure: every call gives the time."""

    def __init__(self, target: Target, now: float) -> None:
        self.target, self.close = target, CLOSE[target.kind]
        self.place: Placement | None = None
        self.seen_at = now  # until it is first seen: when it was asked for
        self.last_tick = -math.inf
        self.said_close = self.said_gone = False

    def update(self, place: Placement | None, now: float, seen_at: float | None = None) -> list[Say]:
        """`place`: where it was seen (at `seen_at`, default now), or None when it was not, or not looked."""
        if place is not None:
            self.place, self.seen_at, self.said_gone = place, now if seen_at is None else seen_at, False
        name = self.target.name
        if self.place is not None and now - self.seen_at <= LOST:
            says = []
            if now - self.last_tick >= tick_interval(self.place, self.close) - ON_TIME:
                self.last_tick = now
                says.append(Say("", Priority.NEXT, Kind.FIND, name, Earcon.FIND_TICK,
                                level=tick_level(self.place.tilt), pan=tick_pan(self.place.pan)))
            if not self.said_close and centred_and_close(self.place, self.close):
                self.said_close = True
                words = _("{name}, ahead, close.").format(name=said_name(self.target, the=True))
                says.append(Say(capitalised(words), Priority.NEXT, Kind.FIND, name, about=name))
            return says
        self.said_close = False  # lost: said again when it is found and centred again
        if now - self.seen_at >= GONE and not self.said_gone:
            self.said_gone = True
            return [Say(_("Not in view."), Priority.NEXT, Kind.FIND, name)]
        return []

    def forget(self, now: float) -> None:
        self.place, self.seen_at = None, now


def said_name(target: Target, the: bool = False) -> str:
    """What is looked for as said: a person's name or the words as typed; a thing by its name in English
    ("Looking for cup."), in another language with its article, the catalogs' ("une tasse", "la tasse"); a
    word for two things as either ("une tasse ou un verre à vin")."""
    if target.kind is not targets.Kind.THING or language() == "en":
        return target.name
    names = [target.name] if target.name in BY_SPOKEN else sorted(
        targets.SPOKEN[key] for key in target.coco | target.others)
    return or_listed([the_thing(name) if the else a_thing(name) for name in names])


def looking_for(target: Target) -> str:
    if target.kind is targets.Kind.CODE:
        return _("Looking for a code.")
    if target.kind is not targets.Kind.TEXT:
        return _("Looking for {name}.").format(name=said_name(target))
    said = (_("Looking for the words {words}.") if len(target.words) > 1 else _("Looking for the word {words}.")
            ).format(words=target.name)
    if not target.guessed:
        return said
    return said + " " + _("Things I can find: {names}, and more.").format(names=", ".join(target.closest))


class FindChannel(Channel):
    """Thread contract: see `Channel`; everything here runs on the loop thread."""

    name: ClassVar[str] = "find"
    modes: ClassVar[frozenset[Mode]] = frozenset(Mode)
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = N_("Could not look for it.")
    actions: ClassVar[frozenset[Action]] = frozenset({Action.LOCATE, Action.STOP})  # S stops finding too

    def __init__(self, ctx: Context) -> None:
        self.ctx, self.rate = ctx, FIND_RATE
        self.detector = ctx.models.detector
        self.people, self.wanted, self.view = ctx.services.finder, ctx.services.wanted, ctx.services.text
        self.lead: Lead | None = None
        self.codes: CodeFinder | None = None
        self.read_at = -math.inf  # the live text read last looked at

    def request(self, action: Action, word: str, frame: np.ndarray | None, now: float) -> list[Say]:
        if action is Action.STOP:
            self.lead = self.wanted.target = None
            return []
        target = resolve(word, self.people.names(), vocabulary())
        if target is None:  # only punctuation: what is looked for stays as it was
            return [Say(_(NOTHING_NAMED), Priority.NOW, Kind.CONTROL)]
        if target.kind is targets.Kind.THING and self.detector is None:
            return [Say(_("I cannot look for things here: the people-and-objects detector is not built."),
                        Priority.NOW, Kind.ERROR)]
        self.lead, self.wanted.target, self.read_at = Lead(target, now), target, -math.inf
        return [Say(looking_for(target), Priority.NOW, Kind.FIND, target.name)]

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        lead = self.lead
        if lead is None:
            return []
        seen = self.sighting(lead.target, frame)
        if seen is None:
            return lead.update(None, now)
        found, at = seen
        h, w = frame.shape[:2]
        places = [(f.score, placement(f.box, w, h)) for f in sorted(found, key=lambda f: -f.score)]
        return lead.update(self.choose(places, lead, now), now, at)

    def sighting(self, target: Target, frame: np.ndarray) -> tuple[list[Found], float | None] | None:
        """The target where it is in view, and when it was seen (None: now); None when there is nothing new
        to look at (no new text read)."""
        kind = target.kind
        if kind is targets.Kind.THING:
            assert self.detector is not None  # a thing is not looked for without it (`request`)
            d = self.detector  # a model runs once a frame, for both channels
            return targets.find_things(target, d.by_source(frame, targets.needs(target, d.sources))), None
        if kind is targets.Kind.CODE:
            self.codes = self.codes or CodeFinder()
            return targets.codes_found(self.codes.find(frame)), None
        if kind is targets.Kind.PERSON:
            return [Found(target.name, score, box) for score, box in self.people.find(frame, target.name)], None
        read, at = self.view.latest, self.view.latest_at
        if read is None or at <= self.read_at:
            return None
        self.read_at = at
        return targets.text_found(target, read.lines), at

    @staticmethod
    def choose(seen: list[tuple[float, Placement]], lead: Lead, now: float) -> Placement | None:
        """The one led to, of (score, where) surest first: while one is followed, the nearest to where it was,
        unless another is surer by `SWITCH` (what was followed may have been a mistake); else the surest."""
        if not seen:
            return None
        last = lead.place
        if last is not None and now - lead.seen_at <= LOST:
            score, place = min(seen, key=lambda s: math.hypot(s[1].pan - last.pan, s[1].tilt - last.tilt))
            if score + SWITCH >= seen[0][0]:
                return place
        return seen[0][1]

    def reset(self) -> None:
        """A new mode: what is looked for stays; where it was is forgotten."""
        if self.lead is not None:
            self.lead.forget(self.ctx.clock())

    def seen(self) -> dict[str, float]:
        lead = self.lead
        return {lead.target.name: lead.seen_at} if lead is not None and lead.place is not None else {}


class FindTextChannel(Channel):
    """While text is looked for, the live text reader reads on the slow lane even in modes where the text
    channel does not (a frame the text channel read is not read twice: `TextView`). Thread contract: see
    `Channel`."""

    name: ClassVar[str] = "find-text"
    modes: ClassVar[frozenset[Mode]] = frozenset(Mode)
    lane: ClassVar[Lane] = Lane.SLOW
    failure: ClassVar[str] = N_("Could not read the text.")

    def __init__(self, ctx: Context) -> None:
        self.rate = ctx.config.vision.ocr_rate
        self.wanted, self.view = ctx.services.wanted, ctx.services.text

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        target = self.wanted.target
        if target is not None and target.kind is targets.Kind.TEXT:
            self.view.read(frame)
        return []
