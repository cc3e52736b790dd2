"""The catalogs of the assistant's own words (`assistant/locale`), with Babel: the template of every message
(`assistant.pot`: the sentences marked in the code (by file, without line numbers: a new message changes a
few lines, not every shifted location), and the names of things from the two names tables in
each form a sentence uses), each language's `.po` brought up to date with it, and the `.po` files compiled
to the `.mo` files gettext reads (at set-up: `scripts/catalogs.sh compile`). Never imported at run time.
`init LANGUAGE` starts the catalog of a new language from the template, its plural rule (`Plural-Forms`)
from Babel's locale data; the language must have its record in `assistant/languages.py`.

`python -m assistant.build.catalogs template|update|compile|check [LANGUAGE...]|init LANGUAGE`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from assistant import i18n
from assistant.languages import LANGUAGES

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
KEYWORDS = {"_": None, "n_": (1, 2), "p_": ((1, "c"), 2), "np_": ((1, "c"), 2, 3), "N_": None}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def names() -> Iterator[tuple[str | None, str, str | None]]:
    """(context, message, plural message) of every form of every name of a thing a sentence says: the
    detectors' things (`vision/objects.csv`) a, another, the, counted and one of them said alone; the
    classifier's labels (`vision/labels.csv`) a; the colours' names (`vision/colour.py`); the words a name
    to find is read with (`announce.words.FIND_MESSAGES`); the languages' names (`languages.LANGUAGES`)."""
    from assistant.announce.words import FIND_MESSAGES, ONE, ONE_OF, with_article
    from assistant.vision import labels, things

    seen: set[str] = set()
    for thing in sorted({(t.spoken, t.plural) for t in things.THINGS}):
        spoken, plural = thing
        seen.add(spoken)
        yield "a thing", with_article(spoken), None
        yield "another thing", f"another {spoken}", None
        yield "the thing", f"the {spoken}", None
        yield "things", f"{{n}} {spoken}", f"{{n}} {plural}"
        yield ONE_OF.format(plural=plural), ONE, None
    with open(labels.SOURCE, newline="", encoding="utf-8") as fh:
        for spoken in sorted({row["spoken"] for row in csv.DictReader(fh)} - seen):
            yield "a thing", with_article(spoken), None
    from assistant.vision.colour import NAMES

    for colour in NAMES:
        yield "colour", colour, None
    for context, message in FIND_MESSAGES:
        yield context, message, None
    for language in LANGUAGES.values():
        yield None, language.name, None


def template() -> Catalog:
    """Every message: extracted from the code (`_`, `n_`, `p_`, `np_`, `N_`) and the names tables."""
    catalog = Catalog(project=i18n.DOMAIN, version="1", charset="utf-8",
                      creation_date=datetime(2026, 11, 30, tzinfo=timezone.utc))  # the same template, the same bytes
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
            directory_filter=lambda path: Path(path).name not in ("build", "bench", "locale", "__pycache__")):
        catalog.add(message, None, [(f"assistant/{filename}", lineno)], auto_comments=comments, context=context)
    for context, message, plural in names():
        catalog.add(message if plural is None else (message, plural), None, context=context)
    return catalog


def write(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=116, omit_header=False, sort_output=False, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def catalogs() -> Iterator[tuple[str, Path]]:
    """Each language's catalog: (language, its .po file)."""
    for po in sorted(i18n.LOCALE_DIR.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po")):
        yield po.parents[1].name, po


def read(path: Path, locale: str) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh, locale=locale)


def update() -> None:
    """The template written anew, and every language's .po brought up to date with it (new messages empty,
    gone ones dropped, a translation kept where its message stays)."""
    fresh = template()
    write(fresh, TEMPLATE)
    for language, po in catalogs():
        catalog = read(po, language)
        catalog.update(fresh, no_fuzzy_matching=True)
        write(catalog, po)


def init(language: str, folder: Path | None = None) -> Path:
    """A new catalog for `language` in `folder` (the package's locale folder): every message of the template,
    untranslated, under a header that names the language and its plural forms. ValueError when the language
    has a catalog already, has no record, or is not one Babel knows."""
    po = (folder or i18n.LOCALE_DIR) / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    if po.exists():
        raise ValueError(f"{po} exists already: `update` brings it up to date.")
    if language not in LANGUAGES:
        raise ValueError(f"{language!r} has no record in assistant/languages.py: add it there first.")
    try:
        Locale.parse(language)
    except UnknownLocaleError as exc:
        raise ValueError(f"Babel has no locale data for {language!r}.") from exc
    with open(TEMPLATE, "rb") as fh:
        catalog = read_po(fh, locale=language)  # as `pybabel init`: the header takes the locale's plural rule
    catalog.revision_date = datetime.now(timezone.utc)
    catalog.fuzzy = False
    po.parent.mkdir(parents=True)
    write(catalog, po)
    return po


def compile_all() -> int:
    """Every .po compiled to its .mo (at set-up); how many. Each .mo is written beside it and moved into place,
    so that a process reading it meanwhile (a test on another worker) sees the old file or the new one whole."""
    count = 0
    for language, po in catalogs():
        partial = po.with_suffix(f".mo.{os.getpid()}")
        with open(partial, "wb") as fh:
            write_mo(fh, read(po, language))
        os.replace(partial, po.with_suffix(".mo"))
        count += 1
    return count


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems(language: str, catalog: Catalog, expected: Catalog) -> list[str]:
    """What is wrong with one language's catalog: a message missing, untranslated, fuzzy, or whose
    translation has not the placeholders of its English; a message the code no longer has."""
    out = []
    wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in expected if m.id}
    have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    for key in sorted(wanted - set(have), key=str):
        out.append(f"{language}: missing {key}")
    for key in sorted(set(have) - wanted, key=str):
        out.append(f"{language}: no longer in the code {key}")
    for key, message in have.items():
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
        if message.fuzzy or not all(strings):
            out.append(f"{language}: untranslated {key}")
            continue
        for text in strings:
            if placeholders(text) != placeholders(ids[-1]) | placeholders(ids[0]):
                out.append(f"{language}: placeholders differ in {key}: {text!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    action = (argv if argv is not None else sys.argv[1:] or ["check"])[0]
    if action == "template":
        write(template(), TEMPLATE)
    elif action == "update":
        update()
    elif action == "compile":
        print(f"Compiled {compile_all()} catalogs of the assistant's words.")
    elif action == "init":
        language = (argv if argv is not None else sys.argv[1:])[1:2]
        if not language:
            print("Name the language: `init LANGUAGE` (an ISO 639-1 code, such as nl).", file=sys.stderr)
            return 2
        try:
            po = init(language[0])
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"Started {po}: translate its messages, then `compile` and `check {language[0]}`.")
    else:
        only = (argv if argv is not None else sys.argv[1:])[1:]  # `check fr`: that language alone
        expected = template()
        found = [p for language, po in catalogs() if not only or language in only
                 for p in problems(language, read(po, language), expected)]
        print("\n".join(found[:200]) or "Every catalog is complete.")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
