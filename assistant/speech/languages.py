"""The words `spoken` needs in each language it reads numbers in: digits, months, currencies, symbols,
fractions and the small words around numbers ("point", "percent", "minus", "version", "a number of ...
digits"), and the rules that differ from one language to the next: how it writes its own forms (French
phone pairs, "8h13", "12.50 Uhr", "1º"), and how a date's day agrees with the word before it ("am
zwölften Februar").

One `Language` per ISO 639-1 code (en, fr, de, es, it, pt); `language(code)` finds one, and any other code
falls back to English. The tables are data, checked when this module is imported: every language names every
currency, symbol, fraction and month, so no reading can meet a word missing at run time. Month names live here
(Babel is not needed at run time).

`scripts(code)` names the scripts a voice of a language says (Latin for all of them, and Cyrillic for
Russian, Greek for Greek, ...): letters of any other script are left out of what that voice is given.
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
class Language:
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

# The scripts a voice of each language says beside the Latin letters every voice here says, as the first word
# of a letter's Unicode name. espeak-ng's Japanese says kana and calls each kanji "Japanese letter", so kanji
# are not listed for it.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "ru": ("CYRILLIC",), "uk": ("CYRILLIC",), "bg": ("CYRILLIC",), "el": ("GREEK",), "zh": ("CJK",),
    "ja": ("HIRAGANA", "KATAKANA"), "ko": ("HANGUL",), "ar": ("ARABIC",), "he": ("HEBREW",), "hi": ("DEVANAGARI",),
}

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


def _language(code: str, **words: Any) -> Language:
    return Language(code=code, digits=DIGITS[code], months=MONTHS[code], currencies=CURRENCIES[code],
                    symbols=_symbols(code), fractions=_column(FRACTION_WORDS, code), parts=_parts(code), **words)


LANGUAGES: dict[str, Language] = {
    "en": _language("en", decimal_comma=False, point="point", fraction_as_number=False, percent="percent",
                    plus="plus", times="times", number_sign="number", hash="hash",
                    digit_count="a number of {} digits", digit_count_gender="", cents=" {n} {sub}", minus="minus",
                    version="version", dot="point", price_zero="oh", degree=("degree", "degrees")),
    "fr": _language("fr", decimal_comma=True, point="virgule", fraction_as_number=True, percent="pour cent",
                    plus="plus", times="fois", number_sign="numéro", hash="dièse",
                    digit_count="un nombre de {} chiffres", digit_count_gender="m", cents=" {n}", of="de",
                    elide=True, zero_singular=True, minus="moins", version="version", dot="point",
                    price_zero="zéro", degree=("degré", "degrés"),
                    forms=("phone pairs", "ordinal suffix", "hour mark")),
    "de": _language("de", decimal_comma=True, point="Komma", fraction_as_number=False, percent="Prozent",
                    plus="plus", times="mal", number_sign="Nummer", hash="Raute",
                    digit_count="eine Zahl mit {} Ziffern", digit_count_gender="f", cents=" {n}", minus="minus",
                    version="Version", dot="Punkt", price_zero="null", degree=("Grad", "Grad"),
                    forms=("Uhr", "day and month"), day_endings=GERMAN_DAY_ENDINGS),
    "es": _language("es", decimal_comma=True, point="coma", fraction_as_number=True, percent="por ciento",
                    plus="más", times="por", number_sign="número", hash="almohadilla",
                    digit_count="un número de {} cifras", digit_count_gender="f", cents=" con {n}", of="de",
                    minus="menos", version="versión", dot="punto", price_zero="", degree=("grado", "grados"),
                    forms=("ordinal mark", "hour mark")),
    "it": _language("it", decimal_comma=True, point="virgola", fraction_as_number=True, percent="per cento",
                    plus="più", times="per", number_sign="numero", hash="cancelletto",
                    digit_count="un numero di {} cifre", digit_count_gender="f", cents=" e {n}", of="di",
                    minus="meno", version="versione", dot="punto", price_zero="", degree=("grado", "gradi"),
                    forms=("ordinal mark", "hour mark")),
    "pt": _language("pt", decimal_comma=True, point="vírgula", fraction_as_number=True, percent="por cento",
                    plus="mais", times="vezes", number_sign="número", hash="cardinal",
                    digit_count="um número de {} algarismos", digit_count_gender="m", cents=" e {n}", of="de",
                    minus="menos", version="versão", dot="ponto", price_zero="", degree=("grau", "graus"),
                    forms=("ordinal mark", "hour mark")),
}


def _key(code: str | None) -> str:
    """"fr-CA", "pt_BR", "FR" -> "fr", "pt", "fr"; None -> "en"."""
    return (code or "en").strip().lower().replace("_", "-").split("-")[0]


def language(code: str | None) -> Language:
    """The language of an ISO 639-1 code ("fr", "fr-CA", "pt_BR" and "FR" are French and Portuguese); English
    for any code not in the table."""
    return LANGUAGES.get(_key(code), LANGUAGES["en"])


def scripts(code: str | None) -> tuple[str, ...]:
    """The scripts a voice of language `code` says (first words of Unicode letter names): Latin, and its own."""
    return ("LATIN", *SCRIPTS.get(_key(code), ()))


def _check() -> None:
    """Every language has every word: a missing one fails at import, not in the middle of a reading."""
    rows_complete = all(len(words) == len(CODES) for words in (*SYMBOL_WORDS.values(), *FRACTION_WORDS.values(),
                                                                 *PART_WORDS.values()))
    parts_complete = all(words.count("/") == 1 for row in PART_WORDS.values() for words in row)
    for code in CODES:
        lang = LANGUAGES[code]
        if not (rows_complete and parts_complete and lang.code == code and len(lang.digits) == 10
                and len(lang.months) == 12 and set(lang.currencies) == set(CURRENCY_CODES.values())
                and "{}" in lang.digit_count and "{n}" in lang.cents and len(lang.degree) == 2
                and all((lang.minus, lang.version, lang.dot)) and (not lang.day_endings or "" in lang.day_endings)):
            raise RuntimeError(f"the number words of language {code!r} are incomplete")


_check()
