"""How things are said: honest confidence words and short sentences, in the user's language. Each sentence
is one message translated whole (`_("{thing}, {where}.")`), filled in with the words for things and places
(`announce.words`); nothing is glued from translated pieces."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.announce.words import a_thing, another_thing, counted, placed, the_thing, with_article
from assistant.i18n import N_, _, listed, n_, number, sentence
from assistant.vision.detection import Detection

__all__ = ["NOTHING", "arrival", "count_word", "departure", "describe_sentence", "label_sentence", "labels_part",
           "live_text", "named_departure", "people_arrival", "said_labels", "sighting", "text_part", "who_words",
           "with_article"]

NOTHING = N_("Nothing I recognise.")
# Where a sighting is in a still picture, beyond left / ahead / right: off the centre by more than this
# share of the half-width, "a little to the right" (the live find's "ahead" is within it); above or below
# by more than this share of the half-height, "high up", "low down".
NUDGE, HIGH = 0.2, 0.3
# Its size, by its box's share of the picture: small under the first, large from the second (a cup at
# half an arm's length fills about 8%; see `channels.find.CLOSE`).
SIZES = ((0.02, N_("small")), (0.2, N_("medium-sized")), (1.01, N_("large")))


def nothing() -> str:
    return _(NOTHING)


def label_sentence(name: str, score: float, sure: float) -> str:
    """'A laptop.' when sure, 'Probably a laptop.' when likely; the caller drops anything below the floor."""
    if score >= sure:
        return sentence(a_thing(name)) + "."
    return _("Probably {thing}.").format(thing=a_thing(name))


def said_labels(detections: Sequence[Detection], floor: float, limit: int = 3) -> list[Detection]:
    """The labels a description says: at or above the floor, best first, at most `limit`."""
    return [d for d in sorted(detections, key=lambda d: -d.score) if d.score >= floor][:limit]


def labels_part(detections: Sequence[Detection], floor: float, sure: float, limit: int = 3) -> str:
    """The things in view with honest confidence words, or 'Nothing I recognise.'"""
    parts = [label_sentence(d.name, d.score, sure) for d in said_labels(detections, floor, limit)]
    return " ".join(parts) if parts else nothing()


def text_part(lines: Sequence[str], max_lines: int = 3) -> str:
    """'Text: ...' with at most `max_lines` lines and how many more there are; '' without text."""
    if not lines:
        return ""
    shown = _("Text: {lines}").format(lines=" ".join(line.rstrip(".") + "." for line in lines[:max_lines]))
    more = len(lines) - max_lines
    return shown if more <= 0 else shown + " " + n_("And {n} more line.", "And {n} more lines.", more).format(n=more)


def live_text(lines: Sequence[str], limit: int) -> str:
    """At most `limit` lines of live text; the rest are counted, and R reads everything."""
    if len(lines) <= limit:
        return "\n".join(lines)
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + "\n" + n_("{n} more line. Press R to read all.",
                                                "{n} more lines. Press R to read all.", more).format(n=more)


def describe_sentence(detections: Sequence[Detection], text_lines: Sequence[str], light_words: str,
                      floor: float, sure: float, objects: str = "", trusted: bool = True) -> str:
    """The describe-now answer: people and things with where they are (`objects`), what the classifier
    sees with confidence words, any text, and whether it is dark. Not `trusted` (too dark, blurred): no
    things at all, and the light words that say why come first (any text read comes after them)."""
    if not trusted:
        return " ".join(p for p in (light_words, text_part(text_lines)) if p)
    labels = labels_part(detections, floor, sure)
    if objects and labels == nothing():
        labels = ""
    return " ".join(p for p in (objects, labels, text_part(text_lines), light_words) if p)


def count_word(n: int) -> str:
    """A count in words, in the user's language ('three')."""
    return number(n)


def arrival(name: str, plural: str, wheres: Sequence[str], already: int = 0) -> list[str]:
    """What to say when things come into view: 'A person, ahead.', 'Two people, on the left and ahead.',
    'Three bottles.'; when others of the kind are already there, 'Another person, on the left.' each."""
    if already:
        return [sentence(_("{thing}, {where}.").format(thing=another_thing(name), where=placed(w))) for w in wheres]
    if len(wheres) == 1:
        return [sentence(_("{thing}, {where}.").format(thing=a_thing(name), where=placed(wheres[0])))]
    if len(wheres) == 2:
        both = placed(wheres[0]) if wheres[0] == wheres[1] else listed([placed(w) for w in wheres])
        return [sentence(_("{things}, {where}.").format(things=counted(name, 2), where=both))]
    return [sentence(counted(name, len(wheres))) + "."]


def departure(name: str, where_word: str) -> str:
    """'The person on the left has gone.'"""
    return sentence(_("{thing} {where} has gone.").format(thing=the_thing(name), where=placed(where_word)))


def who_words(name: str, sure: bool) -> str:
    """'Anna', or 'probably Anna' when the face is only near enough to be probably hers."""
    return name if sure else _("probably {name}").format(name=name)


def people_arrival(named: Sequence[tuple[str, str]], others: Sequence[str]) -> list[str]:
    """People coming into view when some are known (`named`: (who words, where), `others`: where each of
    the rest is): 'Anna, ahead.', 'Probably Anna, on the left.' each; with others, 'Anna, ahead, and another
    person, on the right.', 'Anna and two other people.'"""
    if not others:
        return [sentence(_("{who}, {where}.").format(who=who, where=placed(w))) for who, w in named]
    if len(named) == 1 and len(others) == 1:
        return [sentence(_("{who}, {where}, and another person, {other}.").format(
            who=named[0][0], where=placed(named[0][1]), other=placed(others[0])))]
    who = listed([who for who, _where in named])
    if len(others) == 1:
        return [sentence(_("{who} and another person.").format(who=who))]
    return [sentence(n_("{who} and {n} other person.", "{who} and {n} other people.", len(others)).format(
        who=who, n=number(len(others))))]


def named_departure(who: str) -> str:
    """'Anna has gone.'"""
    return sentence(_("{who} has gone.").format(who=who))


def sighting(thing: str, where_word: str, pan: float, tilt: float, size: float) -> str:
    """Where one sighting is in a still picture, in words, for `assistant find`: 'a cup, ahead, a little to
    the right, small', 'Anna, on the left, high up, large' (`thing`: what it is, as said; `where_word`: as
    `positions.where` gives it; `pan`, `tilt`: -1 .. 1 from the centre; `size`: its share of the picture)."""
    place = [placed(where_word)]
    if where_word == "ahead" and abs(pan) > NUDGE:
        place.append(_("a little to the right") if pan > 0 else _("a little to the left"))
    if abs(tilt) > HIGH:
        place.append(_("high up") if tilt > 0 else _("low down"))
    size_word = next(word for limit, word in SIZES if size < limit)
    return _("{thing}, {where}, {size}").format(thing=thing, where=", ".join(place), size=_(size_word))
