"""The words for things and places that sentences are filled in with, in the user's language: a thing with
its article ("a cup", "une tasse"), another one, the one, a number of them, one of them said alone ("Three
people: two ahead, one on the right": "une" in French), and where something is ("on the left", "at 10
o'clock"). The names' forms come from the catalogs (`build/catalogs.names` writes the English of each
into the template: "a cup", "another cup", "the cup", "{n} cup"/"{n} cups", "one" in the context "one
of the cups"), so a translator gives each its own gender and agreement; the sentences around them are
translated whole.

And the words a name to find is read with (`vocabulary`): the names of things in every form above, with
the other words for each thing, the words before a name that name nothing, and the words for text and
codes, all from the user's language's catalog (`FIND_MESSAGES`).
"""

from __future__ import annotations

from collections import defaultdict

from assistant.i18n import N_, _, language, np_, number, p_
from assistant.vision import targets
from assistant.vision.targets import Vocabulary, fold
from assistant.vision.things import THINGS, plural_of

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


def or_listed(items: list[str]) -> str:
    """'a cup or a wine glass', as the user's language gives a choice."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


def placed(word: str) -> str:
    """'on the left', 'ahead', 'on the right', 'at 10 o'clock', in the user's language."""
    if word in PLACES:
        return _(PLACES[word])
    return _("at {hour} o'clock").format(hour=word.removesuffix(" o'clock"))


# What a name to find is read with, beyond the names of things: (context, English), `|` between words. The
# catalogs hold each (`build/catalogs.names`), with the other words for each thing (`THING_WORDS_CONTEXT`).
FILLERS_CONTEXT = "words before a name to find that name nothing, | between them (l' for French elision)"
TEXT_CONTEXT = "the word before words of text to find"
CODES_CONTEXT = "words for a code to find, | between them"
THING_WORDS_CONTEXT = "words that find a thing, | between them"
FIND_MESSAGES = ((FILLERS_CONTEXT, "|".join(targets.FILLERS)), (TEXT_CONTEXT, targets.TEXT_WORD),
                 (CODES_CONTEXT, "|".join(targets.CODE_WORDS)),
                 *((THING_WORDS_CONTEXT, "|".join(words)) for words in targets.THING_WORDS.values()))
_vocabularies: dict[str, Vocabulary] = {"en": targets.ENGLISH}


def _said_words(context: str, english: str) -> list[str]:
    return [w for w in (fold(word) for word in p_(context, english).split("|")) if w]


def bare_name(name: str, n: int = 1) -> str:
    """A thing's name with neither article nor count, in the user's language ('tasse', 'Tassen' for two)."""
    one, many = f"{{n}} {name}", f"{{n}} {plural_of(name)}"
    return np_("things", one, many, n).replace("{n}", "").strip()


def _language_vocabulary() -> Vocabulary:
    finds: dict[str, set[str]] = defaultdict(set)  # a word -> the things it finds
    offered: dict[str, str] = {}
    for key, english in targets.THING_WORDS.items():
        shown = bare_name(targets.SPOKEN[key])
        for word in (fold(shown), *_said_words(THING_WORDS_CONTEXT, "|".join(english))):
            finds[word].add(key)
            offered.setdefault(word, shown)
    for thing in THINGS:  # each name in the forms the sentences say it in: "la tasse", "tasses"
        key = thing.coco or thing.spoken
        if key in targets.SPOKEN:
            for form in (a_thing(thing.spoken), the_thing(thing.spoken), bare_name(thing.spoken),
                         bare_name(thing.spoken, 2)):
                finds[fold(form)].add(key)
    fillers = frozenset(_said_words(FILLERS_CONTEXT, "|".join(targets.FILLERS)))
    text = next(iter(_said_words(TEXT_CONTEXT, targets.TEXT_WORD)), targets.TEXT_WORD)
    codes = frozenset(_said_words(CODES_CONTEXT, "|".join(targets.CODE_WORDS)))
    return Vocabulary({word: targets.said_as(keys) for word, keys in finds.items()}, fillers, text, codes, offered,
                      tuple(bare_name(name) for name in targets.EVERYDAY))


def vocabulary() -> Vocabulary:
    """The words a name to find is read with in the user's language (English is read as well: `resolve`)."""
    lang = language()
    if lang not in _vocabularies:
        _vocabularies[lang] = _language_vocabulary()
    return _vocabularies[lang]
