"""Every language the assistant knows, one record each: its name, whether text is identified as it, how it
writes a decimal, the scripts its voice says, the other codes voices list it under, and its number words
where it has them (`numberwords`). Every list of languages is read from these records; nothing else names a
language by its code.

A language with number words (en, fr, de, es, it, pt) has its numbers, dates, prices and symbols put into
words by `speech.spoken` before its voice sees them. One without them leaves numbers to its voice, as
Piper leaves them to espeak-ng: espeak-ng's Dutch reads "12,50 €" as Dutch, where English number words read
by a Dutch voice were neither; only long digit strings are cut into groups of digits said one by one
("9 5 5 6, 9 3 9, ..."), as for every language (`numberwords.DIGITS_ONLY`).

The user's language is worked out once, at start (`user_language`, by the CLI), and handed down:
`i18n.language()` holds it for the rest of the run.

Names are English here and translated where they are said (`speech.voices.language_name`); the catalogs
take them from these records (`build.catalogs.names`). Pure data: nothing here imports the package beyond
`numberwords`, so `i18n` can read the records.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant import numberwords
from assistant.numberwords import GERMAN_DAY_ENDINGS, NumberWords

DEFAULT = "en"  # the language of a system whose locale names none here ("C", "POSIX", or one not in the table)


@dataclass(frozen=True)
class Language:
    """One language the assistant can be used in, can name, or can read text in."""

    code: str  # ISO 639-1
    name: str  # in English ("French"): said in the user's language ("Französisch")
    identified: bool  # text is expected in it: it is one of the answers the identifier may give
    decimal_comma: bool  # it writes "12,50" and "1.250": numbers are read, and the assistant's own written, so
    scripts: tuple[str, ...] = ()  # the scripts its voice says beside Latin (first words of Unicode letter names)
    tags: tuple[str, ...] = ()  # other codes a voice of it is listed under ("nb" and "nn" for Norwegian)
    numbers: NumberWords | None = None  # its number words; None: numbers are left as digits for its voice
    word_list: bool = False  # pyspellchecker's list of its words tells its text from OCR noise (vision.textnoise)


def _row(code: str, name: str, identified: bool, decimal_comma: bool, scripts: tuple[str, ...] = (),
         tags: tuple[str, ...] = (), word_list: bool = False, **said: Any) -> Language:
    """A record; `said`, when given, are the number words that are the language's own (`numberwords.words`)."""
    return Language(code, name, identified, decimal_comma, scripts, tags,
                    numberwords.words(code, decimal_comma, **said) if said else None, word_list)


ROWS = (
    _row("en", "English", True, False, word_list=True,
         point="point", fraction_as_number=False, percent="percent", plus="plus",
         times="times", number_sign="number", hash="hash", digit_count="a number of {} digits",
         digit_count_gender="", cents=" {n} {sub}", minus="minus", version="version", dot="point", price_zero="oh",
         degree=("degree", "degrees")),
    _row("fr", "French", True, True, word_list=True,
         point="virgule", fraction_as_number=True, percent="pour cent", plus="plus",
         times="fois", number_sign="numéro", hash="dièse", digit_count="un nombre de {} chiffres",
         digit_count_gender="m", cents=" {n}", of="de", elide=True, zero_singular=True, minus="moins",
         version="version", dot="point", price_zero="zéro", degree=("degré", "degrés"),
         forms=("phone pairs", "ordinal suffix", "hour mark")),
    _row("de", "German", True, True, word_list=True,
         point="Komma", fraction_as_number=False, percent="Prozent", plus="plus",
         times="mal", number_sign="Nummer", hash="Raute", digit_count="eine Zahl mit {} Ziffern",
         digit_count_gender="f", cents=" {n}", minus="minus", version="Version", dot="Punkt", price_zero="null",
         degree=("Grad", "Grad"), forms=("Uhr", "day and month"), day_endings=GERMAN_DAY_ENDINGS),
    _row("es", "Spanish", True, True, word_list=True,
         point="coma", fraction_as_number=True, percent="por ciento", plus="más",
         times="por", number_sign="número", hash="almohadilla", digit_count="un número de {} cifras",
         digit_count_gender="f", cents=" con {n}", of="de", minus="menos", version="versión", dot="punto",
         price_zero="", degree=("grado", "grados"), forms=("ordinal mark", "hour mark")),
    _row("it", "Italian", True, True, word_list=True,
         point="virgola", fraction_as_number=True, percent="per cento", plus="più",
         times="per", number_sign="numero", hash="cancelletto", digit_count="un numero di {} cifre",
         digit_count_gender="f", cents=" e {n}", of="di", minus="meno", version="versione", dot="punto",
         price_zero="", degree=("grado", "gradi"), forms=("ordinal mark", "hour mark")),
    _row("pt", "Portuguese", True, True, word_list=True,
         point="vírgula", fraction_as_number=True, percent="por cento",
         plus="mais", times="vezes", number_sign="número", hash="cardinal", digit_count="um número de {} algarismos",
         digit_count_gender="m", cents=" e {n}", of="de", minus="menos", version="versão", dot="ponto",
         price_zero="", degree=("grau", "graus"), forms=("ordinal mark", "hour mark")),
    _row("nl", "Dutch", True, True, word_list=True),
    _row("sv", "Swedish", True, True),
    _row("da", "Danish", True, True),
    _row("no", "Norwegian", True, True, tags=("nb", "nn")),
    _row("fi", "Finnish", True, True),
    _row("pl", "Polish", True, True),
    _row("cs", "Czech", True, True),
    _row("sk", "Slovak", False, True),  # not identified: Czech text would pass for Slovak
    _row("sl", "Slovenian", False, True),
    _row("hr", "Croatian", False, True),
    _row("ro", "Romanian", True, True),
    _row("hu", "Hungarian", True, True),
    _row("tr", "Turkish", True, True),
    _row("el", "Greek", True, True, scripts=("GREEK",)),
    _row("ru", "Russian", True, True, scripts=("CYRILLIC",)),
    _row("uk", "Ukrainian", False, True, scripts=("CYRILLIC",)),
    _row("bg", "Bulgarian", False, True, scripts=("CYRILLIC",)),
    _row("ca", "Catalan", False, True),
    _row("ga", "Irish", False, False),
    _row("cy", "Welsh", False, False),
    _row("is", "Icelandic", False, True),
    _row("et", "Estonian", False, True),
    _row("lv", "Latvian", False, True),
    _row("lt", "Lithuanian", False, True),
    # espeak-ng's Japanese says kana and calls each kanji "Japanese letter": kanji are not its script here.
    _row("ja", "Japanese", False, False, scripts=("HIRAGANA", "KATAKANA")),
    _row("zh", "Chinese", False, False, scripts=("CJK",)),
    _row("ko", "Korean", False, False, scripts=("HANGUL",)),
    _row("ar", "Arabic", False, False, scripts=("ARABIC",)),
    _row("he", "Hebrew", False, False, scripts=("HEBREW",)),
    _row("hi", "Hindi", False, False, scripts=("DEVANAGARI",)),
)
LANGUAGES: dict[str, Language] = {row.code: row for row in ROWS}
# The languages text is expected in (a set of European languages that a voice here speaks; the user's own is
# always added): over a hundred would let Dutch pass for Afrikaans and Czech for Slovak.
IDENTIFIED = tuple(code for code, row in LANGUAGES.items() if row.identified)
BY_TAG = {tag: row.code for row in ROWS for tag in (row.code, *row.tags)}  # "nb" -> "no"


def _check() -> None:
    """Checked at import: one record a code, number words for every column of the word tables, each
    complete."""
    said = {code for code, row in LANGUAGES.items() if row.numbers is not None}
    if len(LANGUAGES) != len(ROWS) or said != set(numberwords.CODES) or len(BY_TAG) != sum(
            1 + len(row.tags) for row in ROWS):
        raise ImportError("the languages table has a code twice, or number words that are not a record's")
    for row in ROWS:
        if row.numbers is not None:
            numberwords.check(row.numbers)


_check()


def key(code: str | None) -> str:
    """"fr-CA", "pt_BR", "FR", "nb" -> "fr", "pt", "fr", "no"; None -> the default, English."""
    base = (code or DEFAULT).strip().lower().replace("_", "-").split("-")[0]
    return BY_TAG.get(base, base)


def record(code: str | None) -> Language:
    """The record of an ISO 639-1 code ("fr", "fr-CA", "pt_BR" and "FR" are French and Portuguese); for a code
    not in the table, one that names it by its code, with a decimal point and no number words."""
    found = key(code)
    return LANGUAGES.get(found) or Language(found, found, identified=False, decimal_comma=False)


def scripts(code: str | None) -> tuple[str, ...]:
    """The scripts a voice of language `code` says (first words of Unicode letter names): Latin, and its own."""
    return ("LATIN", *record(code).scripts)


def user_language(configured: str = "", environ: Mapping[str, str] | None = None) -> str:
    """The user's language, worked out once at start: the configured one, else the system locale's
    (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext looks), else English. "fr_FR.UTF-8" -> "fr"; "C" and
    "POSIX" are English, and so is a language not in the table."""
    if configured:
        return configured
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").split(":")[0]
        code = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
        if code and code not in ("c", "posix"):
            return code if code in LANGUAGES else DEFAULT
    return DEFAULT
