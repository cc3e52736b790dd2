"""Codes as they make sense to hear: a web address as its site and path, a Wi-Fi code as its network, a
phone or e-mail code as the number or address, plain text as text; a product code as its type and its
digits in groups, with its name when the user's lookup file (`codes.csv`: `code,name`) has it."""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from assistant.common import digit_groups

log = logging.getLogger(__name__)

PRODUCT_TYPES = {"EAN_13": "EAN 13", "EAN_8": "EAN 8", "UPC_A": "UPC A", "UPC_E": "UPC E", "CODE_128": "Code 128",
                 "CODE_39": "Code 39", "CODE_93": "Code 93", "ITF": "ITF", "CODABAR": "Codabar"}
MAX_TEXT = 300  # characters of a text code said at once (the whole text is in the transcript)


def grouped_digits(digits: str) -> str:
    """'9555590500184' -> '9 5 5 5, 5 9 0, 5 0 0, 1 8 4': digit by digit, in groups of three or four."""
    return ", ".join(" ".join(group) for group in digit_groups(digits))


def _wifi(data: str) -> str:
    fields = dict(re.findall(r"([STPH]):((?:\\.|[^;])*);", data[5:]))
    name = re.sub(r"\\(.)", r"\1", fields.get("S", "")) or "without a name"
    security = fields.get("T", "")
    lock = "open" if security in ("", "nopass") else f"{security} password included"
    return f"Wi-Fi network {name}, {lock}."


def _web(data: str) -> str:
    parts = urlsplit(data)
    site = (parts.hostname or "").removeprefix("www.")
    path = " ".join(unquote(p) for p in parts.path.split("/") if p)
    return f"Web address: {site.replace('.', ' dot ')}" + (f", {path}." if path else ".")


def qr_words(data: str) -> str:
    lower = data.lower()
    if lower.startswith(("http://", "https://")):
        return _web(data)
    if lower.startswith("wifi:"):
        return _wifi(data)
    if lower.startswith("tel:"):
        return f"Phone number {data[4:]}."
    if lower.startswith("mailto:"):
        return f"E-mail address {data[7:].split('?')[0]}."
    if lower.startswith(("begin:vcard", "mecard:")):
        name = re.search(r"(?:^|\n|;|:)(?:FN|N):([^;\n]+)", data[7:] if lower.startswith("mecard:") else data)
        return f"Contact card{': ' + name[1].replace(',', ' ').strip() if name else ''}."
    text = " ".join(data.split())
    return f"QR code: {text[:MAX_TEXT]}" + ("…" if len(text) > MAX_TEXT else "")


def load_names(path: Path) -> dict[str, str]:
    """The user's product names (`code,name` a row; a header row is skipped); {} without the file."""
    if not path.exists():
        return {}
    names: dict[str, str] = {}
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if len(row) >= 2 and row[0].strip().isdigit():
                    names[row[0].strip()] = row[1].strip()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("Could not read the code names in %s: %s", path, exc)
    return names


def code_words(kind: str, data: str, names: dict[str, str] | None = None) -> str:
    """What is said for one code."""
    if kind == "QR":
        return qr_words(data)
    label = PRODUCT_TYPES.get(kind, kind.replace("_", " ").title())
    name = (names or {}).get(data)
    if data.isdigit():
        said = f"{label}: {grouped_digits(data)}."
    else:
        said = f"{label}: {data}."
    return f"{name}. {said}" if name else said
