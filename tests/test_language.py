"""Text is read in its own language: identified (py3langid, restricted to the languages voices here speak),
short lines keep their block's language, each language said by a voice of its own, a switch named once
("French."); `say --dry-run --json` and `read --json` show it; accents survive from the recogniser to the
voice."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from assistant.cli import main
from assistant.common import Kind
from assistant.languages import IDENTIFIED, user_language
from assistant.speech.identify import LanguageId
from assistant.speech.queue import Speech
from assistant.speech.voices import Voices

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ROOT / "tests" / "data" / "languages"


@pytest.fixture(scope="module")
def identify() -> LanguageId:
    return LanguageId(IDENTIFIED)


def test_every_language_of_our_sentences_is_told_apart(identify):
    """Each line on its own: a line of 30 characters or more is always given its language; a shorter one only
    when the answer is sure ("xx", the user's language, otherwise), and then it is almost never wrong."""
    right = wrong = long_right = long_total = total = 0
    for path in sorted(SENTENCES.glob("*.txt")):
        for line in filter(str.strip, path.read_text(encoding="utf-8").splitlines()):
            got = identify.languages_of([line], "xx")[0]
            total += 1
            right += got == path.stem
            wrong += got not in (path.stem, "xx")
            if len(line) >= 30:
                long_total += 1
                long_right += got == path.stem
    assert total >= 17 * 20
    assert long_right / long_total >= 0.97 and wrong / total <= 0.02, (long_right / long_total, wrong / total)
    assert right / total >= 0.85


def test_short_lines_keep_their_block_and_unsure_text_is_the_users(identify):
    page = ["Menu du jour", "Soupe à l'oignon gratinée et pain de campagne, 7,50 €", "Café 2 €",
            "Merci de votre visite et à bientôt dans notre restaurant !"]
    assert identify.languages_of(page, "en") == ["fr"] * 4
    assert identify.languages_of(["OK"], "de") == ["de"]  # too short to tell: the user's language
    assert identify.languages_of(["Ausgang"], "en") in (["de"], ["en"])  # sure, or the user's: never a guess


def test_the_users_language_comes_from_the_setting_then_the_locale():
    assert user_language("de", {"LANG": "fr_FR.UTF-8"}) == "de"
    assert user_language("", {"LANG": "fr_FR.UTF-8"}) == "fr"
    assert user_language("", {"LC_ALL": "es_ES.UTF-8", "LANG": "fr_FR.UTF-8"}) == "es"
    assert user_language("", {"LANG": "C"}) == "en" and user_language("", {}) == "en"


PACKAGE = ROOT / "assistant"
# Where codes of languages may be written out: the records, their number words, and the rules of numbers in
# words of the languages that have them (checked at import against the records).
RECORDS = {"languages.py", "numberwords.py", "speech/numbers.py"}


def runtime_modules() -> dict[str, ast.Module]:
    """Every module of the runtime (`assistant/` less `bench/` and `build/`), by its path in the package."""
    return {str(path.relative_to(PACKAGE)): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py")) if path.relative_to(PACKAGE).parts[0] not in ("bench", "build")}


def test_every_list_of_languages_is_read_from_the_records():
    """Issue 29.4: languages lived in six lists in three files (names, the identified ones, the decimal comma,
    the number words' codes, Norwegian's tags, the scripts). A literal that names three languages or more by
    code outside the records is such a list."""
    from assistant.languages import BY_TAG

    lists = []
    for name, tree in runtime_modules().items():
        for node in ast.walk(tree):
            items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None) if isinstance(
                node, (ast.Tuple, ast.List, ast.Set)) else None
            codes = {item.value for item in items or () if isinstance(item, ast.Constant) and item.value in BY_TAG}
            if len(codes) >= 3 and name not in RECORDS:
                lists.append(f"{name}:{node.lineno} {sorted(codes)}")
    assert lists == []


def test_the_users_language_is_worked_out_once():
    """Issue 29.4: the CLI, the voices, `assistant voices` and the speech queue each worked it out from the
    settings and the locale. Now the CLI does, once, and `i18n.language()` holds it."""
    callers = [f"{name}:{node.lineno}" for name, tree in runtime_modules().items() for node in ast.walk(tree)
               if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                   "user_language",)]
    assert [caller.split(":")[0] for caller in callers] == ["cli.py"], callers


class Voice:
    """A voice that remembers what it was given (the speech queue's side is what is tested here)."""

    def __init__(self, name: str) -> None:
        self.name = self.voice_name = name
        self.sample_rate = 22050
        self.said: list[str] = []

    def synthesize(self, sentence: str, rate: float, volume: float) -> np.ndarray:
        self.said.append(sentence)
        return np.zeros(0, np.float32)

    def close(self) -> None:
        pass


def test_each_language_is_said_by_its_own_voice_and_a_switch_is_named_once(identify):
    from assistant.speech.audio import NullSink

    english, french = Voice("en_US-joe-medium"), Voice("French (France)")
    voices = Voices(english, "en", identify=identify, catalogue=[])
    voices._synths["fr"], voices._names["fr"] = french, french.voice_name
    speech = Speech(english, NullSink(), voices=voices)
    speech.say("Sortie de secours à gauche, au bout du couloir.", kind=Kind.TEXT)
    speech.say("Le parking est fermé le dimanche et les jours fériés.", kind=Kind.TEXT)
    speech.say("A person, ahead.", kind=Kind.LABEL)
    speech.say("Attention, marche glissante devant l'entrée principale.", kind=Kind.TEXT)
    assert speech.wait_idle(20)
    speech.close()
    # A first sentence may go to the voice a clause at a time (its first words come sooner): joined, the same.
    assert " ".join(english.said) == "French. A person, ahead. French."
    assert " ".join(french.said) == ("Sortie de secours à gauche, au bout du couloir. Le parking est fermé le "
                                     "dimanche et les jours fériés. Attention, marche glissante devant l'entrée "
                                     "principale.")


@pytest.fixture
def run(capsys, monkeypatch) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The command line, run in this process (its words are under test, not the process): stdin as bytes, as
    a terminal or a pipe gives them."""
    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
        status = main(list(args))
        said = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), status, said.out, said.err)
    return run


def test_say_dry_run_json_gives_each_piece_its_language_and_voice(run):
    lines = ["Bitte schließen Sie die Tür hinter sich, danke.", "Please close the door behind you, thank you."]
    done = run("--config", "/dev/null/none", "say", "--dry-run", "--json", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 2  # a missing config named on the command line is an error, as ever
    done = run("say", "--dry-run", "--json", "-", stdin="\n".join(lines) + "\n")
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["line"], r["language"], r["text"]) for r in rows] == [
        (1, "en", "German."), (1, "de", lines[0]), (2, "en", lines[1])]
    assert rows[1]["voice"] == "German" and rows[2]["voice"] == "en_US-joe-medium"
    plain = run("say", "--dry-run", "Bitte schließen Sie die Tür hinter sich, danke.")
    assert plain.stdout.splitlines() == ["German.", lines[0]]  # only the words the voices get


def test_dutch_numbers_are_left_to_the_dutch_voice(run):
    """Issue 29.4: Dutch has no number words here, and its prices were given to the Dutch voice in English
    ("Totaal twelve euros fifty cents"), whether Dutch was the user's language or text identified as Dutch.
    The digits go to espeak-ng's Dutch as written; a barcode only is cut into groups, each digit apart."""
    done = run("say", "--dry-run", "--language", "nl", "Totaal 12,50 €, EAN 9556939040116")
    assert done.stdout.splitlines() == ["Totaal 12,50 €, EAN 9 5 5 6, 9 3 9, 0 4 0, 1 1 6"], done.stderr
    text = "Het totaalbedrag van de boodschappen is 12,50 € en wordt morgen van uw rekening afgeschreven."
    done = run("say", "--dry-run", "--json", text)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["language"], r["text"]) for r in rows] == [("en", "Dutch."), ("nl", text)], done.stderr
    assert rows[1]["voice"] == "Dutch"


def test_read_json_gives_each_line_its_language_and_the_image_its_main_one(tmp_path, capsys):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("DejaVuSans.ttf", 34)
    page = Image.new("RGB", (1100, 260), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(["Prière de ne pas stationner devant la porte.", "Sortie", "Merci beaucoup."]):
        draw.text((30, 30 + 70 * i), line, fill="black", font=font)
    path = tmp_path / "notice.png"
    page.save(path)
    assert main(["read", "--json", str(path)]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["language"] == "fr" and {line["language"] for line in got["lines"]} == {"fr"}, got


ACCENTS = "é è ç ü ñ ß å ø ł ő"


def test_accents_survive_from_the_recogniser_to_the_voice(tmp_path):
    """Drawn with a real font, read by the page reader, and given to the voice as they were written."""
    from PIL import Image, ImageDraw, ImageFont

    from assistant.app import Models
    from assistant.config import Config

    reader = Models(Config()).document_reader
    assert all(ch in reader.charset for ch in ACCENTS.split())
    assert all(ch in reader.charset for ch in "αβγδλΩ中文字读ひらがなカタカナ")  # Greek, Chinese, Japanese
    font = ImageFont.truetype("DejaVuSans.ttf", 40)
    words = ["café très", "garçon über", "año Straße", "gå smørbrød", "łódź Győr"]
    page = Image.new("RGB", (900, 90 * len(words) + 40), "white")
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(words):
        draw.text((40, 30 + 90 * i), text, fill="black", font=font)
    frame = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    read = reader.read(frame).text
    for ch in ACCENTS.split():
        assert ch in read, (ch, read)
    voices = Voices(Voice("en_US-joe-medium"), "en", catalogue=[])
    given = "".join(piece.text for piece in voices.plan(read))
    assert all(ch in given for ch in ACCENTS.split()), given
