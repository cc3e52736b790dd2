"""The words for things and places that sentences are filled in with, in the user's language: a thing with
its article ("a cup", "une tasse"), another one, the one, a number of them, one of them said alone ("Three
people: two ahead, one on the right": "une" in French), and where something is ("on the left", "at 10
o'clock"). The names' forms come from the catalogs (`build/catalogs.names` writes the English of each
into the template: "a cup", "another cup", "the cup", "{n} cup"/"{n} cups", "one" in the context "one
of the cups"), so a translator gives each its own gender and agreement; the sentences around them are
translated whole.
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
# "one" said alone for one of a kind of thing: the message of `one_of`, in a context for each thing (the
# catalogs hold one for each: `build/catalogs.names`).
ONE, ONE_OF = "one", "one of the {plural}"
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
    """'three cups' in the user's language (the count in words up to twelve); one is 'a cup'."""
    if n == 1:
        return a_thing(name)
    one, many = f"{{n}} {name}", f"{{n}} {plural_of(name)}"
    return np_("things", one, many, n).format(n=number(n))


def one_of(name: str) -> str:
    """'one' said alone for one of the things named, in the user's language, as each thing's catalog entry
    gives it for the thing's gender: one of the people is "une" in French, "eine" in German, "una" in
    Spanish; one of the chairs "une", "einer", "una"; one of the glasses "un", "eins", "uno"."""
    return p_(ONE_OF.format(plural=plural_of(name)), ONE)


def how_many(name: str, n: int) -> str:
    """How many of the things named, said alone: 'two', 'one' (`one_of`: as the thing's gender asks)."""
    return one_of(name) if n == 1 else number(n)


def placed(word: str) -> str:
    """'on the left', 'ahead', 'on the right', 'at 10 o'clock', in the user's language."""
    if word in PLACES:
        return _(PLACES[word])
    return _("at {hour} o'clock").format(hour=word.removesuffix(" o'clock"))
