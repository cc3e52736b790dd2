"""How things are said: articles, honest confidence words, short sentences."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.announce.positions import placed
from assistant.vision.detection import Detection

PLURAL_OR_MASS = {"jeans", "sunglasses", "broccoli", "cauliflower", "hay", "espresso", "red wine", "ice cream",
                  "guacamole", "consomme", "eggnog", "mashed potato", "carbonara", "chocolate sauce", "dough",
                  "wool", "velvet", "swimming trunks", "pajama", "bubble", "coral reef", "binoculars",
                  "parallel bars", "corn", "bread", "face powder"}
# Spelt with a vowel but said with a consonant ("a unicycle", "a European gallinule"), or the other way round.
CONSONANT_SOUND = ("uni", "use", "eu", "one")
VOWEL_SOUND = ("hour", "honest", "heir")


def with_article(name: str) -> str:
    """'a cup', 'an oven', 'a unicycle', 'an hourglass', 'an African chameleon', 'a TV'; a mass or plural-only
    noun as it is ('espresso', 'binoculars')."""
    if name in PLURAL_OR_MASS:
        return name
    low = name.lower()
    vowel = (low[:1] in "aeiou" and not low.startswith(CONSONANT_SOUND)) or low.startswith(VOWEL_SOUND)
    return ("an " if vowel else "a ") + name


def label_sentence(name: str, score: float, sure: float) -> str:
    """'A laptop.' when sure, 'Probably a laptop.' when likely; the caller drops anything below the floor."""
    if score >= sure:
        phrase = with_article(name)
        return phrase[:1].upper() + phrase[1:] + "."
    return f"Probably {with_article(name)}."


NOTHING = "Nothing I recognise."


def said_labels(detections: Sequence[Detection], floor: float, limit: int = 3) -> list[Detection]:
    """The labels a description says: at or above the floor, best first, at most `limit`."""
    return [d for d in sorted(detections, key=lambda d: -d.score) if d.score >= floor][:limit]


def labels_part(detections: Sequence[Detection], floor: float, sure: float, limit: int = 3) -> str:
    """The things in view with honest confidence words, or 'Nothing I recognise.'"""
    parts = [label_sentence(d.name, d.score, sure) for d in said_labels(detections, floor, limit)]
    return " ".join(parts) if parts else NOTHING


def text_part(lines: Sequence[str], max_lines: int = 3) -> str:
    """'Text: ...' with at most `max_lines` lines and how many more there are; '' without text."""
    if not lines:
        return ""
    shown = lines[:max_lines]
    more = f" And {len(lines) - max_lines} more lines." if len(lines) > max_lines else ""
    return "Text: " + " ".join(line.rstrip(".") + "." for line in shown) + more


def live_text(lines: Sequence[str], limit: int) -> str:
    """At most `limit` lines of live text; the rest are counted, and R reads everything."""
    if len(lines) <= limit:
        return "\n".join(lines)
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + f"\n{more} more line{'s' if more > 1 else ''}. Press R to read all."


def describe_sentence(detections: Sequence[Detection], text_lines: Sequence[str], light_words: str,
                      floor: float, sure: float, objects: str = "", trusted: bool = True) -> str:
    """The describe-now answer: people and things with where they are (`objects`), what the classifier
    sees with confidence words, any text, and whether it is dark. Not `trusted` (too dark, blurred): no
    things at all, the light words say why."""
    labels = labels_part(detections, floor, sure) if trusted else ""
    objects = objects if trusted else ""
    if objects and labels == NOTHING:
        labels = ""
    return " ".join(p for p in (objects, labels, text_part(text_lines), light_words) if p)


NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def count_word(n: int) -> str:
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def arrival(name: str, plural: str, wheres: Sequence[str], already: int = 0) -> list[str]:
    """What to say when things come into view: 'A person, ahead.', 'Two people, on the left and ahead.',
    'Three bottles.'; when others of the kind are already there, 'Another person, on the left.' each."""
    if already:
        return [_sentence(f"another {name}, {placed(w)}") for w in wheres]
    if len(wheres) == 1:
        return [_sentence(f"{with_article(name)}, {placed(wheres[0])}")]
    if len(wheres) == 2:
        both = placed(wheres[0]) if wheres[0] == wheres[1] else f"{placed(wheres[0])} and {placed(wheres[1])}"
        return [_sentence(f"{count_word(2)} {plural}, {both}")]
    return [_sentence(f"{count_word(len(wheres))} {plural}")]


def departure(name: str, where_word: str) -> str:
    """'The person on the left has gone.'"""
    return _sentence(f"the {name} {placed(where_word)} has gone")


def who_words(name: str, sure: bool) -> str:
    """'Anna', or 'probably Anna' when the face is only near enough to be probably hers."""
    return name if sure else f"probably {name}"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def people_arrival(named: Sequence[tuple[str, str]], others: Sequence[str]) -> list[str]:
    """People coming into view when some are known (`named`: (who words, where), `others`: where each of
    the rest is): 'Anna, ahead.', 'Probably Anna, on the left.' each; with others, 'Anna, ahead, and another
    person, on the right.', 'Anna and two other people.'"""
    if not others:
        return [_sentence(f"{who}, {placed(w)}") for who, w in named]
    if len(named) == 1 and len(others) == 1:
        return [_sentence(f"{named[0][0]}, {placed(named[0][1])}, and another person, {placed(others[0])}")]
    rest = "another person" if len(others) == 1 else f"{count_word(len(others))} other people"
    return [_sentence(f"{_and([who for who, _ in named])} and {rest}")]


def named_departure(who: str) -> str:
    """'Anna has gone.'"""
    return _sentence(f"{who} has gone")


def group_description(name: str, plural: str, wheres: Sequence[str]) -> str:
    """For describe-now: 'A laptop, ahead.', 'Two people: one on the left, one ahead.', 'Five bottles.'"""
    if len(wheres) == 1:
        return _sentence(f"{with_article(name)}, {placed(wheres[0])}")
    if len(set(wheres)) == 1:
        return _sentence(f"{count_word(len(wheres))} {plural}, {placed(wheres[0])}")
    if len(wheres) <= 3:
        return _sentence(f"{count_word(len(wheres))} {plural}: " + ", ".join(f"one {placed(w)}" for w in wheres))
    return _sentence(f"{count_word(len(wheres))} {plural}")
