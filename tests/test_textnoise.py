"""Text said only when it is text (issue 30): fragments the OCR read on COCO photos and portraits are noise,
real signs, names, numbers and prices are text; the live text channel and describe leave noise out. (The
receipts keep their word recall: test_ocr.)"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.vision import textnoise
from assistant.vision.ocr import TextResult

# Read by the OCR where there is no text (issue 30, and the COCO captions dev photos): a portrait, a kitchen
# cupboard, a skateboard bowl's logo seen at a slant, a clock face, a badge.
NOISE = ["HAAAA FHINA", "ETFL", "FIF", ".Et", "NG", "1O", "DAKL", "COE", "GAE", "PENF", "t", "Y", "0", "9", "A+0",
         "C+D=", "B B", "o i", "HHT P TA", "L 0 WER", "国", "hehe"]
# Real text: signs, names (of places in the receipts the live reader's test reads), numbers and prices.
TEXT = ["JOHOR BAHRU", "TAMAN DAYA", "STOP", "EXIT", "DANGER", "OMNI HOTELS", "NOIR ISTANBUL GRILL", "ZULIA",
        "BOSCH", "Pedigree", "oldonbaldwin.com", "47-129", "10", "887 886", "$3", "12.50", "RM 4.50", "14:50",
        "Bus 9 to the station", "Kopi (B)", "名节", "WELCOME TO", "ARDNAMURCHAN POINT", "VISITOR CENTRE"]


@pytest.mark.parametrize("line", NOISE)
def test_noise_is_not_text(line):
    assert not textnoise.is_text(line, ("en",))


@pytest.mark.parametrize("line", TEXT)
def test_signs_names_numbers_and_prices_are_text(line):
    assert textnoise.is_text(line, ("en",))


def test_the_users_language_counts_too():
    assert not textnoise.is_text("Potsdamer Straße", ("en",))
    assert textnoise.is_text("Potsdamer Straße", ("en", "de"))
    assert textnoise.is_text("Fermé", ("en", "fr")) and not textnoise.is_text("Fermé", ("en",))


def test_without_a_word_list_only_stray_letters_are_noise(monkeypatch):
    monkeypatch.setattr(textnoise, "word_list", lambda language: None)
    assert textnoise.is_text("ETFL", ("en",)) and not textnoise.is_text("NG", ("en",))


class Reader:
    """An OCR reader that reads what it is told, with a confidence of 0.9 a line."""

    def __init__(self, *lines: str) -> None:
        self.lines = lines

    def read(self, frame: np.ndarray) -> TextResult:
        from assistant.vision.layout import Line

        box = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 30.0], [0.0, 30.0]])
        lines = [Line(text, 0.9, box + [0.0, 40.0 * i], ()) for i, text in enumerate(self.lines)]
        return TextResult([lines], [], 1.0)


def test_live_text_and_describe_now_leave_noise_out(clock):
    from assistant.app import Models, channel_context
    from assistant.channels.text import TextChannel
    from assistant.config import Config

    reader = Reader("1O", "Platform 9", "ETFL")
    models = Models(Config(), reader=reader, describe_reader=reader)
    channel = TextChannel(channel_context(Config(), models, clock=clock))
    frame = np.zeros((480, 640, 3), np.uint8)
    said = []
    for step in range(4):
        clock.now = step * 0.5
        said += [s.text for s in channel.step(frame, clock.now)]
    assert said == ["Platform 9"]
    assert channel.describe(frame, clock.now) == "Text: Platform 9."
    reader.lines = ("HAAAA FHINA",)
    assert channel.describe(frame, clock.advance(10)) == ""


def test_with_the_noise_rule_off_the_fragments_are_said():
    """The benchmark's row without the rule: the same reader's fragments said (what issue 30 heard)."""
    from dataclasses import replace

    from assistant.app import Models, channel_context
    from assistant.channels.text import TextChannel
    from assistant.config import Config
    from assistant.vision.verify import RULES

    reader = Reader("1O", "Platform 9", "ETFL")
    ctx = channel_context(Config(), Models(Config(), reader=reader, describe_reader=reader),
                          rules=replace(RULES, text_noise=False))
    assert TextChannel(ctx).describe(np.zeros((480, 640, 3), np.uint8), 0.0) == "Text: 1O. Platform 9. ETFL."
