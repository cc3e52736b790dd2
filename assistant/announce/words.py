"""The words for things and places that sentences are filled in with, in the user's language: a thing with
its article ("a cup", "une tasse"), another one, the one, a number of them, and where something is ("on
the left", "at 10 o'clock"). The names' forms come from the catalogs (`build/catalogs.names` writes the
English of each into the template: "a cup", "another cup", "the cup", "{n} cup"/"{n} cups"), so a
translator gives each its own gender and agreement; the sentences around them are translated whole.
"""

from __future__ import annotations

from assistant.i18n import N_, _, np_, number, p_
from assistant.vision.things import plural_of

PLURAL_OR_MASS = {"jeans", "sunglasses", "broccoli", "cauliflower", "hay", "espresso", "red wine", "ice cream",
                  "guacamole", "consomme", "eggnog", "mashed potato", "carbonara", "chocolate sauce", "dough",
                  "wool", "velvet", "swimming trunks", "pajama", "bubble", "coral reef", "binoculars",
                  "parallel bars", "corn", "bread", "face powder"}
# Spelt with a vowel but said with a consonant ("a unicycle", "a European gallinule"), or the other way round.
CONSONANT_SOUND = ("uni", "use", "eu", "one")
VOWEL_SOUND = ("hour", "honest", "heir")
PLACES = {"left": N_("on the left"), "ahead": N_("ahead"), "right": N_("on the right")}


def with_article(name: str) -> str:
    """In English: 'a cup', 'an oven', 'a unicycle', 'an hourglass', 'an African chameleon', 'a TV'; a mass or
    plural-only noun as it is ('espresso', 'binoculars'). The catalogs' key for a thing said alone."""
    if name in PLURAL_OR_MASS:
        return name
    low = name.lower()
    vowel = (low[:1] in "aeiou" and not low.startswith(CONSONANT_SOUND)) or low.startswith(VOWEL_SOUND)
    return ("an " if vowel else "a ") + name


def a_thing(name: str) -> str:
    """'a cup' in the user's language."""
    return p_("a thing", with_article(name))


def another_thing(name: str) -> str:
    """'another cup' in the user's language."""
    key = f"another {name}"  # the catalogs hold every name's forms (see `build/catalogs.names`)
    return p_("another thing", key)


def the_thing(name: str) -> str:
    """'the cup' in the user's language."""
    key = f"the {name}"
    return p_("the thing", key)


def counted(name: str, n: int) -> str:
    """'three cups' in the user's language (the count in words up to twelve)."""
    one, many = f"{{n}} {name}", f"{{n}} {plural_of(name)}"
    return np_("things", one, many, n).format(n=number(n))


def placed(word: str) -> str:
    """'on the left', 'ahead', 'on the right', 'at 10 o'clock', in the user's language."""
    if word in PLACES:
        return _(PLACES[word])
    return _("at {hour} o'clock").format(hour=word.removesuffix(" o'clock"))
