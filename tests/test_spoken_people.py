"""Numbers said as people say them (issue 28, point 2), in English, French, German and Spanish: card numbers
in their groups, references with letters, prices without a currency, simple fractions, temperatures, version
numbers, phone numbers before punctuation, German dates in their case. The patterns stay linear on long
hostile text."""

from __future__ import annotations

import time

import pytest

from assistant.speech import languages, numbers
from assistant.speech import spoken as spoken_module
from assistant.speech.spoken import spoken

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
    english = languages.LANGUAGES["en"]
    for word in ("500ML", "5000mAh", "1990s", "1000th", "1920x1080", "A10", "COVID-19", "KR600"):
        assert numbers.reference_words(word, english) is None, word
    assert numbers.reference_words("3871SS", english) == "three eight seven one S S"


def test_a_card_number_in_groups_is_never_said_in_thousands() -> None:
    for code in ("en", "fr", "de", "es", "it", "pt"):
        said = spoken("4111 1111 1111 1111", code)
        assert not any(word in said for word in ("thousand", "mille", "tausend", "mil ")), (code, said)


HOSTILE = ["4111 " * 2_000, "1/" * 5_000, "-" + "1-" * 5_000, "v1." * 3_300, "a1-" * 3_300, "1.1." * 2_500,
           "-5°" * 3_300, "12.50 " * 1_600, "+1 2, " * 2_000, "am 1.1. " * 1_200, "W1" * 5_000, "1 1/2 " * 1_600]


def test_the_new_patterns_stay_linear_on_long_hostile_text() -> None:
    for text in HOSTILE:
        for code in ("en", "de"):
            started = time.perf_counter()
            spoken(text + "!", code)
            assert time.perf_counter() - started < 2, (code, text[:12])


def test_every_pattern_meets_runs_of_the_new_shapes_in_linear_time() -> None:
    shapes = ["4111 ", "1/", "1-", "v1.", "a1-", "-5°", "12.50 ", "W1", "1 1/2 ", "1 ", "1,"]
    for name, pattern in vars(spoken_module).items():
        if isinstance(pattern, type(spoken_module.NUMBER)):
            for shape in shapes:
                text = shape * (20_000 // len(shape)) + "!"
                started = time.perf_counter()
                pattern.subn("", text)
                assert time.perf_counter() - started < 0.5, (name, shape)
