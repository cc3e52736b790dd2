"""Numbers said as people say them (issue 28, point 2), in English, French, German and Spanish: card numbers
in their groups, references with letters, prices without a currency, simple fractions, temperatures, version
numbers, phone numbers before punctuation, German dates in their case; and text in a script no voice here
can say is left out with one note, never announced by its language's name first. The patterns stay linear
on long hostile text."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import i18n, languages
from assistant.speech import numbers
from assistant.speech import spoken as spoken_module
from assistant.speech.spoken import OTHER_SCRIPT, spoken
from assistant.speech.voices import Voices

ROOT = Path(__file__).resolve().parents[1]

SAID = {  # language -> (text as written, what the voice must be given)
    "en": [
        ("4111 1111 1111 1111", "four one one one, one one one one, one one one one, one one one one"),
        ("Card 3782 822463 10005.", "Card three seven eight two, eight two two four six three, "
                                    "one zero zero zero five."),
        ("CO. REG. NO: 789417-W", "CO. REG. NO: seven eight nine, four one seven, W"),
        ("RECEIPT #: CSPD029197", "RECEIPT number: C S P D zero two nine, one nine seven"),
        ("500ML COKE 2.28", "five hundred ML COKE two twenty-eight"),  # a quantity is no reference
        ("Coffee 9.00", "Coffee nine"),
        ("Total 12.50", "Total twelve fifty"),
        ("Change 0.05", "Change zero oh five"),
        ("RM 30.91", "thirty ringgit ninety-one sen"),
        ("$12.50", "twelve dollars fifty cents"),
        ("Water 1.25 L", "Water one point two five L"),  # a measure keeps its decimal point
        ("TOTAL 9.81 0.59 10.40", "TOTAL nine eighty-one, zero fifty-nine, ten forty"),  # apart: three prices
        ("INV NO: CS-SA-0130363", "INV NO: C S, S A, zero one three zero, three six three"),
        ("SR I00100000171-MEAT DISH", "SR I zero zero one zero, zero zero zero zero, one seven one, MEAT DISH"),
        ("1/2 cup sugar", "one half cup sugar"),
        ("3/4 cup milk, 1 1/2 cups flour", "three quarters cup milk, one and one half cups flour"),
        ("2/3 of them", "two thirds of them"),
        ("-5°C", "minus five degrees Celsius"),
        ("Freezer -18 °F, fridge 1°C", "Freezer minus eighteen degrees Fahrenheit, fridge one degree Celsius"),
        ("DISCOUNT -2.00", "DISCOUNT minus two"),
        ("v2.3.1", "version two point three point one"),
        ("Update to v10.04 now", "Update to version ten point zero four now"),
        ("TEL : 03-7731 8169.", "TEL: zero three, seven seven three one, eight one six nine."),
        ("Call 03-7731 8169, then press 1.", "Call zero three, seven seven three one, eight one six nine, then "
                                             "press one."),
        ("Tel +44 20 7946 0958.", "Tel plus four four, two zero, seven nine four six, zero nine five eight."),
    ],
    "fr": [
        ("Carte 4111 1111 1111 1111", "Carte quatre un un un, un un un un, un un un un, un un un un"),
        ("Réf. 789417-W", "Réf. sept huit neuf, quatre un sept, W"),
        ("Café 9,00", "Café neuf"),
        ("Pain 12,50", "Pain douze cinquante"),
        ("1/2 tasse de lait", "un demi tasse de lait"),
        ("3/4 de litre", "trois quarts de litre"),
        ("-5°C", "moins cinq degrés Celsius"),
        ("v2.3.1", "version deux point trois point un"),
        ("Tél. 01 23 45 67 89, merci", "Tél. zéro un, vingt-trois, quarante-cinq, soixante-sept, "
                                       "quatre-vingt-neuf, merci"),
        ("Appelez le +33 1 23 45 67 89.", "Appelez le plus trente-trois, un, vingt-trois, quarante-cinq, "
                                          "soixante-sept, quatre-vingt-neuf."),
        ("le 12/02/2018", "le douze février deux mille dix-huit"),
        ("le 1/2/2018", "le premier février deux mille dix-huit"),
    ],
    "de": [
        ("Karte 4111 1111 1111 1111", "Karte vier eins eins eins, eins eins eins eins, eins eins eins eins, "
                                      "eins eins eins eins"),
        ("Az. 789417-W", "Az. sieben acht neun, vier eins sieben, W"),
        ("Brot 9,00", "Brot neun"),
        ("Kaffee 12,50", "Kaffee zwölf fünfzig"),
        ("1/2 Tasse", "ein halb Tasse"),
        ("2/3 davon", "zwei Drittel davon"),
        ("-5°C", "minus fünf Grad Celsius"),
        ("v2.3.1", "Version zwei Punkt drei Punkt eins"),
        ("Tel. +49 30 1234567.", "Tel. plus vier neun, drei null, eins zwei drei vier, fünf sechs sieben."),
        ("am 12.02.2018", "am zwölften Februar zweitausendachtzehn"),
        ("Gültig bis zum 1.3.2026", "Gültig bis zum ersten März zweitausendsechsundzwanzig"),
        ("Berlin, den 12.02.2018", "Berlin, den zwölften Februar zweitausendachtzehn"),
        ("vom 14.11. bis 20.11.", "vom vierzehnten November, bis zwanzigsten November"),
        ("Datum: 12.02.2018", "Datum: zwölfter Februar zweitausendachtzehn"),  # standing alone: nominative
        ("12.02.2018", "zwölfter Februar zweitausendachtzehn"),
        ("der 3.10.1990", "der dritte Oktober neunzehnhundertneunzig"),
    ],
    "es": [
        ("Tarjeta 4111 1111 1111 1111", "Tarjeta cuatro uno uno uno, uno uno uno uno, uno uno uno uno, "
                                        "uno uno uno uno"),
        ("Ref. 789417-W", "Ref. siete ocho nueve, cuatro uno siete, W"),
        ("Pan 9,00", "Pan nueve"),
        ("Café 12,50", "Café doce con cincuenta"),
        ("1/2 taza", "un medio taza"),
        ("3/4 de kilo", "tres cuartos de kilo"),
        ("-5°C", "menos cinco grados Celsius"),
        ("v2.3.1", "versión dos punto tres punto uno"),
        ("Tel. +34 91 123 45 67.", "Tel. más tres cuatro, nueve uno, uno dos tres, cuatro cinco, seis siete."),
        ("el 12/02/2018", "el doce de febrero de dos mil dieciocho"),
        ("el 1/2/2018", "el uno de febrero de dos mil dieciocho"),
    ],
}


@pytest.mark.parametrize(("code", "text", "words"), [(code, *row) for code, rows in SAID.items() for row in rows])
def test_numbers_are_said_as_people_say_them(code: str, text: str, words: str) -> None:
    assert spoken(text, code) == words


def test_quantities_sizes_and_short_codes_are_no_references() -> None:
    english = languages.LANGUAGES["en"].numbers
    for word in ("500ML", "5000mAh", "1990s", "1000th", "1920x1080", "A10", "COVID-19", "KR600"):
        assert numbers.reference_words(word, english) is None, word
    assert numbers.reference_words("3871SS", english) == "three eight seven one S S"


def test_a_card_number_in_groups_is_never_said_in_thousands() -> None:
    for code in ("en", "fr", "de", "es", "it", "pt"):
        said = spoken("4111 1111 1111 1111", code)
        assert not any(word in said for word in ("thousand", "mille", "tausend", "mil ")), (code, said)


GREEK = "Η βιβλιοθήκη του πανεπιστημίου είναι ανοιχτή όλη την ημέρα."


@pytest.mark.parametrize(("code", "word"), [("ru", "Привет"), ("uk", "Вихід"), ("el", "Έξοδος"), ("zh", "出口"),
                                           ("ja", "ひらがな"), ("ko", "출구"), ("ar", "مخرج"), ("he", "יציאה"),
                                           ("hi", "नमस्ते")])
def test_a_voice_of_a_language_keeps_its_own_script_and_others_leave_it_out(code: str, word: str) -> None:
    assert spoken(f"{word} OK!", code) == f"{word} OK!"
    assert spoken(f"{word} OK!", "en") == f"OK!\n{OTHER_SCRIPT}"  # vowel signs go with their letters
    assert spoken("漢字 かな", "ja") == f"かな\n{OTHER_SCRIPT}"  # espeak-ng's Japanese says kana, not kanji


class Catalogued:
    """A voice as `voices_iter` lists it."""

    def __init__(self, engine: str, name: str, language: str) -> None:
        self.engine, self.name, self.language = engine, name, language


def test_text_a_voice_here_says_keeps_its_letters_and_is_named_first() -> None:
    voices = Voices(None, "en", catalogue=[Catalogued("system", "Greek", "el")], first_name="en_US-joe-medium")
    pieces, _ = voices.announced(voices.plan(GREEK, "el"), "en")
    assert [(p.language, p.voice, p.text) for p in pieces] == [("en", "en_US-joe-medium", "Greek."),
                                                               ("el", "Greek", GREEK)]


def test_text_no_voice_here_says_is_not_named_then_dropped_but_left_out_with_one_note() -> None:
    voices = Voices(None, "en", catalogue=[], first_name="en_US-joe-medium")
    pieces, heard = voices.announced(voices.plan(f"{GREEK}\nExit 3", "el"), "en")
    assert [(p.language, p.text) for p in pieces] == [("en", f"Exit three\n{OTHER_SCRIPT}")]
    assert heard == "en"
    pieces, _ = voices.announced(voices.plan(GREEK, "el"), "en")
    assert [(p.language, p.text) for p in pieces] == [("en", OTHER_SCRIPT)]  # no "Greek." before nothing


def test_the_note_is_said_once_by_the_users_voice_in_the_users_language() -> None:
    voices = Voices(None, "fr", catalogue=[Catalogued("system", "German", "de")], first_name="French")
    i18n.use("fr")
    try:
        pieces = voices.plan("Ausgang 米 links", "de")
    finally:
        i18n.use("en")
    assert [(p.language, p.voice, p.text) for p in pieces] == [
        ("de", "German", "Ausgang links"), ("fr", "French", "Du texte dans une autre écriture.")]


def test_say_dry_run_gives_greek_to_the_greek_voice() -> None:
    done = subprocess.run([sys.executable, "-m", "assistant", "say", "--dry-run", "--json", GREEK],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    if not any(row["language"] == "el" for row in rows):
        pytest.skip("no Greek voice here")
    assert [(r["language"], r["text"]) for r in rows] == [("en", "Greek."), ("el", GREEK)]


HOSTILE = ["4111 " * 2_000, "1/" * 5_000, "-" + "1-" * 5_000, "v1." * 3_300, "a1-" * 3_300, "1.1." * 2_500,
           "-5°" * 3_300, "12.50 " * 1_600, "+1 2, " * 2_000, "am 1.1. " * 1_200, "W1" * 5_000, "1 1/2 " * 1_600]


def test_the_new_patterns_stay_linear_on_long_hostile_text() -> None:
    """10,000 characters of each new shape, put into words: about 0.5 s on a quiet machine (num2words for each
    number); a pattern that backtracked would take minutes."""
    for text in HOSTILE:
        for code in ("en", "de"):
            started = time.perf_counter()
            spoken(text + "!", code)
            assert time.perf_counter() - started < 10, (code, text[:12])


def test_every_pattern_meets_runs_of_the_new_shapes_in_linear_time() -> None:
    shapes = ["4111 ", "1/", "1-", "v1.", "a1-", "-5°", "12.50 ", "W1", "1 1/2 ", "1 ", "1,", "Version 1.", "v"]
    for name, pattern in vars(spoken_module).items():
        if isinstance(pattern, type(spoken_module.NUMBER)):
            for shape in shapes:
                text = shape * (10_000 // len(shape)) + "!"
                started = time.perf_counter()
                pattern.subn("", text)
                assert time.perf_counter() - started < 1, (name, shape)
