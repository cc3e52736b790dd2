"""The second kind of speech back-end: one that speaks itself (a speech service), where a `Synthesizer` hands
the queue samples to play.

A `Speaker` is given one piece of text at a time, with its language, the queue's rate and volume, and an
`Urgency`; it says it through its own audio and reports what happens to it (`Heard`: begun, ended, cancelled)
through `wait`. The speech queue's thread is its only user, as for a synthesizer: it sends the next piece
only once this one has ended, and calls `cancel` itself when the queue is stopped or cut, or when what the
piece is about has gone from view. Earcons and find ticks still go to the queue's own sink.

`URGENCY` gives each kind of utterance its standing among the other programs that share the service (a
screen reader first): live words at `TEXT`, which another program's speech cuts; warnings at `MESSAGE`,
which nothing of ours or theirs at `TEXT` cuts; answers to keys at `NOTIFICATION`, dropped when anything
else is being said.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import Enum
from typing import ClassVar, Protocol

from assistant.common import Kind
from assistant.i18n import N_

log = logging.getLogger(__name__)

POLL = 0.01  # seconds between two looks at whether the piece is still wanted: a stop is heard within this
SECONDS_PER_CHAR = 0.25  # at rate 1, a generous bound on how long a piece takes once begun (voices: ~0.07)
SERVICE_GONE = N_("The speech service stopped: the assistant's own voice speaks from now on.")
SERVICE_CHARS = 2000  # the most one message to the service holds: a longer piece goes as several


class Urgency(str, Enum):
    """Where an utterance stands among every program's speech: Speech Dispatcher's own priorities."""

    MESSAGE = "message"  # said after what is speaking; not cut by TEXT, cuts TEXT and NOTIFICATION
    TEXT = "text"  # cut by any newer TEXT or MESSAGE, a screen reader's included
    NOTIFICATION = "notification"  # said only when nothing else is; dropped otherwise


# How long a piece may wait for the service to begin it: a notification is dropped by the service when anything
# else is being said, without a word to us; words wait behind a screen reader's (the first piece a service says
# can take two seconds while its voice module starts).
BEGIN_WAIT = {Urgency.NOTIFICATION: 1.5, Urgency.TEXT: 15.0, Urgency.MESSAGE: 30.0}

URGENCY: dict[Kind, Urgency] = {
    Kind.CAMERA: Urgency.MESSAGE,  # the camera is lost, or back
    Kind.ERROR: Urgency.MESSAGE,  # a step failed
    Kind.GUIDANCE: Urgency.MESSAGE,  # too dark, hold steady, move back
    Kind.CONTROL: Urgency.NOTIFICATION,  # "Faster.", "Volume 50 percent."
    Kind.MODE: Urgency.TEXT,  # the mode a key chose: what the keys now do, which must not be dropped
    Kind.SPEECH: Urgency.TEXT,
    Kind.HELP: Urgency.TEXT,
    Kind.DESCRIBE: Urgency.TEXT,
    Kind.READ: Urgency.TEXT,
    Kind.TEXT: Urgency.TEXT,
    Kind.DOCUMENT: Urgency.TEXT,
    Kind.LABEL: Urgency.TEXT,
    Kind.EARCON: Urgency.TEXT,  # never sent: earcons are our own audio
    Kind.LIGHT: Urgency.TEXT,
    Kind.CODE: Urgency.TEXT,
    Kind.COLOUR: Urgency.TEXT,
    Kind.FIND: Urgency.TEXT,
}
if set(URGENCY) != set(Kind):  # checked at import: a new kind of utterance must be given its standing
    raise ImportError(f"kinds of utterance without an urgency: {set(Kind) - set(URGENCY)}")


class Heard(str, Enum):
    """What became of the piece being said, as the service reports it."""

    BEGUN = "begun"
    ENDED = "ended"  # said to its end
    CANCELLED = "cancelled"  # stopped part way, by us or by another program's speech


class ServiceGone(RuntimeError):
    """The service stopped answering (it ended, or its connection broke); the message says which, for the log."""


class Speaker(Protocol):
    """A back-end that speaks. Thread contract: used only from the speech thread, like a `Synthesizer`;
    `is_available` from any thread. The constructor takes `(voice, threads)` and raises `SynthError` when
    the service cannot be reached. `speak`, `cancel` and `wait` raise `ServiceGone` once it has gone."""

    name: ClassVar[str]

    @classmethod
    def is_available(cls) -> bool: ...

    def speak(self, text: str, language: str, urgency: Urgency, rate: float, volume: float) -> None:
        """Start saying `text` (one piece, in `language`: "fr"); `rate` and `volume` are the queue's (1.0: the
        service's own), mapped to the service's scale. What was being said before must have ended."""
        ...

    def wait(self, timeout: float) -> Heard | None:
        """The next thing that happened to the piece last given to `speak`, or None after `timeout` seconds."""
        ...

    def cancel(self) -> None:
        """Stop saying the piece at once (a `Heard.CANCELLED` follows, or nothing if it had ended)."""
        ...

    def speaks(self, language: str) -> bool:
        """Whether one of the service's voices speaks `language` (else the user's language reads it)."""
        ...

    def close(self) -> None: ...


def parts(text: str, limit: int = SERVICE_CHARS) -> list[str]:
    """A piece as the messages it is sent in: whole when it fits (each message ends with a pause), else its
    sentences packed line by line into messages of at most `limit` characters."""
    from assistant.speech.synth import chunks

    if len(text) <= limit:
        return [text]
    out: list[str] = []
    for chunk in chunks(text, limit):
        if out and len(out[-1]) + 1 + len(chunk) <= limit:
            out[-1] += "\n" + chunk
        else:
            out.append(chunk)
    return out


def say_through(speaker: Speaker, text: str, language: str, urgency: Urgency, rate: float, volume: float,
                abandoned: Callable[[], bool], clock: Callable[[], float] = time.monotonic) -> bool:
    """Say one message through `speaker` and wait until it is said; True when it was heard to its end.
    `abandoned` is asked every `POLL` seconds (stopped, cut, or what it is about gone from view): then the
    service is told to cancel it at once. A message not begun in time (dropped by the service), or not
    ended in time, is cancelled too. `ServiceGone` goes up to the queue, which falls back."""
    speaker.speak(text, language, urgency, rate, volume)
    deadline, begun = clock() + BEGIN_WAIT[urgency], False
    while True:
        heard = speaker.wait(POLL)
        if heard is Heard.ENDED:
            return True
        if heard is Heard.CANCELLED:  # another program's speech cut it (or our own cancel, just sent)
            log.debug("Cut off by the speech service: %s", text)
            return False
        if heard is Heard.BEGUN:
            begun, deadline = True, clock() + 10.0 + SECONDS_PER_CHAR * len(text) / max(0.25, rate)
        if abandoned():
            speaker.cancel()
            return False
        if clock() > deadline:
            log.info("The speech service did not %s in time: %s", "end it" if begun else "begin it", text)
            speaker.cancel()
            return False


def is_speaker(voice: object) -> bool:
    """True for a back-end that speaks itself (a `Speaker`), False for one that gives samples."""
    return callable(getattr(voice, "speak", None))
