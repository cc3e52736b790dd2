"""`assistant bench language`: which language a line of text is in, ours (py3langid restricted to the
expected languages, with the block rules of `speech.identify`) against the other candidate libraries that
ship their model in the package (pycld2, langdetect; lingua when installed), on the project's own
sentences (tests/data/languages: 20 everyday lines in each of 17 languages), by line length: right, wrong
(a confident wrong language: the one that puts a French sign in a German voice), and ms a line.

Each line is judged on its own, as `say -` takes it. "Right" counts a line given its language; a short line
may also be left in the user's language when it cannot be told ("kept"), which is not wrong.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time
from collections.abc import Callable

from assistant.bench.timing import table
from assistant.config import Config
from assistant.languages import IDENTIFIED
from assistant.paths import PROJECT_DIR
from assistant.speech.identify import LanguageId

SENTENCES = PROJECT_DIR / "tests" / "data" / "languages"
BUCKETS = ((0, 15), (15, 30), (30, 60), (60, 121))
KEPT = "--"  # the user's language: left as it is


def sentences() -> list[tuple[str, str]]:
    """(language, line) of every sentence of the project's own set."""
    return [(path.stem, line) for path in sorted(SENTENCES.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ours() -> Callable[[str], str]:
    identify = LanguageId(IDENTIFIED)
    return lambda line: identify.languages_of([line], KEPT)[0]


def pycld2() -> Callable[[str], str]:
    cld2 = importlib.import_module("pycld2")
    allowed = set(IDENTIFIED)

    def detect(line: str) -> str:
        _, _, details = cld2.detect(line)
        return next((code for _, code, _, _ in details if code in allowed), KEPT)  # its best allowed answer
    return detect


def langdetect() -> Callable[[str], str]:
    module = importlib.import_module("langdetect")
    module.DetectorFactory.seed = 0  # its answers vary from run to run otherwise

    def detect(line: str) -> str:
        try:
            best = next((c.lang for c in module.detect_langs(line) if c.lang in IDENTIFIED), KEPT)
        except module.LangDetectException:  # no letters to go on
            return KEPT
        return "no" if best == "no" else best
    return detect


def lingua() -> Callable[[str], str]:
    module = importlib.import_module("lingua")
    codes = {getattr(module.IsoCode639_1, c.upper()) for c in IDENTIFIED}
    detector = module.LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def detect(line: str) -> str:
        found = detector.detect_language_of(line)
        return found.iso_code_639_1.name.lower() if found is not None else KEPT
    return detect


CANDIDATES: dict[str, tuple[str, Callable[[], Callable[[str], str]]]] = {
    "ours": ("py3langid, 18 languages, block rules", ours),
    "pycld2": ("pycld2 (CLD2), its best allowed answer", pycld2),
    "langdetect": ("langdetect (seeded), its best allowed answer", langdetect),
    "lingua": ("lingua, 18 languages (high accuracy)", lingua),
}


def measure(detect: Callable[[str], str], lines: list[tuple[str, str]]) -> list[list[str]]:
    """One row a length bucket and one for all: lines, right, wrong, ms a line."""
    got, ms = [], []
    for language, line in lines:
        started = time.perf_counter()
        got.append((language, line, detect(line)))
        ms.append((time.perf_counter() - started) * 1000)
    rows = []
    for low, high in (*BUCKETS, (0, 121)):
        part = [(lang, answer) for lang, line, answer in got if low <= len(line) < high]
        right = sum(answer == lang for lang, answer in part)
        wrong = sum(answer not in (lang, KEPT) for lang, answer in part)
        label = f"{low}-{high - 1}" if (low, high) != (0, 121) else "all"
        rows.append([label, str(len(part)), f"{right / max(1, len(part)):.1%}", f"{wrong / max(1, len(part)):.1%}"])
    rows[-1].append(f"{statistics.median(ms):.2f}")
    return rows


def run(args: argparse.Namespace, config: Config) -> int:
    lines = sentences()
    if args.frames:
        lines = lines[:: max(1, len(lines) // args.frames)]
    print(f"Language of a line, {len(lines)} lines of {len({lang for lang, _ in lines})} languages, each on its own; "
          "right: its language; wrong: another language (kept in the user's language is neither)")
    rows, summary = [], []
    for name, (what, make) in CANDIDATES.items():
        try:
            detect = make()
        except ImportError:
            summary.append([name, what, "not installed", "", "", ""])
            continue
        measured = measure(detect, lines)
        rows += [[name, *row[:4]] for row in measured[:-1]]
        summary.append([name, what, *measured[-1][1:]])
    print(table(["library", "characters", "lines", "right", "wrong"], rows))
    print()
    print(table(["library", "what", "lines", "right", "wrong", "ms a line"], summary))
    return 0
