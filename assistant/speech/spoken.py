"""Text as it should be heard: numbers, dates, times, prices, codes and symbols turned into the words a
person would say, in the text's language, before the voice sees them.

A voice reads raw text as its own front end guesses: a 13-digit barcode as "nine trillion ...", a date as
"twelve slash zero two ...", "RM" as "R M". `spoken(text, language)` rewrites the text so that every voice
says the same, listenable thing, in English, French, German, Spanish, Italian or Portuguese (any other
language code is read with the English rules; the words themselves are in `languages` and `numbers`):

- long digit strings (7 digits or more: barcodes, card, account and document numbers) digit by digit, in
  groups of three or four (beyond 64 digits: "a number of four hundred digits"); numbers over 15 digits
  likewise;
- phone numbers (digit groups joined by dashes, or a leading +) digit by digit, in their own groups; a French
  number of five pairs ("01 23 45 67 89") pair by pair, as the French say it;
- dates (25/12/2018, 14.11.2026, 2018-03-16) in words, day first: "twenty-fifth of December twenty
  eighteen", "quatorze novembre deux mille vingt-six";
- times (8:13:39 PM, 15:46, and 8h13 or 12.50 Uhr where those are written) as "eight thirteen and
  thirty-nine seconds PM", "quinze heures quarante-six";
- prices with a currency ($, €, £, ¥, ₹, RM, MYR, USD, EUR, GBP, ...) as amounts: "thirty ringgit ninety-one
  sen", "douze euros cinquante", "zwölf Euro fünfzig";
- ordinals as written in French ("le 1er janvier", "2e étage") and with º and ª ("1º piso", "2ª classe");
- percentages, and symbols that mean something (# @ & = arrows § n°) as words; decorative runs (***, ----,
  ===) and bars skipped;
- letters of scripts the voice cannot say (Chinese, Arabic, ...) skipped, with one note at the end.

How numbers are written follows the language: in English "1,250.50" (a comma between thousands, a decimal
point), elsewhere "1.250,50" (a dot between thousands, a decimal comma; a dot before one or two digits, as in
"12.50", is a decimal point there too). A no-break or thin space between thousands ("1 250", as typed) is a
thousands separator in every language; a plain space only inside a price written the French way ("1 250,00
€"): on a receipt a plain space more often parts a quantity from a price.

Numbers become words with `num2words`, so the voice never guesses. Every pattern here runs in time linear in
its line (spaces are made single first; no nested quantifiers; a pattern whose groups can repeat only starts
where a number starts), so any text, however long, is put into words in bounded time.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable

from assistant.i18n import N_, _
from assistant.speech import languages, numbers
from assistant.speech.languages import CURRENCY_CODES, Language
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
PHONE = re.compile(r"(?<![\w.,/-])(\+?\(?\d{1,4}\)?(?:[- ]\d{2,8}){1,5})(?![\w.,/]|-\d)")  # +34 91 123 45 67
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
HASH = re.compile(r"(?<=[A-Za-z])#|#(?=\s?\d)")
TIMES = re.compile(r"(?<=\d)\s?\*\s?(?=\d)")
PLUS = re.compile(r"(?<=\d)\s?\+\s?(?=\d)")
SPACE_BEFORE_PUNCTUATION = re.compile(r" ([,.;:!?)])")  # spaces are single by then
SPACE_AFTER_BRACKET = re.compile(r"\( ")
COMMAS = re.compile(r",(?: ?,)+")
COMMA_THEN_STOP = re.compile(r",([.;:!?])")
EMPTY_BRACKETS = re.compile(r"\( ?\)")

Step = tuple[re.Pattern[str], Callable[[re.Match[str], Language], str]]


def digit_groups(digits: str, language_code: str = "en") -> str:
    """Digit by digit, in groups of three or four (see `numbers.digit_groups`)."""
    return numbers.digit_groups(digits, languages.language(language_code))


def number_words(whole: str, fraction: str | None = None, language_code: str = "en") -> str:
    """'1,234' -> 'one thousand two hundred and thirty-four' (see `numbers.number_words`)."""
    return numbers.number_words(whole, fraction, languages.language(language_code))


def _said(words: str) -> str:
    return f" {words} "


def _date(day: str, month: str, year: str, m: re.Match[str], lang: Language) -> str:
    words = numbers.date_words(int(day), int(month), year, lang)
    return f" {words}, " if words else m[0]


def _time(m: re.Match[str], lang: Language) -> str:
    hour, minute = int(m[1]), int(m[2] or 0)
    second, ampm = (int(m[3] or 0), m[4]) if m.re is TIME else (0, None)  # 8h13 and 12.50 Uhr have neither
    if hour > 24 or minute > 59 or second > 59:
        return m[0]
    words = numbers.clock_words(hour, minute, second, lang, twelve_hour=bool(ampm))
    if ampm:
        words += " " + " ".join(ampm.upper().replace(".", "").strip())
    return _said(words)


def _phone(m: re.Match[str], lang: Language) -> str:
    text = m[0]
    groups = re.findall(r"\d+", text)
    total = sum(len(g) for g in groups)
    # A phone number: seven digits or more, in groups joined by a dash or led by + or (..).
    if total < 7 or not ("-" in text or text.startswith(("+", "("))) or any(len(g) > 8 for g in groups):
        return text
    parts = [numbers.digit_groups(g, lang) for g in groups]
    return (f" {lang.plus} " if text.startswith("+") else " ") + ", ".join(parts) + " "


def _phone_pairs(m: re.Match[str], lang: Language) -> str:
    first = f"{lang.plus} {numbers.cardinal(33, lang)}, {m[2]}" if m[1].startswith("+") else f"0{m[2]}"
    return _said(", ".join(numbers.pair_words(pair, lang) for pair in (first, m[4], m[5], m[6], m[7])))


def _ordinal_fr(m: re.Match[str], lang: Language) -> str:
    return _said(numbers.ordinal_words(int(m[1]), lang, feminine=m[2] in ("re", "ère")))


def _ordinal_mark(m: re.Match[str], lang: Language) -> str:
    words = numbers.ordinal_words(int(m[1]), lang, feminine=m[2] == "ª", before_noun=bool(m[3]))
    return _said(words) + (m[3] or "")


def _percent(m: re.Match[str], lang: Language) -> str:
    whole, _, fraction = m[1].replace(",", ".").partition(".")
    return _said(f"{numbers.number_words(whole, fraction, lang)} {lang.percent}")


def _number_eu(m: re.Match[str], lang: Language) -> str:
    if m[1].startswith("0") and m[1].isdigit() and len(m[1]) > 1:  # "030", "V02": a code, said digit by digit
        return _said(numbers.say_digits(m[1], lang) + (f" {lang.point} {numbers.fraction_words(m[2], lang)}"
                                                         if m[2] else ""))
    return _said(numbers.number_words(m[1], m[2], lang))


STEPS: dict[bool, tuple[Step, ...]] = {  # decimal comma -> the steps for numbers, in order
    False: ((PRICE_BEFORE, lambda m, lang: _said(numbers.price_words(m[1], m[2], m[3], lang))),
            (PRICE_AFTER, lambda m, lang: _said(numbers.price_words(m[3], m[1], m[2], lang))),
            (CURRENCY_WORD, lambda m, lang: _said(lang.currencies["MYR"].units)),
            (PERCENT, _percent),
            (PERCENT_SIGN, lambda m, lang: _said(lang.percent)),
            (PHONE, _phone),
            (LONG_DIGITS, lambda m, lang: _said(numbers.digit_groups(m[0], lang)))),
    True: ((PRICE_BEFORE_EU, lambda m, lang: _said(numbers.price_words(m[1], m[2], m[3], lang))),
           (PRICE_AFTER_EU, lambda m, lang: _said(numbers.price_words(m[3], m[1], m[2], lang))),
           (CURRENCY_WORD, lambda m, lang: _said(lang.currencies["MYR"].units)),
           (PERCENT_EU, _percent),
           (PERCENT_SIGN, lambda m, lang: _said(lang.percent)),
           (PHONE, _phone),
           (LONG_DIGITS_EU, lambda m, lang: _said(numbers.digit_groups(m[0], lang)))),
}
FIRST_STEPS: dict[str, tuple[Step, ...]] = {  # language -> how it writes phone numbers and times of its own
    "fr": ((PHONE_PAIRS, _phone_pairs), (ORDINAL_FR, _ordinal_fr), (HOUR_MARK, _time)),
    "de": ((UHR, _time), (DATE_DM, lambda m, lang: _date(m[1], m[2], "", m, lang))),
    "es": ((HOUR_MARK, _time),),
    "it": ((HOUR_MARK, _time),),
    "pt": ((HOUR_MARK, _time),),
}
DATES_AND_TIMES: tuple[Step, ...] = (
    (DATE_YMD, lambda m, lang: _date(m[4], m[3], m[1], m, lang)),
    (DATE_DMY, lambda m, lang: _date(m[1], m[3], m[4], m, lang)),
    (TIME, _time),
)


def _apply(line: str, steps: tuple[Step, ...], lang: Language) -> str:
    for pattern, words in steps:
        line = pattern.sub(lambda m: words(m, lang), line)
    return line


def _other_script(ch: str) -> bool:
    """A letter the voice cannot say: a letter that is not Latin (Chinese, Arabic, Cyrillic, ...)."""
    if not unicodedata.category(ch).startswith("L"):
        return False
    return not unicodedata.name(ch, "").startswith("LATIN")


def _prepared(line: str, lang: Language) -> tuple[str, bool]:
    """The line with single spaces, no decoration and no letters of another script (and whether there were)."""
    for fraction, words in lang.fractions.items():  # NFKC would make "½" "1⁄2"
        line = line.replace(fraction, words)
    line = THOUSANDS_SPACE.sub("." if lang.decimal_comma else ",", line)
    if lang.code in ("es", "it", "pt"):  # before NFKC makes "º" an "o"
        line = ORDINAL_MARK.sub(lambda m: _ordinal_mark(m, lang), line)
    line = unicodedata.normalize("NFKC", line)
    other = any(_other_script(ch) for ch in line)
    if other:
        line = "".join(" " if _other_script(ch) else ch for ch in line)
    line = " ".join(line.split())  # single spaces: no pattern below meets a long run of them
    return DECORATION.sub(" ", line), other


def _symbols(line: str, lang: Language) -> str:
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


def spoken_line(line: str, language_code: str = "en") -> tuple[str, bool]:
    """One line as it should be heard in its language, and whether letters of another script were left out."""
    lang = languages.language(language_code)
    line, other = _prepared(line, lang)
    line = _apply(line, FIRST_STEPS.get(lang.code, ()) + DATES_AND_TIMES + STEPS[lang.decimal_comma], lang)
    line = _symbols(line, lang)
    if lang.decimal_comma:
        line = NUMBER_EU.sub(lambda m: _number_eu(m, lang), line)
        line = DIGITS_LEFT.sub(lambda m: _said(numbers.number_words(m[0], None, lang)), line)
    else:
        line = NUMBER.sub(lambda m: _said(numbers.number_words(m[1], m[2], lang)), line)
    return _tidy(line), other


def spoken(text: str, language: str = "en") -> str:
    """The words a voice should say for `text`, line by line, with numbers in `language` (an ISO 639-1 code;
    English rules for a code not known; see the module's docstring): only the text itself (no control,
    bidirectional or zero-width characters, no escape sequences), and never nothing: a line that cannot be
    put into words is said as it is."""
    global _failed_once
    lines, other = [], False
    for line in printable(text).splitlines():
        try:
            words, had_other = spoken_line(line, language)
        except Exception:  # an utterance is never dropped for its words: it is said as written
            if not _failed_once:
                _failed_once = True
                log.exception("Could not put a line into words; it is said as written")
            words, had_other = " ".join(line.split()), False
        other = other or had_other
        if words:
            lines.append(words)
    if other:
        lines.append(_(OTHER_SCRIPT))
    return "\n".join(lines)
