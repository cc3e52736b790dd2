"""Text said only when it is text (issue 30): fragments the OCR read on COCO photos and portraits are noise,
real signs, names, numbers and prices are text; the live text channel and describe leave noise out. (The
receipts keep their word recall: test_ocr.)"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from assistant.vision import textnoise

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


def page(*lines: str) -> np.ndarray:
    """A white card with `lines` printed on it in black, one under another: what the camera sees held up."""
    card = np.full((480, 640, 3), 255, np.uint8)
    for i, text in enumerate(lines):
        cv2.putText(card, text, (60, 120 + 110 * i), cv2.FONT_HERSHEY_SIMPLEX, 2.2, (0, 0, 0), 5, cv2.LINE_AA)
    return card


@pytest.fixture(scope="module")
def models():
    from assistant.app import Models
    from assistant.config import Config

    return Models(Config())  # the real readers: the OCR reads what is printed, the rule judges what it read


def test_live_text_and_describe_now_leave_noise_out(clock, models):
    from assistant.app import channel_context
    from assistant.channels.text import TextChannel
    from assistant.config import Config

    channel = TextChannel(channel_context(Config(), models, clock=clock))
    frame = page("ETFL", "Platform 9", "NG")
    said = []
    for step in range(4):
        clock.now = step * 0.5
        said += [s.text for s in channel.step(frame, clock.now)]
    assert said == ["Platform 9"]
    assert channel.describe(frame, clock.now) == "Text: Platform 9."
    assert channel.describe(page("HAAAA FHINA"), clock.advance(10)) == ""


def test_with_the_noise_rule_off_the_fragments_are_said(models):
    """The benchmark's row without the rule: the same card's fragments said (what issue 30 heard)."""
    from dataclasses import replace

    from assistant.app import channel_context
    from assistant.channels.text import TextChannel
    from assistant.config import Config
    from assistant.vision.verify import RULES

    ctx = channel_context(Config(), models, rules=replace(RULES, text_noise=False))
    assert TextChannel(ctx).describe(page("ETFL", "Platform 9", "NG"), 0.0) == "Text: ETFL. Platform 9. NG."
