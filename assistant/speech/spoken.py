"""Text as it should be heard: numbers, dates, times, prices, codes and symbols turned into the words a
person would say, in the text's language, before the voice sees them.

A voice reads raw text as its own front end guesses: a 13-digit barcode as "nine trillion ...", a date as
"twelve slash zero two ...", "RM" as "R M". `spoken(text, language)` rewrites the text so that every voice
says the same, listenable thing, in English, French, German, Spanish, Italian or Portuguese (the languages
whose record in `assistant.languages` holds number words; the rules are in `numbers`):

- long digit strings (7 digits or more: barcodes, card, account and document numbers) digit by digit, in
  groups of three or four (beyond 64 digits: "a number of four hundred digits"); numbers over 15 digits
  likewise; a card number written in groups ("4111 1111 1111 1111") in its own groups;
- references that mix letters and four digits or more ("789417-W", "CS00011955") digit by digit, their
  capitals spelled: "seven eight nine, four one seven, W"; a quantity ("500ML", "1990s") stays a number;
- phone numbers (digit groups joined by dashes, or a leading +) digit by digit, in their own groups, also
  before a comma or a full stop; a French number of five pairs ("01 23 45 67 89") pair by pair, as the French
  say it;
- dates (25/12/2018, 14.11.2026, 2018-03-16) in words, day first: "twenty-fifth of December twenty
  eighteen", "quatorze novembre deux mille vingt-six"; in German the day agrees with the word before it:
  "am zwölften Februar", "der zwölfte Februar", "zwölfter Februar" standing alone;
- times (8:13:39 PM, 15:46, and 8h13 or 12.50 Uhr where those are written) as "eight thirteen and
  thirty-nine seconds PM", "quinze heures quarante-six";
- prices with a currency ($, €, £, ¥, ₹, RM, MYR, USD, EUR, GBP, ...) as amounts: "thirty ringgit ninety-one
  sen", "douze euros cinquante", "zwölf Euro fünfzig"; a number with two decimals and no currency as a price
  is said ("9.00" -> "nine", "12.50" -> "twelve fifty", "douze cinquante"), unless a unit follows ("1.25 L");
- simple fractions ("1/2 cup" -> "one half cup", "3/4" -> "trois quarts", "1 1/2" -> "one and one half"),
  temperatures ("-5°C" -> "minus five degrees Celsius"), a minus sign before a number, and versions
  ("v2.3.1" -> "version two point three point one");
- ordinals as written in French ("le 1er janvier", "2e étage") and with º and ª ("1º piso", "2ª classe");
- percentages, and symbols that mean something (# @ & = arrows § n°) as words; decorative runs (***, ----,
  ===) and bars skipped;
- letters of scripts the voice cannot say skipped (`said` is told which it can: Latin, and its language's
  own, from `languages.scripts`), with one note at the end.

In a language without number words (Dutch, Swedish, Greek, ...) numbers are left as they are written for its
voice to say (espeak-ng reads "Totaal 12,50 €" in Dutch); only card numbers, references and digit strings of
seven or more are cut into their groups, each digit apart ("9 5 5 6, 9 3 9, 0 4 0, 1 1 6": the voice says
each digit in its language, where it would say "negen biljoen ..." of the whole), and decoration and letters
of other scripts are left out, as in every language (`DIGIT_STEPS`).

How numbers are written follows the language: in English "1,250.50" (a comma between thousands, a decimal
point), elsewhere "1.250,50" (a dot between thousands, a decimal comma; a dot before one or two digits, as in
"12.50", is a decimal point there too). A no-break or thin space between thousands ("1 250", as typed) is a
thousands separator in every language; a plain space only inside a price written the French way ("1 250,00
€"): on a receipt a plain space more often parts a quantity from a price.

Numbers become words with `num2words`, so the voice never guesses. Every pattern here runs in time linear in
its line (spaces are made single first; no nested quantifiers; a pattern whose groups can repeat only starts
where a number starts; a word is looked at only from its first character), so any text, however long, is put
into words in bounded time.

The ways of writing that belong to one language (French phone pairs and "8h13", German "12.50 Uhr", "1º" in
the Iberian languages) are named in its number words (`NumberWords.forms`) and read by the steps of `FORMS`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable

from assistant import languages
from assistant.i18n import N_, _
from assistant.languages import LANGUAGES, Language
from assistant.numberwords import CURRENCY_CODES, DIGITS_ONLY, NumberWords
from assistant.speech import numbers
from assistant.textout import printable

log = logging.getLogger(__name__)
_failed_once = False  # a line that could not be put into words: its traceback is logged once

OTHER_SCRIPT = N_("Some text in another script.")  # the assistant's own words: in the user's language
MAX_WORD_DIGITS = numbers.MAX_WORD_DIGITS
MAX_SAID_DIGITS = numbers.MAX_SAID_DIGITS
DECORATION = re.compile(r"[*=_~\-.·•]{3,}|[|¦│┃•·■□◆◇►◄▪▫★☆※]")
THOUSANDS_SPACE = re.compile("(?<=\\d)[\u00a0\u2007\u2009\u202f](?=\\d{3}(?!\\d))")  # before NFKC makes it " "

_CUR = "|".join(re.escape(c) for c in sorted(CURRENCY_CODES, key=len, reverse=True))
# English: "1,250.50"; a price with its currency after it ("12,50 €") is European, decimal comma and all.
_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?![\d.])"
PRICE_BEFORE = re.compile(rf"(?<![A-Za-z])({_CUR})\s?{_AMOUNT}")
PRICE_AFTER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:[.,](\d{1,2}))?(?![\d.])\s?(€|EUR|MYR|USD|GBP)"
                         r"(?![A-Za-z])")
# A decimal comma: "1.250,50", "1 250,50" (a plain space only where no digit and space come before it, so
# the pattern starts only where a number starts) and "12.50" (a dot before two digits is no thousands dot;
# nor is one after a leading 0: "0.250").
_WHOLE_EU = r"((?<!\d )[1-9]\d{0,2}(?: \d{3})+(?!\d)|[1-9]\d{0,2}(?:\.\d{3})+(?!\d)|\d+)"
_AMOUNT_EU = rf"{_WHOLE_EU}(?:[.,](\d{{1,2}}))?(?![\d.,]?\d)"
PRICE_BEFORE_EU = re.compile(rf"(?<![A-Za-z])({_CUR})\s?{_AMOUNT_EU}")
PRICE_AFTER_EU = re.compile(rf"(?<![\d.,]){_AMOUNT_EU}\s?(€|\$|£|¥|₹|EUR|MYR|USD|GBP|JPY|INR)(?![A-Za-z])")  # 12,50 $
CURRENCY_WORD = re.compile(r"(?<![A-Za-z])(RM|MYR)(?![A-Za-z])")
DATE_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")
DATE_DM = re.compile(r"(?<![\d.,])(\d{1,2})\.(\d{1,2})\.(?![\d.])")  # German "am 14.11."
DATE_YMD = re.compile(r"(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d/])")
TIME = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])(\s*(?:[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?")
ORDINAL_FR = re.compile(r"(?<![\w.,])(\d{1,3})(er|re|ère|e|ème)(?!\w)")  # "le 1er janvier", "2e étage"
ORDINAL_MARK = re.compile(r"(?<![\d.,])(\d{1,3})\.?([ºª])( ?\w)?")  # "1º piso", "2ª classe", "3.º andar"
HOUR_MARK = re.compile(r"(?<![\w:.,])(\d{1,2}) ?h ?(\d{2})?(?![\w:])")  # "8h13", "15 h", "8 h 30"
UHR = re.compile(r"(?<![\w:.,])(\d{1,2})(?:[.:](\d{2}))? ?Uhr(?!\w)")  # "12.50 Uhr", "8 Uhr"
PERCENT = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)\s?%")
PERCENT_EU = re.compile(r"(?<!\d)(\d+(?:[.,]\d+)?)\s?%")
PERCENT_SIGN = re.compile("%")
# +34 91 123 45 67; before a comma or a full stop too, but not before a decimal part ("03-7731 8169." is a phone)
PHONE = re.compile(r"(?<![\w.,/-])(\+?\(?\d{1,4}\)?(?:[- ]\d{2,8}){1,5})(?![\w/]|[.,]\d|-\d)")
YEARS = re.compile(r"(?:19|20)\d\d-(?:19|20)\d\d")
# A card number in its groups: four of four digits (and a fifth of up to four), or American Express's 4-6-5.
CARD = re.compile(r"\d(?<![\w.,]\d)(?:\d{3} \d{4} \d{4} \d{4}(?: \d{1,4})?|\d{3} \d{6} \d{4,5})(?!\w|[.,]\d| \d)")
# A word of letters, digits and dashes, looked at from its first character only: "789417-W", "CSPD029197".
# (Patterns here that can start with a character class do, the lookbehind after it: the scan for a start is
# then done in C, the lookbehind only where such a character is.)
WORD = re.compile(r"[\w-](?<![\w-][\w-])[\w-]*")
# A unit after a number keeps its decimal point ("1.25 L" is no price): the word after it, looked up in UNITS.
UNITS = frozenset({"mm", "cm", "dm", "km", "m", "mg", "g", "kg", "ml", "cl", "dl", "l", "kwh", "kw", "w", "v", "mah",
                   "ah", "kb", "mb", "gb", "tb", "hz", "khz", "mhz", "ghz", "ft", "yd", "oz", "lbs", "lb", "gal", "ha"})
# "1/2", "3/4", "1 1/2" and "1-1/2" (a whole before it), "⅓" once NFKC made it "1⁄3"; not a date's or a path's numbers.
FRACTION = re.compile(r"(?:(\d(?<![\w/.,:-]\d)\d{0,2})[ -]([1-9])|([1-9])(?<![\w/.,:-][1-9]))[/\u2044](10|[2-9])"
                      r"(?![\w/\u2044]|[.,:-]?\d)")
TEMPERATURE = re.compile(r"(?<![\w.,])([-\u2212+]?)(\d{1,3})(?:([.,])(\d{1,2}))? ?°([CF])(?![^\W\d_])")
MINUS = re.compile(r"(?<![\w.,/+-])[-\u2212](?=\d)")  # "-5", "−2.00"; not "03-7731" nor "1-300"
_VERSION_WORDS = "|".join(sorted({row.numbers.version.lower()[1:] for row in LANGUAGES.values() if row.numbers},
                                 key=len, reverse=True))
VERSION = re.compile(rf"[vV](?<![\w.][vV])(?:((?i:{_VERSION_WORDS})) )?(\d{{1,4}})\.(\d{{1,4}})(?:\.(\d{{1,4}}))?"
                     r"(?:\.(\d{1,4}))?(?!\w|\.\d)")  # "v2.3.1", "Version 2.3.1", "versión 2.3"
# A French number in five pairs: "01 23 45 67 89", "01.23.45.67.89", "+33 1 23 45 67 89", "+33 (0)1 23 ..."
PHONE_PAIRS = re.compile(r"(?<![\w.,/+-])(\+33 ?(?:\(0\) ?)?|0)(\d)([ .-])(\d\d)\3(\d\d)\3(\d\d)\3(\d\d)"
                         r"(?![\w/-]|[.,]\d)")
LONG_DIGITS = re.compile(r"(?<!\d)(?<!\d\.)\d{7,}")  # not a fraction: NUMBER says it after "point"
LONG_DIGITS_EU = re.compile(r"(?<!\d)(?<!\d[.,])\d{7,}")
NUMBER = re.compile(r"(?<![\d])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d])")
# Starts only where a number starts (not after "." or ","), so a run of "1.000.000..." is read once; the
# digits it leaves (as in "No.53") are said by DIGITS_LEFT.
NUMBER_EU = re.compile(r"(?<![\d.,])([1-9]\d{0,2}(?:\.\d{3})+(?!\.?\d)|\d+)(?:[.,](\d+))?")
DIGITS_LEFT = re.compile(r"\d+")
HASH = re.compile(r"(?<=[A-Za-z])#|#(?=\s?\d| ?:)")  # "No#", "#12", "RECEIPT #:": a number sign
TIMES = re.compile(r"(?<=\d)\s?\*\s?(?=\d)")
PLUS = re.compile(r"(?<=\d)\s?\+\s?(?=\d)")
SPACE_BEFORE_PUNCTUATION = re.compile(r" ([,.;:!?)])")  # spaces are single by then
SPACE_AFTER_BRACKET = re.compile(r"\( ")
COMMAS = re.compile(r",(?: ?,)+")
COMMA_THEN_STOP = re.compile(r",([.;:!?])")
EMPTY_BRACKETS = re.compile(r"\( ?\)")

Step = tuple[re.Pattern[str], Callable[[re.Match[str], NumberWords], str]]


def number_words_of(language: Language) -> NumberWords:
    """The words numbers are said with in `language`: its own, or the digits alone (`DIGITS_ONLY`)."""
    return language.numbers or DIGITS_ONLY


def digit_groups(digits: str, language_code: str = "en") -> str:
    """Digit by digit, in groups of three or four (see `numbers.digit_groups`)."""
    return numbers.digit_groups(digits, number_words_of(languages.record(language_code)))


def _said(words: str) -> str:
    return f" {words} "


def _word_before(m: re.Match[str]) -> str:
    """The word written just before a match ("am" in "am 12.02."), from at most 12 characters back."""
    before = m.string[max(0, m.start() - 12):m.start()].split()
    return before[-1].strip("(,;:") if before and m.string[m.start() - 1:m.start()] == " " else ""


def _date(day: str, month: str, year: str, m: re.Match[str], lang: NumberWords) -> str:
    words = numbers.date_words(int(day), int(month), year, lang, before=_word_before(m))
    return f" {words}, " if words else m[0]


def _time(m: re.Match[str], lang: NumberWords) -> str:
    hour, minute = int(m[1]), int(m[2] or 0)
    second, ampm = (int(m[3] or 0), m[4]) if m.re is TIME else (0, None)  # 8h13 and 12.50 Uhr have neither
    if hour > 24 or minute > 59 or second > 59:
        return m[0]
    words = numbers.clock_words(hour, minute, second, lang, twelve_hour=bool(ampm))
    if ampm:
        words += " " + " ".join(ampm.upper().replace(".", "").strip())
    return _said(words)


def _phone(m: re.Match[str], lang: NumberWords) -> str:
    text = m[0]
    groups = re.findall(r"\d+", text)
    total = sum(len(g) for g in groups)
    # A phone number: seven digits or more, in groups joined by a dash or led by + or (..); not two years.
    if total < 7 or not ("-" in text or text.startswith(("+", "("))) or any(len(g) > 8 for g in groups):
        return text
    if YEARS.fullmatch(text):  # "2017-2018": a season, said as two years
        return text
    parts = [numbers.digit_groups(g, lang) for g in groups]
    return (f" {lang.plus} " if text.startswith("+") else " ") + ", ".join(parts) + " "


def _card(m: re.Match[str], lang: NumberWords) -> str:
    return _said(", ".join(numbers.say_digits(group, lang) for group in m[0].split(" ")))


def _reference(m: re.Match[str], lang: NumberWords) -> str:
    words = numbers.reference_words(m[0], lang)
    return m[0] if words is None else _said(words)


def _fraction(m: re.Match[str], lang: NumberWords) -> str:
    numerator, denominator = int(m[2] or m[3]), int(m[4])
    if numerator >= denominator:  # "7/4" is no fraction said as such: an address, a score
        return m[0]
    words = numbers.part_words(numerator, denominator, lang)
    if m[1]:
        words = f"{numbers.number_words(m[1], None, lang)}{lang.symbols['&']}{words}"
    return _said(words)


def _temperature(m: re.Match[str], lang: NumberWords) -> str:
    if m[3] == "," and not lang.decimal_comma:
        return m[0]
    return _said(numbers.temperature_words(m[1], m[2], m[4], m[5], lang))


def _version(m: re.Match[str], lang: NumberWords) -> str:
    said = numbers.version_words([part for part in m.groups()[1:] if part], lang)
    return _said(f"{m[0][0] + m[1] if m[1] else lang.version} {said}")  # "Version" as written, "v" as a word


def _price_or_number(whole: str, fraction: str | None, m: re.Match[str], lang: NumberWords) -> str:
    """Two decimals are a price ("12.50" -> "twelve fifty") unless a unit follows ("1.25 L")."""
    if fraction and len(fraction) == 2 and not _unit_after(m.string, m.end()):
        return _paused(numbers.amount_words(whole, fraction, lang), m)
    return _said(numbers.number_words(whole, fraction, lang))


def _unit_after(text: str, end: int) -> bool:
    """Whether a unit follows a number that ends at `end` ("1.25 L", "12.50%"): a few characters are read."""
    after = text[end:end + 6].removeprefix(" ")
    letters = 0
    while letters < len(after) and after[letters].isalpha():
        letters += 1
    return after.startswith(("°", "%")) or after[:letters].lower() in UNITS


def _paused(words: str, m: re.Match[str]) -> str:
    """A price or a code said digit by digit, set apart from a number beside it by a pause: without its point,
    "6.00 0.36" would be heard as one number ("six zero thirty-six"); "six, zero thirty-six" is two."""
    before, after = m.string[max(0, m.start() - 2):m.start()], m.string[m.end():m.end() + 2]
    number_before = len(before) == 2 and before[0].isdigit() and before[1] == " "
    number_after = len(after) == 2 and after[0] == " " and after[1].isdigit()
    return f"{', ' if number_before else ' '}{words}{', ' if number_after else ' '}"


def _phone_pairs(m: re.Match[str], lang: NumberWords) -> str:
    first = f"{lang.plus} {numbers.cardinal(33, lang)}, {m[2]}" if m[1].startswith("+") else f"0{m[2]}"
    return _said(", ".join(numbers.pair_words(pair, lang) for pair in (first, m[4], m[5], m[6], m[7])))


def _ordinal_fr(m: re.Match[str], lang: NumberWords) -> str:
    return _said(numbers.ordinal_words(int(m[1]), lang, feminine=m[2] in ("re", "ère")))


def _ordinal_mark(m: re.Match[str], lang: NumberWords) -> str:
    words = numbers.ordinal_words(int(m[1]), lang, feminine=m[2] == "ª", before_noun=bool(m[3]))
    return _said(words) + (m[3] or "")


def _percent(m: re.Match[str], lang: NumberWords) -> str:
    whole, _, fraction = m[1].replace(",", ".").partition(".")
    return _said(f"{numbers.number_words(whole, fraction, lang)} {lang.percent}")


def _number_eu(m: re.Match[str], lang: NumberWords) -> str:
    if m[1].startswith("0") and m[1].isdigit() and len(m[1]) > 1:  # "030", "V02": a code, said digit by digit
        return _said(numbers.say_digits(m[1], lang) + (f" {lang.point} {numbers.fraction_words(m[2], lang)}"
                                                         if m[2] else ""))
    return _price_or_number(m[1], m[2], m, lang)


def _long_digits(m: re.Match[str], lang: NumberWords) -> str:
    return _paused(numbers.digit_groups(m[0], lang), m)


STEPS: dict[bool, tuple[Step, ...]] = {  # decimal comma -> the steps for numbers, in order
    False: ((PRICE_BEFORE, lambda m, lang: _said(numbers.price_words(m[1], m[2], m[3], lang))),
            (PRICE_AFTER, lambda m, lang: _said(numbers.price_words(m[3], m[1], m[2], lang))),
            (CURRENCY_WORD, lambda m, lang: _said(lang.currencies["MYR"].units)),
            (PERCENT, _percent),
            (PERCENT_SIGN, lambda m, lang: _said(lang.percent)),
            (PHONE, _phone),
            (WORD, _reference),
            (LONG_DIGITS, _long_digits)),
    True: ((PRICE_BEFORE_EU, lambda m, lang: _said(numbers.price_words(m[1], m[2], m[3], lang))),
           (PRICE_AFTER_EU, lambda m, lang: _said(numbers.price_words(m[3], m[1], m[2], lang))),
           (CURRENCY_WORD, lambda m, lang: _said(lang.currencies["MYR"].units)),
           (PERCENT_EU, _percent),
           (PERCENT_SIGN, lambda m, lang: _said(lang.percent)),
           (PHONE, _phone),
           (WORD, _reference),
           (LONG_DIGITS_EU, _long_digits)),
}
# A language without number words: only digit strings cut into their groups, each digit apart, with
# `DIGITS_ONLY` (a card, a reference, a long number); dates, prices, phone numbers (their dashes would take
# "25-12-2018" for one) and symbols are left as written, for its voice.
DIGIT_STEPS: dict[bool, tuple[Step, ...]] = {  # decimal comma -> the steps
    False: ((CARD, _card), (WORD, _reference), (LONG_DIGITS, _long_digits)),
    True: ((CARD, _card), (WORD, _reference), (LONG_DIGITS_EU, _long_digits)),
}
# The ways of writing of one language or a few, by the name its number words give them (`NumberWords.forms`).
FORMS: dict[str, Step] = {
    "phone pairs": (PHONE_PAIRS, _phone_pairs),
    "ordinal suffix": (ORDINAL_FR, _ordinal_fr),
    "hour mark": (HOUR_MARK, _time),
    "Uhr": (UHR, _time),
    "day and month": (DATE_DM, lambda m, lang: _date(m[1], m[2], "", m, lang)),
    "ordinal mark": (ORDINAL_MARK, _ordinal_mark),
}
BEFORE_NFKC = frozenset({"ordinal mark"})  # NFKC makes "º" an "o": read before it
# Before dates ("v1.2.18" is no date) and before the phone and price steps (a card's groups are no amounts).
FIRST: tuple[Step, ...] = ((VERSION, _version), (TEMPERATURE, _temperature), (CARD, _card))
DATES_AND_TIMES: tuple[Step, ...] = (
    (DATE_YMD, lambda m, lang: _date(m[4], m[3], m[1], m, lang)),
    (DATE_DMY, lambda m, lang: _date(m[1], m[3], m[4], m, lang)),
    (TIME, _time),
)
AFTER_DATES: tuple[Step, ...] = ((FRACTION, _fraction), (MINUS, lambda m, lang: _said(lang.minus)))
_unknown_forms = {form for row in LANGUAGES.values() if row.numbers for form in row.numbers.forms} - set(FORMS)
if _unknown_forms:  # checked at import: a language names only forms that are read
    raise ImportError(f"ways of writing no step reads: {sorted(_unknown_forms)}")


def _steps(lang: NumberWords) -> tuple[Step, ...]:
    """Every step for a line in `lang`, in order: its own forms, then the ones all languages share."""
    own = tuple(FORMS[form] for form in lang.forms if form not in BEFORE_NFKC)
    return own + FIRST + DATES_AND_TIMES + AFTER_DATES + STEPS[lang.decimal_comma]


def _apply(line: str, steps: tuple[Step, ...], lang: NumberWords) -> str:
    for pattern, words in steps:
        line = pattern.sub(lambda m: words(m, lang), line)
    return line


def _other_script(ch: str, scripts: tuple[str, ...]) -> bool:
    """A letter the voice cannot say: one of a script not in `scripts` (Chinese, Arabic, Cyrillic, ...)."""
    if not unicodedata.category(ch).startswith("L"):
        return False
    return unicodedata.name(ch, "").partition(" ")[0] not in scripts


def _without_other_scripts(line: str, scripts: tuple[str, ...]) -> tuple[str, bool]:
    """`line` with the letters of other scripts (and the marks on them: vowel signs) made spaces."""
    kept: list[str] = []
    dropping = other = False
    for ch in line:
        if _other_script(ch, scripts) or (dropping and unicodedata.category(ch).startswith("M")):
            dropping = other = True
            kept.append(" ")
        else:
            dropping = False
            kept.append(ch)
    return "".join(kept), other


def _prepared(line: str, lang: NumberWords, decimal_comma: bool, scripts: tuple[str, ...]) -> tuple[str, bool]:
    """The line with single spaces, no decoration and no letters of another script (and whether there were)."""
    for fraction, words in lang.fractions.items():  # NFKC would make "½" "1⁄2"
        line = line.replace(fraction, words)
    line = THOUSANDS_SPACE.sub("." if decimal_comma else ",", line)
    line = _apply(line, tuple(FORMS[form] for form in lang.forms if form in BEFORE_NFKC), lang)
    line, other = _without_other_scripts(unicodedata.normalize("NFKC", line), scripts)
    line = " ".join(line.split())  # single spaces: no pattern below meets a long run of them
    return DECORATION.sub(" ", line), other


def _symbols(line: str, lang: NumberWords) -> str:
    line = HASH.sub(f" {lang.number_sign} ", line)
    line = line.replace("#", f" {lang.hash} ")
    for symbol, words in lang.symbols.items():
        line = line.replace(symbol, words)
    line = TIMES.sub(f" {lang.times} ", line)
    return PLUS.sub(f" {lang.plus} ", line)


def _tidy(line: str) -> str:
    line = " ".join(line.split())
    line = SPACE_BEFORE_PUNCTUATION.sub(r"\1", line)  # no space before punctuation the words left behind
    line = SPACE_AFTER_BRACKET.sub("(", line)
    line = COMMAS.sub(",", line)
    line = COMMA_THEN_STOP.sub(r"\1", line)  # "vingt-six,." after a date at the end of a sentence
    line = EMPTY_BRACKETS.sub("", line)
    return " ".join(line.lstrip(" ,.;:").rstrip(" ,").split())


def _words(line: str, lang: NumberWords) -> str:
    """Every number, date, price and symbol of `line` in words (spaces are single by then)."""
    line = _apply(line, _steps(lang), lang)
    line = _symbols(line, lang)
    if lang.decimal_comma:
        line = NUMBER_EU.sub(lambda m: _number_eu(m, lang), line)
        return DIGITS_LEFT.sub(lambda m: _said(numbers.number_words(m[0], None, lang)), line)
    return NUMBER.sub(lambda m: _price_or_number(m[1], m[2], m, lang), line)


def spoken_line(line: str, language_code: str = "en", scripts: tuple[str, ...] | None = None) -> tuple[str, bool]:
    """One line as it should be heard in its language, and whether letters of a script not in `scripts` (by
    default, those a voice of the language says) were left out: a line with nothing left to say but
    punctuation is then "", not "?."."""
    language = languages.record(language_code)
    lang = number_words_of(language)
    line, other = _prepared(line, lang, language.decimal_comma, scripts or languages.scripts(language_code))
    if language.numbers is None:  # numbers left to the voice, digit strings in groups
        line = _apply(line, DIGIT_STEPS[language.decimal_comma], lang)
    else:
        line = _words(line, lang)
    line = _tidy(line)
    if other and not any(ch.isalnum() for ch in line):
        line = ""
    return line, other


def said(text: str, language: str = "en", scripts: tuple[str, ...] | None = None) -> tuple[str, bool]:
    """The words a voice should say for `text` (see `spoken`), without the note, and whether letters of a
    script not in `scripts` (by default, those a voice of `language` says) were left out."""
    global _failed_once
    lines, other = [], False
    for line in printable(text).splitlines():
        try:
            words, had_other = spoken_line(line, language, scripts)
        except Exception:  # an utterance is never dropped for its words: it is said as written
            if not _failed_once:
                _failed_once = True
                log.exception("Could not put a line into words; it is said as written")
            words, had_other = " ".join(line.split()), False
        other = other or had_other
        if words:
            lines.append(words)
    return "\n".join(lines), other


def spoken(text: str, language: str = "en") -> str:
    """The words a voice should say for `text`, line by line, with numbers in `language` (an ISO 639-1 code;
    English rules for a code not known; see the module's docstring): only the text itself (no control,
    bidirectional or zero-width characters, no escape sequences), and never nothing: a line that cannot be
    put into words is said as it is. Letters of a script a voice of `language` cannot say are left out, with
    one note at the end in the user's language."""
    words, other = said(text, language)
    return "\n".join(filter(None, (words, _(OTHER_SCRIPT) if other else "")))
