"""The vocabulary every layer shares: speech priorities, utterance kinds, earcon names, modes, the actions
keys ask for, and `Say`, one thing a channel wants said. Enums and tables checked at import, never strings
assembled at run time.

Nothing here imports another module of the package but `i18n` (which imports none), so capture, vision,
announce, channels and speech can all use it without depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum

from assistant.i18n import N_, _


class Priority(IntEnum):
    """`NOW` cuts off whatever is playing; `NEXT` goes ahead of the queue; `NORMAL` waits and can go stale."""

    NORMAL = 0
    NEXT = 1
    NOW = 2


class Kind(str, Enum):
    """What an utterance is about. A str, so transcripts and logs show its value."""

    SPEECH = "speech"  # `assistant say`, notices
    CONTROL = "control"  # answers to keys: faster, slower, goodbye
    HELP = "help"
    MODE = "mode"
    DESCRIBE = "describe"
    READ = "read"  # R: all the text in view
    TEXT = "text"  # live short text
    DOCUMENT = "document"
    GUIDANCE = "guidance"
    CAMERA = "camera"
    LABEL = "label"  # a thing in view; the utterance's subject names it
    ERROR = "error"  # one short sentence when a step failed
    EARCON = "earcon"
    LIGHT = "light"  # the light tone
    CODE = "code"  # a barcode or QR code read, or its guiding beep
    COLOUR = "colour"
    FIND = "find"  # looking for something (G): its ticks and words


READING = frozenset({Kind.TEXT, Kind.READ, Kind.DOCUMENT})  # text being read out: nothing talks over it


class Earcon(str, Enum):
    """The short tones; `speech.audio.EARCONS` holds a recipe for each (checked at import)."""

    MODE = "mode"
    TEXT = "text"
    CAMERA_LOST = "camera-lost"
    CAMERA_BACK = "camera-back"
    LIGHT = "light"
    LEVEL = "level"  # rate or volume changed while speaking: pitch follows the new level
    CODE_BEEP = "code-beep"  # a code is in view but not yet read: come closer
    CODE_READ = "code-read"  # a code was read (its words follow)
    GUIDANCE_CUT = "guidance-cut"
    GUIDANCE_BACK = "guidance-back"
    GUIDANCE_CLOSER = "guidance-closer"
    GUIDANCE_BLUR = "guidance-blur"
    GUIDANCE_DARK = "guidance-dark"
    GUIDANCE_NO_PAGE = "guidance-no-page"
    FIND_TICK = "find-tick"  # what is looked for is in view: pitch follows its height (level 0 bottom .. 1 top)
    PERSON = "person"  # a person came into view (their words follow)
    THING = "thing"  # a thing came into view (its words follow)
    LISTEN = "listen"  # the microphone listens now: say the command
    HEARD = "heard"  # the microphone has stopped listening: the command is being made out


class Mode(str, Enum):
    """What the live assistant is doing; each channel says which modes it runs in. Each mode carries its two
    sentences: its name, as said in "Ready. Scene and text mode.", and what is said when the user switches
    to it (a mode's key, if it has one, is a row of the key table: `keys.KEYS`)."""

    BOTH = ("both", N_("Scene and text mode."), N_("Scene and text mode."))
    SCENE = ("scene", N_("Scene mode."), N_("Scene mode."))
    TEXT = ("text", N_("Text mode."), N_("Text mode."))
    QUIET = ("quiet", N_("Quiet mode."), N_("Quiet mode."))
    DOCUMENT = ("document", N_("Document mode."), N_("Document mode. Hold the page in front of the camera."))
    LIGHT = ("light", N_("Light mode."), N_("Light mode. The tone is higher where it is brighter. S stops it."))
    CODES = ("codes", N_("Codes mode."),
             N_("Codes mode. Hold a barcode or QR code to the camera; beeps quicken as it comes closer."))

    _name_words: str
    _announcement: str

    def __new__(cls, value: str, name: str = "", announcement: str = "") -> Mode:
        mode = str.__new__(cls, value)
        mode._value_ = value
        mode._name_words, mode._announcement = name, announcement
        return mode

    @property
    def words(self) -> str:
        """'Scene and text mode.', 'Scene mode.', ... as said in 'Ready. Scene and text mode.' (the user's
        language)."""
        return _(self._name_words)

    @property
    def announcement(self) -> str:
        """What is said when the user switches to this mode (the user's language)."""
        return _(self._announcement)


MODE_CYCLE = (Mode.BOTH, Mode.SCENE, Mode.TEXT, Mode.QUIET)  # the order the M key goes through


class Action(str, Enum):
    """What a key (or a stdin word, or a spoken command: `listening`) asks for. The key table (`keys.KEYS`) binds each
    to its keys and words; the loop, or the channel that declares it (`Channel.actions`), does it."""

    DESCRIBE = "describe"
    READ = "read"
    DOCUMENT = "document"
    STOP = "stop"
    REPEAT = "repeat"
    MODE = "mode"
    FASTER = "faster"
    SLOWER = "slower"
    LOUDER = "louder"
    QUIETER = "quieter"
    NEXT_LINE = "next-line"
    PREVIOUS_LINE = "previous-line"
    NEXT_WORD = "next-word"
    PREVIOUS_WORD = "previous-word"
    SPELL = "spell"
    TOP = "top"
    PAUSE = "pause"
    FIND = "find"
    LIGHT = "light"
    COLOUR = "colour"
    CODES = "codes"
    LOCATE = "locate"
    LEARN = "learn"
    WHO = "who"  # who the people in view are
    FORGET = "forget"  # forget a person taught (their face)
    LISTEN = "listen"  # push to talk: the command is spoken
    HELP = "help"
    QUIT = "quit"


class GuidanceStyle(str, Enum):
    """How framing guidance is given."""

    SPEECH = "speech"
    TONES = "tones"
    OFF = "off"


@dataclass(frozen=True)
class Say:
    """One thing a channel wants said: its text (may be empty when only a tone is wanted), how urgent it
    is, what it is about (`kind`, and `subject`: the label's name), the tone that goes before it, and
    `about`: the name of the thing in view it speaks of (its channel's `seen()` key), so that it is dropped,
    unheard, if that thing leaves the view first."""

    text: str
    priority: Priority = Priority.NORMAL
    kind: Kind = Kind.SPEECH
    subject: str = ""
    earcon: Earcon | None = None
    about: str = ""
    level: float = 0.5  # for a tone whose pitch carries a measure (light): 0..1
    lead: str = ""  # read text (R, a page): said before its first line ("29 lines read."), not one of them
    after: str = ""  # read text (R, a page): said after its last line when it is read to the end
    pan: float | None = None  # a tone on its own: -1 hard left .. +1 hard right (where the thing is); None centred


def digit_groups(digits: str) -> list[str]:
    """A long number cut into the groups it is said in: threes and fours, the larger groups first
    ('9556939040116' -> ['9556', '939', '040', '116']); four digits or fewer stay one group."""
    n = len(digits)
    count = max(1, -(-n // 4))
    sizes = [n // count + (1 if i < n % count else 0) for i in range(count)]
    starts = [sum(sizes[:i]) for i in range(count)]
    return [digits[a:a + size] for a, size in zip(starts, sizes)]
