"""Numbers in the text's language (issue 25, point 2): receipts, letters and signs in French, German, Spanish,
Italian and Portuguese, each line checked word for word; the agreements num2words gets wrong; and the same
bounds as in English (linear patterns, 100,000 characters in bounded time)."""

from __future__ import annotations

import re
import time

import pytest

from assistant import languages, numberwords
from assistant.speech import numbers
from assistant.speech import spoken as spoken_module
from assistant.speech.spoken import OTHER_SCRIPT, spoken

LINES = {  # language -> (a line as printed, what the voice must be given)
    "fr": [
        ("Total 12,50 €", "Total douze euros cinquante"),
        ("TOTAL TTC 1 250,00 €", "TOTAL TTC mille deux cent cinquante euros"),
        ("Baguette tradition 1,00 €", "Baguette tradition un euro"),
        ("Sac 0,99 €", "Sac quatre-vingt-dix-neuf centimes"),
        ("TVA 20 % 2,08 €", "TVA vingt pour cent deux euros huit"),
        ("Remise 12,5 %", "Remise douze virgule cinq pour cent"),
        ("Paris, le 14/11/2026", "Paris, le quatorze novembre deux mille vingt-six"),
        ("Rendez-vous le 01.03.2026 à 8:13",
         "Rendez-vous le premier mars deux mille vingt-six, à huit heures treize"),
        ("Fermé le 1er mai, bureau au 2e étage", "Fermé le premier mai, bureau au deuxième étage"),
        ("Ouvert de 9h à 18h30", "Ouvert de neuf heures à dix-huit heures trente"),
        ("Ticket n° 4521 - Caisse 3 - 15:46",
         "Ticket numéro quatre mille cinq cent vingt et un - Caisse trois - quinze heures quarante-six"),
        ("Tél. : 01 23 45 67 89", "Tél.: zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf"),
        ("Standard +33 (0)1 42 68 53 00",
         "Standard plus trente-trois, un, quarante-deux, soixante-huit, cinquante-trois, zéro zéro"),
        ("Population : 2.000.000 habitants", "Population: deux millions habitants"),
        ("Prix 2 000 000 €", "Prix deux millions d'euros"),
        ("Livraison £1", "Livraison une livre"),
        ("Montréal : 12,50 $", "Montréal: douze dollars cinquante"),
        ("Contact : info@exemple.fr", "Contact: info arobase exemple.fr"),
    ],
    "de": [
        ("Total 12,50 €", "Total zwölf Euro fünfzig"),
        ("Summe EUR 1.250,00", "Summe eintausendzweihundertfünfzig Euro"),
        ("MwSt. 19 % 1,99 €", "MwSt. neunzehn Prozent ein Euro neunundneunzig"),
        ("Pfand 0,25 €", "Pfand fünfundzwanzig Cent"),
        ("Datum: 14.11.2026 15:46", "Datum: vierzehnter November zweitausendsechsundzwanzig, fünfzehn Uhr "
                                    "sechsundvierzig"),
        ("Berlin, 1.3.2026", "Berlin, erster März zweitausendsechsundzwanzig"),
        ("Geöffnet Sa. 14.11. ab 8.30 Uhr", "Geöffnet Sa. vierzehnter November, ab acht Uhr dreißig"),
        ("Abfahrt 1 Uhr", "Abfahrt ein Uhr"),
        ("Rabatt 2,5 %", "Rabatt zwei Komma fünf Prozent"),
        ("Einwohner: 1.234.567",
         "Einwohner: eine Million zweihundertvierunddreißigtausendfünfhundertsiebenundsechzig"),
        ("Tel. +49 30 1234567", "Tel. plus vier neun, drei null, eins zwei drei vier, fünf sechs sieben"),
        ("Kundennummer 0042", "Kundennummer null null vier zwei"),
        ("§ 3 Abs. 2", "Paragraf drei Abs. zwei"),
    ],
    "es": [
        ("Total 12,50 €", "Total doce euros con cincuenta"),
        ("TOTAL 21,00 €", "TOTAL veintiún euros"),
        ("IVA 21 % 2,63 €", "IVA veintiuno por ciento dos euros con sesenta y tres"),
        ("Bolsa 0,05 €", "Bolsa cinco céntimos"),
        ("Madrid, 14/11/2026", "Madrid, catorce de noviembre de dos mil veintiséis"),
        ("Horario: 9:00 a 14:30", "Horario: nueve horas a catorce y treinta"),
        ("Abierto a la 1:15", "Abierto a la una y quince"),
        ("Tel. +34 91 123 45 67", "Tel. más tres cuatro, nueve uno, uno dos tres, cuatro cinco, seis siete"),
        ("Descuento 12,5 %", "Descuento doce coma cinco por ciento"),
        ("Precio £200", "Precio doscientas libras"),
        ("Consulta: 1º piso, puerta 2ª", "Consulta: primer piso, puerta segunda"),
        ("Premio 21.000 €", "Premio veintiún mil euros"),
        ("Habitantes: 3.000.000", "Habitantes: tres millones"),
    ],
    "it": [
        ("Totale 12,50 €", "Totale dodici euro e cinquanta"),
        ("TOTALE EUR 1,00", "TOTALE un euro"),
        ("IVA 22% 2,16", "IVA ventidue per cento due e sedici"),
        ("Sconto 0,50 €", "Sconto cinquanta centesimi"),
        ("Roma, 1/3/2026", "Roma, primo marzo duemilaventisei"),
        ("Data 14.11.2026 ore 15:46", "Data quattordici novembre duemilaventisei, ore quindici e quarantasei"),
        ("Orario 8:30 - 13:00", "Orario otto e trenta - ore tredici"),
        ("Tel. +39 06 1234 5678", "Tel. più tre nove, zero sei, uno due tre quattro, cinque sei sette otto"),
        ("Prezzo 1.250,00 €", "Prezzo milleduecentocinquanta euro"),
        ("Spedizione £1", "Spedizione una sterlina"),
        ("Biglietto 2ª classe", "Biglietto seconda classe"),
    ],
    "pt": [
        ("Total 12,50 €", "Total doze euros e cinquenta"),
        ("IVA 23 % 2,87 €", "IVA vinte e três por cento dois euros e oitenta e sete"),
        ("Saco 0,10 €", "Saco dez cêntimos"),
        ("Café 1,00 €", "Café um euro"),
        ("Lisboa, 14/11/2026", "Lisboa, catorze de novembro de dois mil e vinte e seis"),
        ("Validade: 1/12/2026", "Validade: primeiro de dezembro de dois mil e vinte e seis"),
        ("Horário: 9h00 - 18h30", "Horário: nove horas - dezoito e trinta"),
        ("Abre às 2:10", "Abre às duas e dez"),
        ("Tel. +351 21 123 4567", "Tel. mais três cinco um, dois um, um dois três, quatro cinco seis sete"),
        ("Preço £2", "Preço duas libras"),
        ("Consultório no 3.º andar", "Consultório no terceiro andar"),
        ("Prémio 200.000 £", "Prémio duzentas mil libras"),
    ],
}


@pytest.mark.parametrize(("code", "line", "words"), [(code, *row) for code, rows in LINES.items() for row in rows])
def test_a_line_is_said_as_a_person_of_its_language_would(code: str, line: str, words: str) -> None:
    assert spoken(line, code) == words


def test_total_in_euros_is_said_in_french_and_german_words() -> None:
    assert spoken("Total 12,50 €", "fr") == "Total douze euros cinquante"
    assert spoken("Total 12,50 €", "de") == "Total zwölf Euro fünfzig"


@pytest.mark.parametrize(("code", "one", "twenty_one", "under_one"), [
    ("en", "one euro", "twenty-one euros", "ninety-nine cents"),
    ("fr", "un euro", "vingt et un euros", "quatre-vingt-dix-neuf centimes"),
    ("de", "ein Euro", "einundzwanzig Euro", "neunundneunzig Cent"),
    ("es", "un euro", "veintiún euros", "noventa y nueve céntimos"),
    ("it", "un euro", "ventuno euro", "novantanove centesimi"),
    ("pt", "um euro", "vinte e um euros", "noventa e nove cêntimos"),
])
def test_amounts_agree_with_their_currency_and_never_say_zero_of_it(code: str, one: str, twenty_one: str,
                                                                    under_one: str) -> None:
    assert spoken("1,00 €", code) == one
    assert spoken("21 €", code) == twenty_one
    assert spoken("0,99 €", code) == under_one


def test_a_thousands_dot_is_no_decimal_point_and_a_decimal_point_is_no_thousands_dot() -> None:
    assert spoken("1.250", "de") == "eintausendzweihundertfünfzig"
    assert spoken("12.50 €", "de") == "zwölf Euro fünfzig"
    assert spoken("0.250", "de") == "null Komma zwei fünf null"
    assert spoken("12.50", "en") == "twelve fifty"  # two decimals and no currency: a price
    assert spoken("12.5", "en") == "twelve point five"
    assert spoken("1,250", "en") == "one thousand two hundred and fifty"
    assert spoken("1,25", "fr") == "un vingt-cinq"
    assert spoken("1,255", "fr") == "un virgule deux cent cinquante-cinq"


def test_a_no_break_space_between_thousands_is_a_separator_in_every_language() -> None:
    assert spoken("1\u202f250 km", "fr") == "mille deux cent cinquante km"
    assert spoken("1\u00a0250\u00a0000", "de") == "eine Million zweihundertfünfzigtausend"
    assert spoken("10\u2009000 people", "en") == "ten thousand people"
    assert spoken("2 250", "fr") == "deux deux cent cinquante"  # a plain space: a quantity and a number


def test_num2words_readings_are_mended() -> None:
    fr, es, it, pt = (languages.LANGUAGES[code].numbers for code in ("fr", "es", "it", "pt"))
    assert numbers.number_words("12", "50", it) == "dodici virgola cinquanta"  # its Decimal drops the fraction
    assert numbers.number_words("12", "5", es) == "doce coma cinco"  # not the Latin American "punto"
    assert numbers.cardinal(21000, es) == "veintiún mil" and numbers.cardinal(21_000_000, es) == "veintiún millones"
    assert numbers.cardinal(201, es, "f") == "doscientas una"
    assert numbers.cardinal(2_000_200, pt, "f") == "dois milhões e duzentas"
    assert numbers.cardinal(81, fr, "f") == "quatre-vingt-une"
    assert spoken("€1.000.000", "es") == "un millón de euros"
    assert spoken("€2.000.000", "it") == "due milioni di euro"
    assert spoken("$2.000.000", "fr") == "deux millions de dollars"
    assert spoken("0,00 €", "fr") == "zéro euro"


def test_symbols_and_long_digit_strings_are_said_in_the_language() -> None:
    assert spoken("a & b = c -> d", "de") == "a und b gleich c nach d"
    assert spoken("#1 2*3+4", "es") == "número uno dos por tres más cuatro"
    assert spoken("EAN 9556939040116", "it") == "EAN nove cinque cinque sei, nove tre nove, zero quattro zero, " \
                                                "uno uno sei"
    assert spoken("9" * 400, "es") == "un número de cuatrocientas cifras"
    assert spoken("9" * 400, "fr") == "un nombre de quatre cents chiffres"
    assert spoken("½ prix", "fr") == "un demi prix"


def test_unknown_and_regional_codes() -> None:
    assert spoken("Total 12,50 €") == spoken("Total 12,50 €", "en") == "Total twelve euros fifty cents"
    assert spoken("Total 12,50 €", "xx") == "Total 12,50 €"  # not known: left to the voice
    assert spoken("EAN 9556939040116", "nb") == spoken("EAN 9556939040116", "no")  # a voice's tag: its language
    assert spoken("Total 12,50 €", "fr-CA") == spoken("Total 12,50 €", "FR") == "Total douze euros cinquante"
    assert spoken("Total 12,50 €", "pt_BR") == "Total doze euros e cinquenta"
    assert spoken("米 12,50 €", "de") == f"zwölf Euro fünfzig\n{OTHER_SCRIPT}"  # the assistant's own words stay


def test_a_language_without_number_words_leaves_numbers_to_its_voice() -> None:
    """Issue 29.4: Dutch, Swedish, Greek and the other languages with no number words here had English ones
    ("Totaal twelve euros fifty cents", said by a Dutch voice); espeak-ng's own voice of each says the digits
    in its language. Only digit strings are cut into groups, each digit apart: the voice would say a barcode
    as "negen biljoen ...", a card number as four thousands."""
    for code in ("nl", "sv", "pl", "el", "ja"):  # with a decimal comma and without, Greek and Japanese scripts
        assert languages.LANGUAGES[code].numbers is None
        assert spoken("Totaal 12,50 €", code) == "Totaal 12,50 €", code
        assert not re.search(r"twelve|euros|cents|nine|five|zero|point|percent|number", spoken(
            "Totaal 12,50 € 25-12-2018 14:30 50% #3 EAN 9556939040116 v2.3 -5°C ½ 0,25", code)), code
    assert spoken("EAN 9556939040116", "nl") == "EAN 9 5 5 6, 9 3 9, 0 4 0, 1 1 6"
    assert spoken("Kaart 4111 1111 1111 1111 geldig", "sv") == "Kaart 4 1 1 1, 1 1 1 1, 1 1 1 1, 1 1 1 1 geldig"
    assert spoken("KvK 789417-W", "nl") == "KvK 7 8 9, 4 1 7, W"
    assert spoken("Datum 25-12-2018, 50% korting, 2 × 3 = 6", "nl") == "Datum 25-12-2018, 50% korting, 2 × 3 = 6"
    assert spoken("0,1234567 en 1.250.000", "nl") == "0,1234567 en 1.250.000"  # a fraction, a number: as written
    assert spoken("1\u00a0250 kr *** ok", "sv") == "1.250 kr ok"  # its thousands space kept as one, decoration out
    assert spoken("Σύνολο 12,50 €", "el") == "Σύνολο 12,50 €" and spoken("合計 1250円", "nl") == f"1250\n{OTHER_SCRIPT}"
    assert spoken("9" * 400, "nl") == ", ".join(["9 9 9 9"] * 100)  # no words to count them with: all in groups


def test_no_pattern_backtracks_on_runs_of_thousands_groups() -> None:
    """The hostile tests run every pattern on runs of one or two characters; the patterns of numbers written
    with thousands groups ("1 000 000 ...", "1.000.000 ...") also meet runs of groups here."""
    shapes = ["100 ", "100.", "100,", "1 000 ", "1.000", "0,0", "01 ", "+33 1 ", "€100 ", "1 h ", "1.1.", "1º ", "1e "]
    for name, pattern in vars(spoken_module).items():
        if isinstance(pattern, re.Pattern):
            for shape in shapes:
                text = shape * (10_000 // len(shape)) + "!"
                started = time.perf_counter()
                pattern.subn("", text)
                assert time.perf_counter() - started < 0.5, (name, shape)


def test_every_language_puts_100000_characters_into_words_in_bounded_time() -> None:
    kinds = ["1", " ", "1,", "1.", "1.000", "1 000,5 € ", "1\u202f000", "01 ", "8h", "9 Uhr ", "1.1.", "12,5 % ",
             "+33 1 ", "0 0", "€1 000", "n°", "½", "-", "漢", "\n"]
    text = "".join(kind * (100_000 // len(kinds) // len(kind)) for kind in kinds)
    for code in (*numberwords.CODES, "nl"):  # every language with number words, and one without
        started = time.perf_counter()
        said = spoken(text, code)
        assert time.perf_counter() - started < 10, code
        assert said.endswith(OTHER_SCRIPT)
