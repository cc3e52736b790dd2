"""Reading like a screen reader: the review cursor over the last text read (next and previous line and
word, spell, top, find, pause and resume), rate and volume keys that do not cut reading off, and `.` that
repeats content. The real speech queue with the real voices; only the sound card is fake."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.app import load_models
from assistant.common import Kind, Priority, Say
from assistant.config import Config
from assistant.keys import SEQUENCES, KeyReader
from assistant.reading import Review, spell
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech, Utterance
from assistant.speech.synth import PiperSynth, TextSynth

RECEIPT = ["BISTRO AND CAFE", "ORDER 12916", "FRIED RICE 12.00", "ICED TEA 3.50", "GST 6% 0.93", "TOTAL RM 16.43",
           "THANK YOU PLEASE COME AGAIN"]


def heard(synth=None, speed: float = 1.0):
    """The queue on a fake sound card that plays `speed` times faster than real time."""
    said: list[Utterance] = []
    sink = RecordingSink() if speed == 1.0 else RecordingSink(sleep=lambda s: time.sleep(s / speed))
    speech = Speech(synth or TextSynth(), sink, on_start=said.append)
    return speech, said


def texts(said: list[Utterance]) -> list[str]:
    return [u.text for u in said]


def test_say_all_reads_every_line_in_order_then_the_note_after():
    speech, said = heard()
    review = Review(speech)
    review.load(RECEIPT, Kind.READ, lead="7 lines read.", after="Some words were unclear.")
    assert speech.wait_idle(10)
    speech.close()
    assert texts(said) == ["7 lines read.", *RECEIPT, "Some words were unclear."]
    assert review.line == len(RECEIPT) - 1 and not review.saying_all


def test_moving_by_line_and_word_spelling_top_and_the_edges():
    speech, said = heard()
    review = Review(speech)
    review.load(RECEIPT, Kind.READ, say_all=False)
    steps = [review.next_line, review.next_line, review.next_word, review.next_word, review.next_word,
             review.next_word, review.previous_word, review.spell_word, review.previous_line, review.top,
             review.previous_line]
    for step in steps:
        step()
        speech.wait_idle(5)
    for _ in range(len(RECEIPT)):
        review.next_line()
        speech.wait_idle(5)
    speech.close()
    assert texts(said)[:11] == ["ORDER 12916", "FRIED RICE 12.00", "FRIED", "RICE", "12.00", "ICED", "12.00",
                                "1, 2, dot, 0, 0", "ORDER 12916", "BISTRO AND CAFE", "Top."]
    assert texts(said)[-1] == "Bottom." and texts(said)[-2] == RECEIPT[-1]


def test_find_moves_to_the_next_line_with_the_word_and_wraps():
    speech, said = heard()
    review = Review(speech)
    review.load(RECEIPT, Kind.READ, say_all=False)
    assert review.find("total")
    assert review.line == 5
    speech.wait_idle(5)
    assert review.find("ORDER")  # after the current line, wrapping to the top
    assert review.line == 1
    speech.wait_idle(5)
    assert not review.find("coffee")
    speech.wait_idle(5)
    speech.close()
    assert texts(said) == ["TOTAL RM 16.43", "ORDER 12916", "Not found: coffee."]


def test_spell_names_symbols():
    assert spell("RM8.60") == "R, M, 8, dot, 6, 0"
    assert spell("a&b") == "A, and, B"


@pytest.fixture(scope="module")
def piper():
    return PiperSynth()


@pytest.fixture(scope="module")
def models():
    """The live pipeline's models, loaded once for the live loops of this file."""
    return load_models(Config())


@pytest.mark.slow
def test_pause_keeps_the_place_and_resume_goes_on_from_that_line(piper):
    fast = threading.Event()  # the sound card at real speed until the pause is checked, then ten times faster
    said: list[Utterance] = []
    speech = Speech(piper, RecordingSink(sleep=lambda s: time.sleep(s / 10 if fast.is_set() else s)),
                    on_start=said.append)
    review = Review(speech)
    review.load(RECEIPT, Kind.READ)
    deadline = time.monotonic() + 20
    while len(said) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # part way through the third line
    assert review.pause() == "paused"
    time.sleep(0.5)
    assert not speech.busy and len(said) == 3
    assert review.pause() == "resumed"
    fast.set()
    assert speech.wait_idle(60)
    speech.close()
    assert texts(said) == RECEIPT[:3] + RECEIPT[2:]  # the third line again, then on to the end


@pytest.mark.slow
def test_rate_and_volume_keys_do_not_cut_reading_off_and_dot_repeats_content(piper, live_loop, models):
    five_times = RecordingSink(sleep=lambda s: time.sleep(s / 5.0))  # a sound card five times faster than real time
    loop = live_loop(models, clock=time.monotonic, synth=piper, sink=five_times)
    live, speech = loop.live, loop.speech
    live.speak([Say("\n".join(RECEIPT), Priority.NOW, Kind.READ)])
    deadline = time.monotonic() + 20
    while len(loop.said) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    rate, volume = speech.rate, speech.volume
    assert speech.busy and len(loop.said) < len(RECEIPT)  # the keys come while it reads
    loop.press("+", "+", "/", wait=False)
    assert speech.rate == pytest.approx(rate * 1.44, rel=0.01) and speech.volume == pytest.approx(volume - 0.1)
    assert speech.wait_idle(60)
    assert loop.texts() == RECEIPT  # every line, nothing cut off, no "Faster." in between
    assert speech.stats.dropped_cut == 0
    loop.press("+")
    assert loop.texts()[-1] == "Rate 1.7."  # silent: the new rate in words
    loop.press(".")
    assert loop.texts()[-1] == RECEIPT[-1]  # content, never the control word
    for _ in range(12):
        loop.press("+", wait=False)
    assert speech.rate == 4.0  # fast listeners: up to four times


def test_unknown_keys_say_so_once_in_a_while_and_find_takes_a_typed_word(live_loop, clock, models):
    clock.now = 100.0
    loop = live_loop(models)
    live = loop.live
    live.review.load(RECEIPT, Kind.READ, say_all=False)
    for key in ("z", "z", "Z"):
        live.command(key)
    loop.speech.wait_idle(10)
    clock.advance(5)
    live.command("z")
    loop.speech.wait_idle(10)
    for key in ("f", "t", "e", "x", "\x7f", "a", "\n"):  # F, "tea" typed with a correction, Enter
        loop.press(key)
    for key in ("find total", "<down>"):  # a stdin line, then the down arrow
        loop.press(key)
    loop.close()
    said_texts = loop.texts()
    assert said_texts.count("Unknown key. Press H for the keys.") == 2
    assert said_texts[-4:] == ["Find. Type a word, then Enter.", "ICED TEA 3.50", "TOTAL RM 16.43",
                               "THANK YOU PLEASE COME AGAIN"]


def test_arrow_keys_come_through_a_terminal_as_their_escape_sequences():
    import os
    import pty

    master, slave = pty.openpty()
    got: list[str] = []
    stop = threading.Event()
    with os.fdopen(slave, "r") as stream:
        reader = KeyReader(got.append, stop, stream)
        reader.start()
        time.sleep(0.2)
        for seq in ("\x1b[B", "\x1b[A", "\x1bOC", "\x1b[D", "\x1b[H", "j", "\x1b"):
            os.write(master, seq.encode())
            time.sleep(0.15)
        stop.set()
        reader.thread.join(2)
    os.close(master)
    assert got == ["<down>", "<up>", "<right>", "<left>", "<home>", "j", "\x1b"]
    assert set(SEQUENCES.values()) <= {"<up>", "<down>", "<left>", "<right>", "<home>"}
