"""Codes as they make sense to hear: a web address as its site and path, a Wi-Fi code as its network, a
phone or e-mail code as the number or address, plain text as text; a product code as its type and its
digits in groups, with its name when the user's lookup file (`codes.csv`: `code,name`) has it.

A code holds whatever its maker put in it, so what is said is introduced by what it is ("QR code says: ...")
and is only itself: one line, without control, bidirectional or zero-width characters (`textout.plain`).
Every parser here reads its input once, left to right (a poster must never freeze the assistant), and a
payload that does not parse as what it claims to be is read as text.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from assistant.common import digit_groups
from assistant.i18n import N_, _, p_
from assistant.paths import FileProblem, read_limited
from assistant.reading import SPELLED
from assistant.textout import plain

log = logging.getLogger(__name__)

PRODUCT_TYPES = {"EAN_13": "EAN 13", "EAN_8": "EAN 8", "UPC_A": "UPC A", "UPC_E": "UPC E", "CODE_128": "Code 128",
                 "CODE_39": "Code 39", "CODE_93": "Code 93", "ITF": "ITF", "CODABAR": "Codabar"}
MAX_TEXT = 300  # characters of a text code said at once (the whole text is in the transcript)
MAX_DATA = 8192  # characters of a code looked at (a QR code holds at most 7,089)
MAX_NAMES_BYTES = 8_000_000  # the lookup file: far more than any list of products kept by hand
MAX_NAME = 200  # characters of one product name
UNREADABLE = N_("A code is in view but cannot be read.")  # seen, and never read (codes mode, `assistant codes`)
# Marks a password may hold that `reading.SPELLED` does not name (a voice says many of them not at all).
MARKS = {" ": N_("space"), "\\": N_("backslash"), "~": N_("tilde"), "^": N_("caret"), "<": N_("less than"),
         ">": N_("greater than"), "{": N_("open brace"), "}": N_("close brace"), "[": N_("open square bracket"),
         "]": N_("close square bracket"), "|": N_("vertical bar"), "`": N_("backtick")}


def grouped_digits(digits: str) -> str:
    """'9555590500184' -> '9 5 5 5, 5 9 0, 5 0 0, 1 8 4': digit by digit, in groups of three or four."""
    return ", ".join(" ".join(group) for group in digit_groups(digits))


def fields(body: str) -> dict[str, str]:
    """`KEY:value;KEY:value;;` (Wi-Fi and MECARD codes) as {KEY: value}, a backslash escaping the character
    after it; the first of a repeated key is kept. One pass over the text."""
    found: dict[str, str] = {}
    current: list[str] = []
    key: str | None = None
    escaped = False
    for ch in body:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ":" and key is None:
            key, current = "".join(current).strip().upper(), []
        elif ch == ";":
            if key is not None:
                found.setdefault(key, "".join(current))
            key, current = None, []
        else:
            current.append(ch)
    if key is not None:
        found.setdefault(key, "".join(current))
    return found


def _wifi(data: str, live: bool = False) -> str:
    """The network's name and whether it has a password; `live`: that R reads it (it is never said unasked:
    anyone near could hear it)."""
    found = fields(data[5:])
    name, security = found.get("S", ""), found.get("T", "")
    if wifi_password(data) is None:
        said = _("Wi-Fi network {name}, open.") if name else _("Wi-Fi network without a name, open.")
    elif live:
        said = (_("Wi-Fi network {name}, {security} password: press R to hear it.") if name
                else _("Wi-Fi network without a name, {security} password: press R to hear it."))
    else:
        said = (_("Wi-Fi network {name}, {security} password included.") if name
                else _("Wi-Fi network without a name, {security} password included."))
    return said.format(name=name, security=security)


def wifi_password(data: str) -> str | None:
    """The password of a Wi-Fi code (`WIFI:S:name;T:WPA;P:password;;`); None for an open network or a code
    that is not a Wi-Fi code."""
    if data[:5].lower() != "wifi:":
        return None
    found = fields(data[5:MAX_DATA])
    password = found.get("P", "")
    return password if password and found.get("T", "") != "nopass" else None


def spelled(secret: str) -> str:
    """Text to be typed, character by character: 'Pa5 !' -> 'capital P, A, 5, space, exclamation mark'. Every
    letter is written as a capital so that a voice says its name (as `reading.spell` does); a capital is
    said to be one. Every mark is named (a voice skips many), in the user's language."""
    said = []
    for ch in secret:
        if ch.isupper():
            said.append(_("capital {letter}").format(letter=ch))
        elif ch.isalpha():
            said.append(ch.upper() if len(ch.upper()) == 1 else ch)  # 'ß' is one letter, 'SS' two
        elif ch in SPELLED or ch in MARKS:
            said.append(_(SPELLED.get(ch) or MARKS[ch]))
        else:
            said.append(ch)
    return ", ".join(said)


def password_words(data: str) -> str | None:
    """A Wi-Fi code's password, spelled, with the network's name: said only when asked (R); None when the
    code has no password."""
    password = wifi_password(data)
    if password is None:
        return None
    name = " ".join(plain(fields(data[5:MAX_DATA]).get("S", "")).split())
    letters = spelled(plain(password)[:MAX_TEXT])
    return (_("Password of the Wi-Fi network {name}: {letters}.") if name
            else _("Wi-Fi password: {letters}.")).format(name=name, letters=letters)


def _web(data: str) -> str | None:
    """Site and path, or None when the address does not parse (it is then read as text)."""
    try:
        parts = urlsplit(data)
        site = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # "http://[::1:99999999/x": not an address
        return None
    if not site:
        return None
    path = " ".join(unquote(p) for p in parts.path.split("/") if p)
    dot = p_("web address", "dot")  # outside an f-string: the catalogs' extraction reads only plain calls
    site = site.replace(".", f" {dot} ")
    return (_("Web address: {site}, {path}.") if path else _("Web address: {site}.")).format(site=site, path=path)


def _contact_name(data: str, mecard: bool) -> str:
    """The name on a MECARD (`N:`) or a vCard (`FN:`, else `N:`), or ''."""
    if mecard:
        return fields(data[7:]).get("N", "").replace(",", " ")
    names: dict[str, str] = {}
    for line in data.splitlines():
        prop, sep, value = line.partition(":")
        if sep:
            names.setdefault(prop.split(";", 1)[0].strip().upper(), value)
    return names.get("FN") or names.get("N", "").replace(";", " ")


def as_text(kind: str, data: str) -> str:
    """A code read as the text it holds, introduced by what it is: 'QR code says: ...'."""
    label = _("QR code") if kind == "QR" else PRODUCT_TYPES.get(kind, plain(kind).replace("_", " ").title())
    text = " ".join(plain(data[:MAX_DATA]).split())
    return _("{code} says: {text}").format(code=label, text=text[:MAX_TEXT] + ("…" if len(text) > MAX_TEXT else ""))


def qr_words(data: str, live: bool = False) -> str:
    """What is said for a QR code; `live`: in codes mode, where R reads a Wi-Fi code's password."""
    data = data[:MAX_DATA]
    lower = data[:16].lower()
    said: str | None = None
    if lower.startswith(("http://", "https://")):
        said = _web(data)
    elif lower.startswith("wifi:"):
        said = _wifi(data, live)
    elif lower.startswith("tel:"):
        said = _("Phone number {number}.").format(number=data[4:])
    elif lower.startswith("mailto:"):
        said = _("E-mail address {address}.").format(address=data[7:].split("?")[0])
    elif lower.startswith(("begin:vcard", "mecard:")):
        name = " ".join(_contact_name(data, lower.startswith("mecard:")).split())
        said = _("Contact card: {name}.").format(name=name) if name else _("Contact card.")
    return as_text("QR", data) if said is None else " ".join(plain(said).split())


def load_names(path: Path) -> dict[str, str]:
    """The user's product names (`code,name` a row; a header row is skipped); {} without the file. A file
    that is not a regular file, too large, or not UTF-8 is logged and left out; a bad row is skipped."""
    try:
        text = read_limited(path, MAX_NAMES_BYTES).decode("utf-8")
    except FileProblem as exc:
        if path.exists() or path.is_symlink():
            log.warning("Product names are not read: %s", plain(str(exc)))
        return {}
    except UnicodeDecodeError as exc:
        log.warning("Product names are not read: %s is not UTF-8 text (byte %d).", plain(str(path)), exc.start)
        return {}
    names: dict[str, str] = {}
    skipped = 0
    for line in text.splitlines():  # one row a line: a quoted line break cannot carry a row into the next
        try:
            row = next(csv.reader([line[:MAX_NAME * 4]]), [])
        except csv.Error:
            skipped += 1
            continue
        if len(row) >= 2 and row[0].strip().isdigit():
            names[row[0].strip()] = " ".join(plain(row[1]).split())[:MAX_NAME]
    if skipped:
        log.warning("%d rows of %s could not be read and were skipped.", skipped, plain(str(path)))
    return names


def code_words(kind: str, data: str, names: dict[str, str] | None = None, live: bool = False) -> str:
    """What is said for one code: never raises, whatever the code holds. `live`: said in codes mode (see
    `qr_words`)."""
    if kind == "QR":
        return qr_words(data, live)
    label = PRODUCT_TYPES.get(kind, plain(kind).replace("_", " ").title())
    data = data[:MAX_DATA]
    name = (names or {}).get(data)
    if data.isascii() and data.isdigit():
        said = f"{label}: {grouped_digits(data)}."
    else:
        said = f"{label}: {' '.join(plain(data).split())}."
    return f"{name}. {said}" if name else said
