"""Numbers, amounts, dates and times as words in one language (see `assistant.numberwords`): what `spoken` puts in place
of the digits it finds, and the shapes around them: prices with no currency named ("twelve fifty"), simple
fractions ("three quarters"), temperatures, versions ("two point three point one") and references that mix
letters and digits ("seven eight nine, four one seven, W").

`num2words` says the numbers; what it gets wrong for reading aloud is mended here: a number before a noun
agrees with it ("un euro", "ein Euro", "veintiún euros", "una libra", "duas libras", "doscientas libras"),
Spanish "veintiuno mil" is "veintiún mil", and a round million takes "de" before its noun ("un million
d'euros"). Fractions never go through num2words (its Italian drops the fraction of a Decimal, its Spanish
says the Latin American "punto"): they are said from their digits. Amounts are built from their whole and
their hundredths, never with num2words' `to='currency'` (which treats an int as cents and says "douze euros
et cinquante centimes"). Every function here is given at most `MAX_WORD_DIGITS` digits to say as a number;
anything longer is said digit by digit, or counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from num2words import num2words

from assistant import common
from assistant.languages import LANGUAGES
from assistant.numberwords import CURRENCY_CODES, NumberWords

MAX_WORD_DIGITS = 15  # numbers up to 999 trillion are said in words; longer ones digit by digit
MAX_SAID_DIGITS = 64  # longer digit strings are said as 'a number of four hundred digits'
MAX_FRACTION_AS_NUMBER = 3  # "3,14" -> "trois virgule quatorze"; longer fractions digit by digit
MILLIONS = frozenset({"million", "millions", "milliard", "milliards", "billion", "billions", "Million", "Millionen",
                      "Milliarde", "Milliarden", "Billion", "Billionen", "millón", "millones", "billón", "billones",
                      "milione", "milioni", "miliardo", "miliardi", "bilione", "bilioni", "milhão", "milhões",
                      "bilião", "biliões", "trilião", "triliões"})
VOWELS = tuple("aeiouyéèêAEIOUY")
WORD_RUNS = re.compile(r"\d+|[^\W\d_]+|-")  # a reference's digits, letters and dashes
CAPITAL_VOWEL = re.compile("[AEIOUY]")
# What may follow digits in a word without making it a reference: a unit, an ordinal, a decade ("500ML",
# "1000th", "1990s", "1990er").
QUANTITY_SUFFIXES = frozenset({"MM", "CM", "DM", "M", "KM", "MG", "G", "KG", "ML", "CL", "DL", "L", "W", "KW",
                               "KWH", "V", "MAH", "AH", "KB", "MB", "GB", "TB", "HZ", "KHZ", "MHZ", "GHZ", "FT",
                               "OZ", "LB", "LBS", "PCS", "ST", "ND", "RD", "TH", "S", "ER", "X", "P", "K", "D"})


def say_digits(group: str, lang: NumberWords) -> str:
    """'040' -> 'zero four zero': each digit on its own."""
    return " ".join(lang.digits[int(d)] for d in group if d.isdigit())


def digit_groups(digits: str, lang: NumberWords) -> str:
    """Digit by digit, in groups of three or four, the larger groups first: '9556939040116' -> 'nine five
    five six, nine three nine, zero four zero, one one six'. Over `MAX_SAID_DIGITS` digits, no one would
    follow them: 'a number of four hundred digits'."""
    if len(digits) > MAX_SAID_DIGITS and lang.digit_count:  # digits alone (`DIGITS_ONLY`) have no count
        return lang.digit_count.format(cardinal(len(digits), lang, lang.digit_count_gender))
    return ", ".join(say_digits(group, lang) for group in common.digit_groups(digits))


def _split_at_millions(words: str) -> tuple[list[str], list[str]]:
    """The words up to the last million-word, and the rest: only the rest agrees with the noun ("doscientos
    millones de libras", but "doscientas mil libras")."""
    tokens = words.split(" ")
    cut = max((k + 1 for k, token in enumerate(tokens) if token in MILLIONS), default=0)
    return tokens[:cut], tokens[cut:]


def _agree_fr(words: str, gender: str) -> str:
    return words + "e" if gender == "f" and (words == "un" or words.endswith((" un", "-un"))) else words


def _agree_de(words: str, gender: str) -> str:
    return words[:-1] + ("e" if gender == "f" else "") if words.endswith("eins") else words


def _agree_es(words: str, gender: str) -> str:
    head, tail = _split_at_millions(words)
    ends = {"uno": ("un", "una"), "veintiuno": ("veintiún", "veintiuna")}
    if tail and tail[-1] in ends:
        tail[-1] = ends[tail[-1]][gender == "f"]
    if gender == "f":
        tail = [t[:-2] + "as" if t.endswith("ientos") else t for t in tail]
    return " ".join(head + tail)


def _agree_it(words: str, gender: str) -> str:
    head, _, last = words.rpartition(" ")
    if last != "uno":
        return words
    return f"{head} {'una' if gender == 'f' else 'un'}".strip()


def _agree_pt(words: str, gender: str) -> str:
    if gender != "f":
        return words
    head, tail = _split_at_millions(words)
    feminine = {"um": "uma", "dois": "duas"}
    tail = [feminine.get(t, t[:-2] + "as" if t.endswith("entos") else t) for t in tail]
    return " ".join(head + tail)


# language -> how a number agrees with the noun after it ("m" or "f")
AGREE: dict[str, Callable[[str, str], str]] = {"fr": _agree_fr, "de": _agree_de, "es": _agree_es, "it": _agree_it,
                                               "pt": _agree_pt}


def _spanish_thousands(words: str) -> str:
    """num2words says 'veintiuno mil' and 'ciento uno millones': before mil and millones it is 'un'."""
    tokens = words.split(" ")
    short = {"uno": "un", "veintiuno": "veintiún"}
    for k in range(len(tokens) - 1):
        if tokens[k] in short and (tokens[k + 1] == "mil" or tokens[k + 1] in MILLIONS):
            tokens[k] = short[tokens[k]]
    return " ".join(tokens)


def cardinal(n: int, lang: NumberWords, gender: str = "") -> str:
    """`n` in words: said alone when `gender` is "" ('un', 'eins', 'uno'), else agreeing with a masculine
    ("m") or feminine ("f") noun that follows ('un euro', 'ein Euro', 'una libra')."""
    words = num2words(n, lang=lang.code).replace(",", "")
    if lang.code == "es":
        words = _spanish_thousands(words)
    agree = AGREE.get(lang.code)
    return agree(words, gender) if gender and agree else words


def fraction_words(fraction: str, lang: NumberWords) -> str:
    """The digits after the decimal separator: one by one in English and German ('point five zero'), as a
    number in French, Spanish, Italian and Portuguese ('virgule cinquante', 'virgule zéro cinq')."""
    if len(fraction) > MAX_SAID_DIGITS:
        return digit_groups(fraction, lang)
    if not lang.fraction_as_number or len(fraction) > MAX_FRACTION_AS_NUMBER:
        return say_digits(fraction, lang)
    rest = fraction.lstrip("0")
    zeros = [lang.digits[0]] * (len(fraction) - len(rest))
    return " ".join(zeros + ([cardinal(int(rest), lang)] if rest else []))


def plain_digits(number: str) -> str:
    """The digits of a whole number as written: '1.250', '1,250' and '1 250' are '1250'."""
    return number.replace(",", "").replace(".", "").replace(" ", "")


def number_words(whole: str, fraction: str | None, lang: NumberWords, gender: str = "") -> str:
    """'1,234' -> 'one thousand two hundred and thirty-four'; a fraction after 'point' (see `fraction_words`).
    A number too long to say in words is said digit by digit (see `digit_groups`)."""
    digits = plain_digits(whole)
    words = digit_groups(digits, lang) if len(digits) > MAX_WORD_DIGITS else cardinal(int(digits), lang, gender)
    if fraction:
        words += f" {lang.point} {fraction_words(fraction, lang)}"
    return words


def _counted(amount: str, noun: str, lang: NumberWords) -> str:
    """'deux millions' + 'euros' -> "deux millions d'euros"; 'zwölf' + 'Euro' -> 'zwölf Euro'."""
    if not (lang.of and amount.rpartition(" ")[2] in MILLIONS):
        return f"{amount} {noun}"
    if lang.elide and noun.startswith(VOWELS):
        return f"{amount} {lang.of[:-1]}'{noun}"
    return f"{amount} {lang.of} {noun}"


def price_words(symbol: str, whole: str, cents: str | None, lang: NumberWords) -> str:
    """An amount in its currency: 'thirty ringgit ninety-one sen', 'douze euros cinquante', 'zwölf Euro
    fünfzig', 'doce euros con cincuenta'; under one, only the hundredths ('quatre-vingt-dix-neuf centimes')."""
    cur = lang.currencies[CURRENCY_CODES[symbol]]
    digits = plain_digits(whole)
    hundredths = int(cents.ljust(2, "0")) if cents else 0
    if cur.sub and hundredths and not digits.strip("0"):
        return f"{cardinal(hundredths, lang, 'm')} {cur.sub if hundredths == 1 else cur.subs}"
    said = len(digits) <= MAX_WORD_DIGITS
    amount = number_words(digits, None, lang, gender="f" if cur.feminine else "m")
    one = said and (int(digits) == 1 or (lang.zero_singular and int(digits) == 0))
    words = _counted(amount, cur.unit if one else cur.units, lang)
    if hundredths and cur.sub:
        words += lang.cents.format(n=cardinal(hundredths, lang), sub=cur.sub if hundredths == 1 else cur.subs)
    elif hundredths and cents:
        words += f" {lang.point} {say_digits(cents, lang)}"
    return words


def amount_words(whole: str, hundredths: str, lang: NumberWords) -> str:
    """A price with no currency named, as people say one: '9.00' -> 'nine', '12.50' -> 'twelve fifty', '12.05'
    -> 'twelve oh five', '12,50' -> 'douze cinquante', 'doce con cincuenta'."""
    words = number_words(whole, None, lang)
    cents = int(hundredths)
    if not cents:
        return words
    said = cardinal(cents, lang)
    if cents < 10 and lang.price_zero:
        said = f"{lang.price_zero} {said}"
    return words + lang.cents.format(n=said, sub="").rstrip()


def part_words(numerator: int, denominator: int, lang: NumberWords) -> str:
    """A simple fraction: '1/2' -> 'one half', '3/4' -> 'three quarters', 'zwei Drittel', 'un medio'."""
    one, more = lang.parts[denominator]
    return f"{cardinal(numerator, lang, 'm')} {one if numerator == 1 else more}"


def version_words(parts: list[str], lang: NumberWords) -> str:
    """'2.3.1' of a version -> 'two point three point one'; a part written with a leading zero ('04') is said
    digit by digit."""
    said = [say_digits(p, lang) if p.startswith("0") and len(p) > 1 else cardinal(int(p), lang) for p in parts]
    return f" {lang.dot} ".join(said)


def temperature_words(sign: str, whole: str, fraction: str | None, scale: str, lang: NumberWords) -> str:
    """'-5°C' -> 'minus five degrees Celsius', '1°C' -> 'one degree Celsius', 'moins cinq degrés Celsius'."""
    one = not fraction and (int(whole) == 1 or (lang.zero_singular and int(whole) == 0))
    sign_words = {"-": lang.minus, "−": lang.minus, "+": lang.plus}.get(sign, "")
    number = number_words(whole, fraction, lang)
    unit = lang.degree[0] if one else lang.degree[1]
    return " ".join(filter(None, (sign_words, number, unit, {"C": "Celsius", "F": "Fahrenheit"}[scale])))


def _first_or(first: str) -> Callable[[int, NumberWords], str]:
    return lambda day, lang: first if day == 1 else cardinal(day, lang)


# language -> (the day of the month in words, the date's word order)
DATE_FORMS: dict[str, tuple[Callable[[int, NumberWords], str], str]] = {
    "en": (lambda day, lang: num2words(day, lang="en", to="ordinal"), "{day} of {month} {year}"),
    "fr": (_first_or("premier"), "{day} {month} {year}"),
    "de": (lambda day, lang: num2words(day, lang="de", to="ordinal"), "{day} {month} {year}"),
    "es": (lambda day, lang: cardinal(day, lang), "{day} de {month} de {year}"),
    "it": (_first_or("primo"), "{day} {month} {year}"),
    "pt": (_first_or("primeiro"), "{day} de {month} de {year}"),
}


def date_words(day: int, month: int, year: str, lang: NumberWords, before: str = "") -> str | None:
    """A date in words, day first: 'twenty-fifth of December twenty eighteen', 'quatorze novembre deux mille
    vingt-six', 'vierzehnter November zweitausendsechsundzwanzig'; the day agrees with `before`, the word
    written before the date, where the language declines it ('am zwölften Februar'); None when it is no
    date."""
    if not 1 <= month <= 12 and 1 <= day <= 12:  # 03/25/2018: month first
        day, month = month, day
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    say_day, form = DATE_FORMS[lang.code]
    said_day = say_day(day, lang)
    if lang.day_endings:
        said_day += lang.day_endings.get(before.lower(), lang.day_endings[""])
    if not year:  # "am 14.11.": the day and the month
        return f"{said_day} {lang.months[month - 1]}"
    full = int(year) if len(year) == 4 else 2000 + int(year)
    said_year = num2words(full, lang=lang.code, to="year") if lang.code in ("en", "de") else cardinal(full, lang)
    return form.format(day=said_day, month=lang.months[month - 1], year=said_year)


def _clock_en(hour: int, minute: int, lang: NumberWords, twelve_hour: bool) -> str:
    h = cardinal(hour, lang)
    if minute == 0:
        return f"{h} o'clock" if twelve_hour or hour <= 12 else f"{h} hundred"
    return f"{h} oh {cardinal(minute, lang)}" if minute < 10 else f"{h} {cardinal(minute, lang)}"


def _clock_fr(hour: int, minute: int, lang: NumberWords, twelve_hour: bool) -> str:
    words = f"{cardinal(hour, lang, 'f')} {'heure' if hour <= 1 else 'heures'}"
    return f"{words} {cardinal(minute, lang, 'f')}" if minute else words


def _clock_de(hour: int, minute: int, lang: NumberWords, twelve_hour: bool) -> str:
    words = f"{cardinal(hour, lang, 'm')} Uhr"
    return f"{words} {cardinal(minute, lang)}" if minute else words


def _clock_with(joiner: str, on_the_hour: Callable[[str, int], str]) -> Callable[[int, int, NumberWords, bool], str]:
    """Hours as a feminine number ('la una', 'l'una', 'uma'), minutes after `joiner` ('ocho y trece')."""
    def clock(hour: int, minute: int, lang: NumberWords, twelve_hour: bool) -> str:
        h = cardinal(hour, lang, "f")
        return f"{h} {joiner} {cardinal(minute, lang)}" if minute else on_the_hour(h, hour)
    return clock


# language -> (the hour and minute in words, seconds after them)
CLOCKS: dict[str, tuple[Callable[[int, int, NumberWords, bool], str], str, tuple[str, str]]] = {
    "en": (_clock_en, " and {} {}", ("second", "seconds")),
    "fr": (_clock_fr, " et {} {}", ("seconde", "secondes")),
    "de": (_clock_de, " und {} {}", ("Sekunde", "Sekunden")),
    "es": (_clock_with("y", lambda h, n: f"{h} {'hora' if n == 1 else 'horas'}"), " y {} {}", ("segundo", "segundos")),
    "it": (_clock_with("e", lambda h, n: f"ore {h}"), " e {} {}", ("secondo", "secondi")),
    "pt": (_clock_with("e", lambda h, n: f"{h} {'hora' if n == 1 else 'horas'}"), " e {} {}", ("segundo", "segundos")),
}
SECOND_GENDER = {"fr": "f", "de": "f"}  # "une seconde", "eine Sekunde"; "un segundo", "um segundo"
_SAID = {code for code, row in LANGUAGES.items() if row.numbers is not None}
if not (set(DATE_FORMS) == set(CLOCKS) == _SAID and set(AGREE) | set(SECOND_GENDER) <= _SAID):
    raise ImportError(f"the rules of numbers in words are not those of the languages with number words: {_SAID}")


def clock_words(hour: int, minute: int, second: int, lang: NumberWords, twelve_hour: bool = False) -> str:
    """A time: 'eight thirteen and thirty-nine seconds', 'huit heures treize', 'acht Uhr dreizehn', 'ocho y
    trece', 'otto e tredici', 'oito e treze'."""
    clock, seconds, (one, more) = CLOCKS[lang.code]
    words = clock(hour, minute, lang, twelve_hour)
    if second:
        gender = "" if lang.code == "en" else SECOND_GENDER.get(lang.code, "m")
        words += seconds.format(cardinal(second, lang, gender), one if second == 1 else more)
    return words


def ordinal_words(n: int, lang: NumberWords, feminine: bool = False, before_noun: bool = False) -> str:
    """'1er' -> 'premier', '1re' -> 'première', '2e' -> 'deuxième'; '1º' -> 'primero' ('primer piso' before
    a noun), '2ª' -> 'segunda', '1.º' -> 'primeiro', '3º' -> 'terzo'."""
    if lang.code == "fr" and n == 1:
        return "première" if feminine else "premier"
    words = num2words(n, lang=lang.code, to="ordinal")
    if feminine and lang.code in ("es", "it", "pt"):
        words = " ".join(w[:-1] + "a" if w.endswith("o") else w for w in words.split(" "))
    elif before_noun and lang.code == "es" and words.endswith(("primero", "tercero")):
        words = words[:-1]  # "primer piso", "tercer piso"
    return words


def _spelled(letters: str) -> str:
    """Capitals of a reference one by one, as the voice then names each: up to three ("OR", "TMN"), or any
    number without a vowel ("CSPD"); a word ("MEAT", "Model") stays a word."""
    spelled = len(letters) == 1 or (letters.isupper() and (len(letters) <= 3 or not CAPITAL_VOWEL.search(letters)))
    return " ".join(letters) if spelled else letters


def reference_words(word: str, lang: NumberWords) -> str | None:
    """A word of letters and four digits or more (a company number, an invoice), digits in groups and
    capitals spelled: '789417-W' -> 'seven eight nine, four one seven, W', 'CSPD029197' -> 'C S P D zero two
    nine, one nine seven'; None for any other word ('500ML', '1990s', '1920x1080', 'A10')."""
    runs = WORD_RUNS.findall(word)
    letters = [run for run in runs if not run[0].isdigit() and run != "-"]
    if "_" in word or not letters or not any(run.isdigit() and len(run) >= 4 for run in runs):
        return None
    if len(runs) == 2 and runs[0].isdigit() and runs[1].upper() in QUANTITY_SUFFIXES:
        return None  # "500ML", "1990s": a quantity
    if len(letters) == 1 and letters[0] in "xX" and runs[0].isdigit() and runs[-1].isdigit():
        return None  # "1920x1080": a size
    said = ""
    for run in runs:
        if run == "-":
            said += ","
        else:
            said += " " + (digit_groups(run, lang) if run.isdigit() else _spelled(run))
    return said.lstrip(" ,")  # a dash at its end stays a pause: "I00100000060- 4 VEGE"


def pair_words(pair: str, lang: NumberWords) -> str:
    """Two digits of a French phone number as they are said: '23' -> 'vingt-trois', '05' -> 'zéro cinq' (and
    words already said are kept)."""
    if not pair.isdigit():
        return pair
    return say_digits(pair, lang) if pair.startswith("0") else cardinal(int(pair), lang)
