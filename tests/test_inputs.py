"""Keys and stdin lines reach the loop whole: a flood never drops a command (quit above all), a bare word
that wants an argument does not swallow the next line, Escape then a key (Alt+key) is both keys."""

from __future__ import annotations

import io
import os
import pty
import threading
import time

from assistant.config import Config
from assistant.inbox import Inbox
from assistant.keys import MOMENTARY, Action, KeyReader
from assistant.live import INBOX, LiveAssistant
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech
from assistant.speech.synth import TextSynth


def test_a_full_inbox_drops_the_oldest_moves_never_a_command():
    stop = threading.Event()
    inbox: Inbox[Action] = Inbox(4, MOMENTARY, stop)
    for action in (Action.NEXT_LINE, Action.READ, Action.NEXT_WORD, Action.FASTER):
        assert inbox.put(action)
    assert inbox.put(Action.QUIT)  # full: the oldest move gives way
    assert inbox.put(Action.STOP)
    assert inbox.put(Action.MODE)
    assert not inbox.put(Action.SPELL)  # only commands wait now: the move is the one that goes
    taken = [inbox.take() for _ in range(4)]
    assert [item[0] for item in taken if item] == [Action.READ, Action.QUIT, Action.STOP, Action.MODE]
    assert inbox.dropped == 4


def test_a_command_waits_for_room_rather_than_being_dropped():
    stop = threading.Event()
    inbox: Inbox[Action] = Inbox(2, MOMENTARY, stop)
    inbox.put(Action.READ)
    inbox.put(Action.MODE)
    posted = threading.Event()
    poster = threading.Thread(target=lambda: (inbox.put(Action.QUIT), posted.set()))
    poster.start()
    time.sleep(0.3)
    assert not posted.is_set()  # waiting: the inbox holds two commands
    assert inbox.take() == (Action.READ, None)
    poster.join(2)
    assert posted.is_set() and [inbox.take(), inbox.take()] == [(Action.MODE, None), (Action.QUIT, None)]


def _loop() -> tuple[LiveAssistant, Speech, list[str]]:
    said: list[str] = []
    speech = Speech(TextSynth(), RecordingSink(), on_start=lambda u: said.append(u.text))
    return LiveAssistant(Config(), None, speech, [], threading.Event()), speech, said  # type: ignore[arg-type]


def test_two_hundred_stdin_lines_then_quit_reach_the_loop_with_quit_last():
    live, speech, _ = _loop()
    taken: list[Action] = []

    def consume() -> None:  # a loop that takes one action every few milliseconds
        while not live.stop_event.is_set():
            item = live.inbox.take()
            if item is None:
                time.sleep(0.002)
                continue
            taken.append(item[0])
            if item[0] is Action.QUIT:
                live.stop_event.set()

    lines = "".join(["next\n", "read\n", "mode\n", "louder\n"] * 50) + "quit\n"
    consumer = threading.Thread(target=consume)
    consumer.start()
    with KeyReader(live.command, live.stop_event, io.StringIO(lines)) as reader:
        reader.thread.join(10)
    consumer.join(10)
    speech.close()
    assert 200 > INBOX and taken[-1] is Action.QUIT
    assert taken.count(Action.READ) == 50 and taken.count(Action.MODE) == 50  # no command lost


def test_a_bare_find_line_does_not_swallow_the_next_line():
    live, speech, said = _loop()
    live.command("find")
    live.command("quit")
    live.command("find total")
    assert [live.inbox.take(), live.inbox.take()] == [(Action.QUIT, None), (Action.FIND, "total")]
    speech.wait_idle(2)
    speech.close()
    assert said == ["Find what? Type find and a word on one line."]


def test_quit_while_typing_a_word_after_f_quits():
    live, speech, _ = _loop()
    for key in "f", "t", "o":
        live.command(key)
    live.command("quit")
    assert [live.inbox.take() for _ in range(3)] == [(Action.FIND, None), (Action.FIND, ""), (Action.QUIT, None)]
    speech.close()


def test_escape_then_a_key_is_both_keys_and_the_terminal_is_put_back():
    import termios

    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    got: list[str] = []
    stop = threading.Event()
    with os.fdopen(slave, "r") as stream:
        with KeyReader(got.append, stop, stream):
            time.sleep(0.2)
            assert termios.tcgetattr(slave) != before  # cbreak while reading
            for keys in (b"\x1bq", b"\x1b[B", "é".encode(), b"\x1b"):
                os.write(master, keys)
                time.sleep(0.15)
        assert termios.tcgetattr(slave) == before
    os.close(master)
    assert got == ["\x1b", "q", "<down>", "é", "\x1b"]
