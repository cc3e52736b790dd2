"""The words numbers are said with, in each language that has them (`CODES`): digits, months, currencies,
symbols, fractions and the small words around numbers ("point", "percent", "minus", "version", "a number of
... digits"), and the rules that differ from one language to the next: how it writes its own forms (French
phone pairs, "8h13", "12.50 Uhr", "1º"), and how a date's day agrees with the word before it ("am zwölften
Februar").

A `NumberWords` is made for a language by `words` (its record in `languages` holds it); `check` says at import
that it names every currency, symbol, fraction and month, so no reading can meet a word missing at run time.
Month names live here (Babel is not needed at run time). Pure data: nothing here imports the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CODES = ("en", "fr", "de", "es", "it", "pt")  # the column order of the tables below


@dataclass(frozen=True)
class Currency:
    """A currency's words in one language."""

    unit: str  # one of it: "euro"
    units: str  # more: "euros"
    sub: str  # one hundredth ("cent"), "" when the currency has none (yen)
    subs: str
    feminine: bool = False  # "une livre", "una libra", "eine Rupie": the number agrees


@dataclass(frozen=True)
class NumberWords:
    """How numbers are written and said in one language."""

    code: str
    decimal_comma: bool  # "12,50" is twelve and a half; "1.250" is one thousand two hundred and fifty
    digits: tuple[str, ...]  # zero to nine, said one by one
    months: tuple[str, ...]
    point: str  # the decimal separator said: "point", "virgule"
    fraction_as_number: bool  # "3,14" -> "trois virgule quatorze" (romance) or "drei Komma eins vier"
    percent: str
    plus: str  # "+" between digits and before a phone number
    times: str  # "*" between digits
    number_sign: str  # "#" before a number: "number", "numéro"
    hash: str  # "#" alone
    digit_count: str  # over 64 digits: "a number of {} digits"
    digit_count_gender: str  # the gender of the counted noun ("cifras" is feminine)
    cents: str  # how hundredths follow a whole amount: " {n} {sub}" (English) or " {n}" ("douze euros cinquante")
    minus: str  # "-5", "-2.00": "minus", "moins"
    version: str  # "v2.3.1": "version", "Version", "versión"
    dot: str  # the dot between the numbers of a version: "point", "Punkt", "punto"
    price_zero: str  # before hundredths under ten in a price with no currency: "twelve oh five" ("" for none)
    degree: tuple[str, str]  # one degree, more: ("degree", "degrees"), ("Grad", "Grad")
    of: str = ""  # between a round million and its noun: "un million d'euros", "dos millones de euros"
    elide: bool = False  # "de" before a vowel is "d'" (French)
    zero_singular: bool = False  # "zéro euro": French counts zero as one
    currencies: dict[str, Currency] = field(default_factory=dict)
    symbols: dict[str, str] = field(default_factory=dict)  # symbol -> " words ", longest symbols first
    fractions: dict[str, str] = field(default_factory=dict)  # "½" -> " a half " (before NFKC splits them)
    parts: dict[int, tuple[str, str]] = field(default_factory=dict)  # "1/3", "2/3": 3 -> ("third", "thirds")
    forms: tuple[str, ...] = ()  # the ways of writing its own that it reads (`spoken.FORMS`), in order
    day_endings: dict[str, str] = field(default_factory=dict)  # the word before a date -> its day's ending


# The currency each written sign or code stands for ("$" alone is a dollar of no named country).
CURRENCY_CODES = {"RM": "MYR", "MYR": "MYR", "S$": "SGD", "US$": "USD", "$": "DOLLAR", "USD": "USD", "€": "EUR",
                  "EUR": "EUR", "£": "GBP", "GBP": "GBP", "¥": "JPY", "JPY": "JPY", "₹": "INR", "INR": "INR"}

CURRENCIES: dict[str, dict[str, Currency]] = {
    "en": {"MYR": Currency("ringgit", "ringgit", "sen", "sen"),
           "SGD": Currency("Singapore dollar", "Singapore dollars", "cent", "cents"),
           "USD": Currency("US dollar", "US dollars", "cent", "cents"),
           "DOLLAR": Currency("dollar", "dollars", "cent", "cents"),
           "EUR": Currency("euro", "euros", "cent", "cents"),
           "GBP": Currency("pound", "pounds", "penny", "pence"),
           "JPY": Currency("yen", "yen", "", ""),
           "INR": Currency("rupee", "rupees", "paisa", "paise")},
    "fr": {"MYR": Currency("ringgit", "ringgits", "sen", "sen"),
           "SGD": Currency("dollar de Singapour", "dollars de Singapour", "cent", "cents"),
           "USD": Currency("dollar américain", "dollars américains", "cent", "cents"),
           "DOLLAR": Currency("dollar", "dollars", "cent", "cents"),
           "EUR": Currency("euro", "euros", "centime", "centimes"),
           "GBP": Currency("livre", "livres", "penny", "pence", feminine=True),
           "JPY": Currency("yen", "yens", "", ""),
           "INR": Currency("roupie", "roupies", "paisa", "paise", feminine=True)},
    "de": {"MYR": Currency("Ringgit", "Ringgit", "Sen", "Sen"),
           "SGD": Currency("Singapur-Dollar", "Singapur-Dollar", "Cent", "Cent"),
           "USD": Currency("US-Dollar", "US-Dollar", "Cent", "Cent"),
           "DOLLAR": Currency("Dollar", "Dollar", "Cent", "Cent"),
           "EUR": Currency("Euro", "Euro", "Cent", "Cent"),
           "GBP": Currency("Pfund", "Pfund", "Penny", "Pence"),
           "JPY": Currency("Yen", "Yen", "", ""),
           "INR": Currency("Rupie", "Rupien", "Paisa", "Paise", feminine=True)},
    "es": {"MYR": Currency("ringgit", "ringgits", "sen", "sen"),
           "SGD": Currency("dólar de Singapur", "dólares de Singapur", "centavo", "centavos"),
           "USD": Currency("dólar estadounidense", "dólares estadounidenses", "centavo", "centavos"),
           "DOLLAR": Currency("dólar", "dólares", "centavo", "centavos"),
           "EUR": Currency("euro", "euros", "céntimo", "céntimos"),
           "GBP": Currency("libra", "libras", "penique", "peniques", feminine=True),
           "JPY": Currency("yen", "yenes", "", ""),
           "INR": Currency("rupia", "rupias", "paisa", "paisas", feminine=True)},
    "it": {"MYR": Currency("ringgit", "ringgit", "sen", "sen"),
           "SGD": Currency("dollaro di Singapore", "dollari di Singapore", "centesimo", "centesimi"),
           "USD": Currency("dollaro statunitense", "dollari statunitensi", "centesimo", "centesimi"),
           "DOLLAR": Currency("dollaro", "dollari", "centesimo", "centesimi"),
           "EUR": Currency("euro", "euro", "centesimo", "centesimi"),
           "GBP": Currency("sterlina", "sterline", "penny", "pence", feminine=True),
           "JPY": Currency("yen", "yen", "", ""),
           "INR": Currency("rupia", "rupie", "paisa", "paise", feminine=True)},
    "pt": {"MYR": Currency("ringgit", "ringgits", "sen", "sen"),
           "SGD": Currency("dólar de Singapura", "dólares de Singapura", "cêntimo", "cêntimos"),
           "USD": Currency("dólar americano", "dólares americanos", "cêntimo", "cêntimos"),
           "DOLLAR": Currency("dólar", "dólares", "cêntimo", "cêntimos"),
           "EUR": Currency("euro", "euros", "cêntimo", "cêntimos"),
           "GBP": Currency("libra", "libras", "penny", "pence", feminine=True),
           "JPY": Currency("iene", "ienes", "", ""),
           "INR": Currency("rupia", "rupias", "paisa", "paisas", feminine=True)},
}

# symbol -> its words in each language of CODES, in that order
SYMBOL_WORDS: dict[str, tuple[str, ...]] = {
    "@": ("at", "arobase", "at", "arroba", "chiocciola", "arroba"),
    "&": ("and", "et", "und", "y", "e", "e"),
    "=": ("equals", "égale", "gleich", "igual a", "uguale a", "igual a"),
    "→": ("to", "vers", "nach", "hacia", "verso", "para"),
    "←": ("from", "depuis", "von", "desde", "da", "de"),
    "↑": ("up arrow", "flèche vers le haut", "Pfeil nach oben", "flecha arriba", "freccia su", "seta para cima"),
    "↓": ("down arrow", "flèche vers le bas", "Pfeil nach unten", "flecha abajo", "freccia giù", "seta para baixo"),
    "§": ("section", "paragraphe", "Paragraf", "párrafo", "paragrafo", "parágrafo"),
    "©": ("copyright", "copyright", "Copyright", "copyright", "copyright", "copyright"),
    "®": ("registered", "marque déposée", "eingetragene Marke", "marca registrada", "marchio registrato",
          "marca registada"),
    "™": ("trademark", "marque commerciale", "Markenzeichen", "marca comercial", "marchio", "marca comercial"),
    "°C": ("degrees Celsius", "degrés Celsius", "Grad Celsius", "grados Celsius", "gradi Celsius", "graus Celsius"),
    "°F": ("degrees Fahrenheit", "degrés Fahrenheit", "Grad Fahrenheit", "grados Fahrenheit", "gradi Fahrenheit",
           "graus Fahrenheit"),
    "°": ("degrees", "degrés", "Grad", "grados", "gradi", "graus"),
    "N°": ("number", "numéro", "Nummer", "número", "numero", "número"),  # "Ticket n° 4521": no degrees
}
SYMBOL_SPELLINGS = {"->": "→", "⇒": "→", "=>": "→", "<-": "←", "n°": "N°"}  # other ways to write the same arrow
FRACTION_WORDS: dict[str, tuple[str, ...]] = {
    "½": ("a half", "un demi", "ein halb", "un medio", "un mezzo", "um meio"),
    "¼": ("a quarter", "un quart", "ein Viertel", "un cuarto", "un quarto", "um quarto"),
    "¾": ("three quarters", "trois quarts", "drei Viertel", "tres cuartos", "tre quarti", "três quartos"),
}

# A fraction's denominator -> one part of it and more parts, "one/more", in each language of CODES ("1/2 cup" ->
# "one half cup", "3/4" -> "trois quarts"; "halb", "medio" and "demi" as the "½" above says them).
PART_WORDS: dict[int, tuple[str, ...]] = {
    2: ("half/halves", "demi/demis", "halb/halb", "medio/medios", "mezzo/mezzi", "meio/meios"),
    3: ("third/thirds", "tiers/tiers", "Drittel/Drittel", "tercio/tercios", "terzo/terzi", "terço/terços"),
    4: ("quarter/quarters", "quart/quarts", "Viertel/Viertel", "cuarto/cuartos", "quarto/quarti", "quarto/quartos"),
    5: ("fifth/fifths", "cinquième/cinquièmes", "Fünftel/Fünftel", "quinto/quintos", "quinto/quinti",
        "quinto/quintos"),
    6: ("sixth/sixths", "sixième/sixièmes", "Sechstel/Sechstel", "sexto/sextos", "sesto/sesti", "sexto/sextos"),
    7: ("seventh/sevenths", "septième/septièmes", "Siebtel/Siebtel", "séptimo/séptimos", "settimo/settimi",
        "sétimo/sétimos"),
    8: ("eighth/eighths", "huitième/huitièmes", "Achtel/Achtel", "octavo/octavos", "ottavo/ottavi",
        "oitavo/oitavos"),
    9: ("ninth/ninths", "neuvième/neuvièmes", "Neuntel/Neuntel", "noveno/novenos", "nono/noni", "nono/nonos"),
    10: ("tenth/tenths", "dixième/dixièmes", "Zehntel/Zehntel", "décimo/décimos", "decimo/decimi",
         "décimo/décimos"),
}

# German declines a date's ordinal day: "zwölfter Februar" standing alone (as in "Datum: 12.02.2018"), "der
# zwölfte" after the article of the nominative, "am zwölften" after the words that take the dative or the
# accusative (a preposition with its article, an article of those cases, or a preposition alone: "ab 1.3." is
# said "ab ersten März").
GERMAN_DAY_ENDINGS = {"": "r", "der": "", "die": "", "das": "", **dict.fromkeys(
    ("am", "vom", "zum", "beim", "im", "dem", "den", "des", "ab", "bis", "seit", "von", "vor", "nach", "für",
     "zu", "an"), "n")}

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"),
}
DIGITS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
    "pt": ("zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove"),
}


def _column(table: dict[str, tuple[str, ...]], code: str) -> dict[str, str]:
    k = CODES.index(code)
    return {key: f" {words[k]} " for key, words in table.items()}


def _symbols(code: str) -> dict[str, str]:
    words = _column(SYMBOL_WORDS, code)
    words.update({spelling: words[symbol] for spelling, symbol in SYMBOL_SPELLINGS.items()})
    return dict(sorted(words.items(), key=lambda kv: -len(kv[0])))  # "->" before "-", "°C" before "°"


def _parts(code: str) -> dict[int, tuple[str, str]]:
    k = CODES.index(code)
    return {n: tuple(words[k].split("/")) for n, words in PART_WORDS.items()}  # type: ignore[misc]


def words(code: str, decimal_comma: bool, **said: Any) -> NumberWords:
    """The number words of language `code` (a column of the tables above), with the words `said` that are its
    own alone ("point", "percent", ...)."""
    return NumberWords(code=code, decimal_comma=decimal_comma, digits=DIGITS[code], months=MONTHS[code],
                       currencies=CURRENCIES[code], symbols=_symbols(code), fractions=_column(FRACTION_WORDS, code),
                       parts=_parts(code), **said)


def check(said: NumberWords) -> None:
    """Every word is there: a missing one fails at import, not in the middle of a reading."""
    rows_complete = all(len(row) == len(CODES) for row in (*SYMBOL_WORDS.values(), *FRACTION_WORDS.values(),
                                                            *PART_WORDS.values()))
    parts_complete = all(row.count("/") == 1 for rows in PART_WORDS.values() for row in rows)
    if not (rows_complete and parts_complete and len(said.digits) == 10 and len(said.months) == 12
            and set(said.currencies) == set(CURRENCY_CODES.values()) and "{}" in said.digit_count
            and "{n}" in said.cents and len(said.degree) == 2 and all((said.minus, said.version, said.dot))
            and (not said.day_endings or "" in said.day_endings)):
        raise ImportError(f"the number words of language {said.code!r} are incomplete")


# The words of a language that has none here: the digits themselves, for its own voice to say ("12,50 €" is
# left as it is written: espeak-ng's Dutch says "twaalf komma vijftig euro"). Only the steps that cut long
# digit strings into groups read it (`spoken.DIGIT_STEPS`): "9556939040116" -> "9 5 5 6, 9 3 9, 0 4 0, 1 1 6",
# each digit said apart by the voice, where it would say "nine trillion ..." of the whole. No count of digits
# ("a number of ... digits"): a longer string is said in groups too.
DIGITS_ONLY = NumberWords(code="", decimal_comma=False, digits=tuple("0123456789"), months=(), point="",
                          fraction_as_number=False, percent="", plus="+", times="", number_sign="", hash="",
                          digit_count="", digit_count_gender="", cents="", minus="", version="", dot="",
                          price_zero="", degree=("", ""))
