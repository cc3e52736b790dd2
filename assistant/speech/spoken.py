"""Text as it should be heard: numbers, dates, times, prices, codes and symbols turned into the words a
person would say, before the voice sees them.

A voice reads raw text as its own front end guesses: a 13-digit barcode as "nine trillion ...", a date as
"twelve slash zero two ...", "RM" as "R M". `spoken(text)` rewrites the text so that every voice says the
same, listenable thing:

- long digit strings (7 digits or more: barcodes, card, account and document numbers) digit by digit, in
  groups of three or four (beyond 64 digits: "a number of four hundred digits"); numbers over 15 digits
  likewise;
- phone numbers (digit groups joined by dashes, or a leading +) digit by digit, in their own groups;
- dates (25/12/2018, 16-03-2018, 2018-03-16) as "25 December 2018", in words, day first;
- times (8:13:39 PM, 15:46) as "eight thirteen and thirty-nine seconds PM";
- prices with a currency ($, €, £, ¥, ₹, RM, MYR, USD, EUR, GBP, ...) as amounts: "thirty ringgit ninety-one";
- percentages, and symbols that mean something (# @ & = arrows) as words; decorative runs (***, ----, ===)
  and bars skipped;
- letters of scripts the voice cannot say (Chinese, Arabic, ...) skipped, with one note at the end.

Numbers become words with `num2words`, so the voice never guesses. Every pattern here runs in time linear in
its line (spaces are made single first; no nested quantifiers), so any text, however long, is put into words
in bounded time.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from num2words import num2words

from assistant import common
from assistant.textout import printable

log = logging.getLogger(__name__)
_failed_once = False  # a line that could not be put into words: its traceback is logged once

OTHER_SCRIPT = "Some text in another script."
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# prefix or suffix -> (unit, unit plural, hundredth, hundredths)
CURRENCIES: dict[str, tuple[str, str, str, str]] = {
    "RM": ("ringgit", "ringgit", "sen", "sen"),
    "MYR": ("ringgit", "ringgit", "sen", "sen"),
    "S$": ("Singapore dollar", "Singapore dollars", "cent", "cents"),
    "US$": ("US dollar", "US dollars", "cent", "cents"),
    "$": ("dollar", "dollars", "cent", "cents"),
    "USD": ("US dollar", "US dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "", ""),
    "JPY": ("yen", "yen", "", ""),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "INR": ("rupee", "rupees", "paisa", "paise"),
}
SYMBOLS = {"@": " at ", "&": " and ", "=": " equals ", "→": " to ", "->": " to ", "⇒": " to ", "=>": " to ",
           "←": " from ", "<-": " from ", "↑": " up arrow ", "↓": " down arrow ", "§": " section ",
           "©": " copyright ", "®": " registered ", "™": " trademark ", "°C": " degrees Celsius ",
           "°F": " degrees Fahrenheit ", "°": " degrees ", "½": " a half ", "¼": " a quarter ", "¾": " three quarters "}
SYMBOLS_LONGEST_FIRST = sorted(SYMBOLS.items(), key=lambda kv: -len(kv[0]))  # "->" before "-", "°C" before "°"
DECORATION = re.compile(r"[*=_~\-.·•]{3,}|[|¦│┃•·■□◆◇►◄▪▫★☆※]")

_CUR = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?![\d.])"
PRICE_BEFORE = re.compile(rf"(?<![A-Za-z])({_CUR})\s?{_AMOUNT}")
PRICE_AFTER = re.compile(rf"(?<![\d.,]){_AMOUNT}\s?(€|EUR|MYR|USD|GBP)(?![A-Za-z])")
CURRENCY_WORD = re.compile(r"(?<![A-Za-z])(RM|MYR)(?![A-Za-z])")
DATE_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")
DATE_YMD = re.compile(r"(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d/])")
TIME = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])(\s*(?:[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?")
PERCENT = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)\s?%")
PHONE = re.compile(r"(?<![\w.,/-])(\+?\(?\d{1,4}\)?(?:[- ]\d{2,8}){1,4})(?![\w.,/]|-\d)")
LONG_DIGITS = re.compile(r"(?<!\d)(?<!\d\.)\d{7,}")  # not a fraction: NUMBER says it after "point"
NUMBER = re.compile(r"(?<![\d])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d])")
HASH = re.compile(r"(?<=[A-Za-z])#|#(?=\s?\d)")
TIMES = re.compile(r"(?<=\d)\s?\*\s?(?=\d)")
PLUS = re.compile(r"(?<=\d)\s?\+\s?(?=\d)")
SPACE_BEFORE_PUNCTUATION = re.compile(r" ([,.;:!?)])")  # spaces are single by then
SPACE_AFTER_BRACKET = re.compile(r"\( ")
COMMAS = re.compile(r",(?: ?,)+")
EMPTY_BRACKETS = re.compile(r"\( ?\)")
MAX_WORD_DIGITS = 15  # numbers up to 999 trillion are said in words; longer ones digit by digit
MAX_SAID_DIGITS = 64  # longer digit strings are said as 'a number of four hundred digits'


def _digits(group: str) -> str:
    return " ".join(DIGITS[int(d)] for d in group if d.isdigit())


def digit_groups(digits: str) -> str:
    """Digit by digit, in groups of three or four, the larger groups first: '9556939040116' -> 'nine five
    five six, nine three nine, zero four zero, one one six'. Over `MAX_SAID_DIGITS` digits, no one would
    follow them: 'a number of four hundred digits'."""
    if len(digits) > MAX_SAID_DIGITS:
        return f"a number of {num2words(len(digits), lang='en').replace(',', '')} digits"
    return ", ".join(_digits(group) for group in common.digit_groups(digits))


def number_words(whole: str, fraction: str | None = None) -> str:
    """'1,234' -> 'one thousand, two hundred and thirty-four'; a fraction digit by digit after 'point'. A
    number too long to say in words is said digit by digit (see `digit_groups`)."""
    digits = whole.replace(",", "")
    if len(digits) > MAX_WORD_DIGITS:
        words = digit_groups(digits)
    else:
        words = num2words(int(digits), lang="en").replace(",", "")
    if fraction:
        words += " point " + (_digits(fraction) if len(fraction) <= MAX_SAID_DIGITS else digit_groups(fraction))
    return words


def _price(symbol: str, whole: str, cents: str | None) -> str:
    unit, units, sub, subs = CURRENCIES[symbol]
    one = whole.replace(",", "").lstrip("0") == "1"
    words = f"{number_words(whole)} {unit if one else units}"
    if cents and int(cents.ljust(2, "0")):
        hundredths = int(cents.ljust(2, "0"))
        part = number_words(str(hundredths))
        words += f" {part} {sub if hundredths == 1 else subs}" if sub else f" point {_digits(cents)}"
    return f" {words} "


def _date(day: int, month: int, year: str) -> str | None:
    if not 1 <= month <= 12 and 1 <= day <= 12:  # 03/25/2018: month first
        day, month = month, day
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    full = int(year) if len(year) == 4 else 2000 + int(year)
    return f" {num2words(day, to='ordinal')} of {MONTHS[month - 1]} {num2words(full, to='year')}, "


def _dmy(m: re.Match[str]) -> str:
    return _date(int(m[1]), int(m[3]), m[4]) or m[0]


def _ymd(m: re.Match[str]) -> str:
    return _date(int(m[4]), int(m[3]), m[1]) or m[0]


def _time(m: re.Match[str]) -> str:
    hour, minute = int(m[1]), int(m[2])
    if hour > 24 or minute > 59 or (m[3] and int(m[3]) > 59):
        return m[0]
    if minute == 0:
        words = f"{number_words(str(hour))} o'clock" if m[4] or hour <= 12 else f"{number_words(str(hour))} hundred"
    elif minute < 10:
        words = f"{number_words(str(hour))} oh {number_words(str(minute))}"
    else:
        words = f"{number_words(str(hour))} {number_words(str(minute))}"
    if m[3] and int(m[3]):
        words += f" and {number_words(m[3])} seconds"
    if m[4]:
        words += " " + " ".join(m[4].upper().replace(".", "").strip())
    return f" {words} "


def _phone(m: re.Match[str]) -> str:
    text = m[0]
    groups = re.findall(r"\d+", text)
    total = sum(len(g) for g in groups)
    # A phone number: seven digits or more, in groups joined by a dash or led by + or (..).
    if total < 7 or not ("-" in text or text.startswith(("+", "("))) or any(len(g) > 8 for g in groups):
        return text
    parts = [digit_groups(g) for g in groups]
    return (" plus " if text.startswith("+") else " ") + ", ".join(parts) + " "


def _number(m: re.Match[str]) -> str:
    return f" {number_words(m[1], m[2])} "


def _other_script(ch: str) -> bool:
    """A letter the voice cannot say: a letter that is not Latin (Chinese, Arabic, Cyrillic, ...)."""
    if not unicodedata.category(ch).startswith("L"):
        return False
    return not unicodedata.name(ch, "").startswith("LATIN")


def spoken_line(line: str) -> tuple[str, bool]:
    """One line as it should be heard, and whether letters of another script were left out."""
    line = unicodedata.normalize("NFKC", line)
    other = any(_other_script(ch) for ch in line)
    if other:
        line = "".join(" " if _other_script(ch) else ch for ch in line)
    line = " ".join(line.split())  # single spaces: no pattern below meets a long run of them
    line = DECORATION.sub(" ", line)
    line = DATE_YMD.sub(_ymd, line)
    line = DATE_DMY.sub(_dmy, line)
    line = TIME.sub(_time, line)
    line = PRICE_BEFORE.sub(lambda m: _price(m[1], m[2], m[3]), line)
    line = PRICE_AFTER.sub(lambda m: _price(m[3], m[1], m[2]), line)
    line = CURRENCY_WORD.sub(" ringgit ", line)
    line = PERCENT.sub(lambda m: f" {number_words(*m[1].split('.'))} percent ", line)
    line = line.replace("%", " percent ")
    line = PHONE.sub(_phone, line)
    line = LONG_DIGITS.sub(lambda m: f" {digit_groups(m[0])} ", line)
    line = HASH.sub(" number ", line)
    line = line.replace("#", " hash ")
    for symbol, words in SYMBOLS_LONGEST_FIRST:
        line = line.replace(symbol, words)
    line = TIMES.sub(" times ", line)
    line = PLUS.sub(" plus ", line)
    line = NUMBER.sub(_number, line)
    line = " ".join(line.split())
    line = SPACE_BEFORE_PUNCTUATION.sub(r"\1", line)  # no space before punctuation the words left behind
    line = SPACE_AFTER_BRACKET.sub("(", line)
    line = COMMAS.sub(",", line)
    line = EMPTY_BRACKETS.sub("", line)
    return " ".join(line.lstrip(" ,.;:").rstrip(" ,").split()), other


def spoken(text: str) -> str:
    """The words a voice should say for `text`, line by line (see the module's docstring): only the text
    itself (no control, bidirectional or zero-width characters, no escape sequences), and never nothing: a
    line that cannot be put into words is said as it is."""
    global _failed_once
    lines, other = [], False
    for line in printable(text).splitlines():
        try:
            words, had_other = spoken_line(line)
        except Exception:  # an utterance is never dropped for its words: it is said as written
            if not _failed_once:
                _failed_once = True
                log.exception("Could not put a line into words; it is said as written")
            words, had_other = " ".join(line.split()), False
        other = other or had_other
        if words:
            lines.append(words)
    if other:
        lines.append(OTHER_SCRIPT)
    return "\n".join(lines)
