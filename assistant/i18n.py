"""The assistant's own words in the user's language: gettext catalogs, one per language, in
`assistant/locale/<language>/LC_MESSAGES/assistant.po` (written by translators, in git) and compiled to
`.mo` by the set-up (`scripts/catalogs.sh`); chosen once a run (`use`), by `--language`, the setting
`speech.language`, or the system's locale. A message without a translation is said in English.

In the code a sentence of the assistant's own is written whole, in English, with named placeholders, and
marked: `_("Looking for {name}.")`, `n_("{n} more line.", "{n} more lines.", n)` (the translator gives
each plural form its language has), `p_("thing", "a cup")` (a context where a word alone would be
ambiguous). Module-level tables mark their sentences with `N_` (extracted, not translated yet) and
translate them where they are said, with `_`. Word order is the translator's: a sentence is never glued
from translated pieces, only filled in (`{where}`, a thing's name with its article).
"""

from __future__ import annotations

import gettext
import io
import logging
import os
import stat
from pathlib import Path

from assistant import languages

log = logging.getLogger(__name__)

DOMAIN = "assistant"
LOCALE_DIR = Path(__file__).with_name("locale")
_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
missing: set[str] = set()  # messages asked for in another language that its catalog lacks (said in English)


def use(language: str, quiet: bool = False) -> None:
    """Say the assistant's own words in `language` from now on (English where its catalog lacks one). `quiet`:
    a catalog that cannot be read is not said in the log (the command line sets the language once before
    logging is set up, then again)."""
    global _catalog, _language
    _language = language
    if language == "en":
        _catalog = gettext.NullTranslations()
        return
    _catalog = compiled_catalog(language, quiet)


MAX_CATALOG_BYTES = 16_000_000  # a compiled catalog is about 100 KB


def compiled_catalog(language: str, quiet: bool = False) -> gettext.NullTranslations:
    """The compiled catalog (`.mo`) of `language`, read only when it is a regular file of bounded size (a FIFO
    would wait forever, /dev/zero never ends); English words, with one sentence in the log, when it is not
    compiled, cannot be read or is damaged (a damaged catalog would otherwise end every command)."""
    path = gettext.find(DOMAIN, str(LOCALE_DIR), languages=[language])
    if path is None:
        if (LOCALE_DIR / language).is_dir() and not quiet:
            log.warning("The %s words are not compiled: run `make setup`. Meanwhile they are said in English.",
                        language)
        return gettext.NullTranslations()
    try:
        return gettext.GNUTranslations(io.BytesIO(_read_catalog(Path(path))))
    except _Unreadable as exc:
        why = str(exc)
    except Exception as exc:  # gettext's parser raises whatever a damaged file leads it to (struct.error, ...)
        log.debug("%s: %r", path, exc)
        why = f"{path} is damaged"
    if not quiet:
        log.warning("The %s words cannot be read (%s): they are said in English; run `make setup` to compile them "
                    "again.", language, why)
    return gettext.NullTranslations()


class _Unreadable(OSError):
    """A compiled catalog that cannot be read; in English (its language's words are what failed)."""


def _read_catalog(path: Path) -> bytes:
    """The bytes of the catalog at `path` when it is a regular file of at most `MAX_CATALOG_BYTES`: checked
    before and after it is opened (without waiting for a FIFO's writer), as `paths.read_limited` checks what
    it reads (which cannot be used here: its sentences are translated, by this module)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _Unreadable(f"{path} is {_kind(os.stat(path).st_mode)}, not a regular file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except _Unreadable:
        raise
    except OSError as exc:
        raise _Unreadable(f"{path} cannot be read ({exc.strerror or exc})") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CATALOG_BYTES:
            raise _Unreadable(f"{path} is not a regular file of at most {MAX_CATALOG_BYTES} bytes")
        data = os.read(fd, MAX_CATALOG_BYTES + 1)
        if len(data) > MAX_CATALOG_BYTES:
            raise _Unreadable(f"{path} is larger than {MAX_CATALOG_BYTES} bytes")
        return data
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    return ("a folder" if stat.S_ISDIR(mode) else "a pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "not a file")


def language() -> str:
    """The user's language, worked out once at start (`languages.user_language`) and set by `use`: the
    assistant's own words are in it, and so is its voice."""
    return _language


def available() -> list[str]:
    """The languages with a catalog, English first."""
    return ["en", *sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())] \
        if LOCALE_DIR.is_dir() else ["en"]


def _(message: str) -> str:
    """`message` in the user's language."""
    return _noted(message, _catalog.gettext(message))


def _noted(message: str, said: str) -> str:
    """`said`; a message the catalog of another language lacks is noted (the tests read `missing`)."""
    if said is message and _language != "en" and message:
        missing.add(message)
    return said


def n_(singular: str, plural: str, n: int) -> str:
    """The form of a sentence about `n` things, in the user's language (`{n}` in it is not filled in here)."""
    return _noted(singular, _catalog.ngettext(singular, plural, n)) if n == 1 else _noted(
        plural, _catalog.ngettext(singular, plural, n))


def p_(context: str, message: str) -> str:
    """`message` in the user's language, told apart from the same English words used otherwise by `context`."""
    return _noted(message, _catalog.pgettext(context, message))


def np_(context: str, singular: str, plural: str, n: int) -> str:
    """`n_` with a context."""
    return _noted(singular if n == 1 else plural, _catalog.npgettext(context, singular, plural, n))


def decimal(value: float, places: int) -> str:
    """`value` written as the user's language writes it, for a sentence of the assistant's own ("Débit 1,2.":
    the number is then said as the language says it)."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if languages.record(_language).decimal_comma else text


ENGLISH_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                   "twelve")


def number(n: int) -> str:
    """A count in words in the user's language ("three", "trois", "drei"), up to twelve; digits above (the
    voice puts them into words, in the right language)."""
    if not 0 <= n <= 12:
        return str(n)
    if _language == "en":
        return ENGLISH_NUMBERS[n]
    try:
        from num2words import num2words

        return str(num2words(n, lang=_language))
    except (NotImplementedError, ImportError, OverflowError):  # a language num2words does not know
        return str(n)


def listed(items: list[str]) -> str:
    """'red', 'red and white', 'red, white and blue', as the user's language lists things."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def sentence(text: str) -> str:
    """`text` as a sentence: its first letter capitalised (the words a sentence starts with vary by
    language: "a cup" in English, "une tasse" in French)."""
    return text[:1].upper() + text[1:]


def N_(message: str) -> str:
    """Marks `message` for the catalogs without translating it (it is translated where it is said)."""
    return message
