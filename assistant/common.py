"""The vocabulary every layer shares: speech priorities, utterance kinds, earcon names, modes, and `Say`,
one thing a channel wants said. Enums and tables checked at import, never strings assembled at run time.

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


class Mode(str, Enum):
    """What the live assistant is doing; each channel says which modes it runs in."""

    BOTH = "both"
    SCENE = "scene"
    TEXT = "text"
    QUIET = "quiet"
    DOCUMENT = "document"
    LIGHT = "light"
    CODES = "codes"

    @property
    def words(self) -> str:
        """'Scene and text mode.', 'Scene mode.', ... as said in 'Ready. Scene and text mode.' (the user's
        language)."""
        return _(MODE_NAMES[self])

    @property
    def announcement(self) -> str:
        """What is said when the user switches to this mode (the user's language)."""
        return _(MODE_ANNOUNCEMENTS[self])


MODE_NAMES = {
    Mode.BOTH: N_("Scene and text mode."),
    Mode.SCENE: N_("Scene mode."),
    Mode.TEXT: N_("Text mode."),
    Mode.QUIET: N_("Quiet mode."),
    Mode.DOCUMENT: N_("Document mode."),
    Mode.LIGHT: N_("Light mode."),
    Mode.CODES: N_("Codes mode."),
}
MODE_ANNOUNCEMENTS = {
    Mode.BOTH: N_("Scene and text mode."),
    Mode.SCENE: N_("Scene mode."),
    Mode.TEXT: N_("Text mode."),
    Mode.QUIET: N_("Quiet mode."),
    Mode.DOCUMENT: N_("Document mode. Hold the page in front of the camera."),
    Mode.LIGHT: N_("Light mode. The tone is higher where it is brighter. S stops it."),
    Mode.CODES: N_("Codes mode. Hold a barcode or QR code to the camera; beeps quicken as it comes closer."),
}
MODE_CYCLE = (Mode.BOTH, Mode.SCENE, Mode.TEXT, Mode.QUIET)  # the order the M key goes through
if set(MODE_ANNOUNCEMENTS) != set(Mode) or set(MODE_NAMES) != set(Mode):
    raise ImportError(f"modes without a name or an announcement: {set(Mode) - set(MODE_ANNOUNCEMENTS)}")


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
