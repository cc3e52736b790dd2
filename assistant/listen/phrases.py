"""The voice commands and the words for them: one table, each row a command (and, for a mode, the mode) with
the phrases people say for it, in English here and in each language in its catalog (translators own them).

A row's phrases are one message: alternatives split by "|", lower case; `{name}` stands for what follows
("find {name}": "find my keys" finds "keys"). A command's value is its name in `listen --json`, whatever
the language. Checked at import: every command and every mode has a row, and a phrase has one slot at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from assistant.common import Mode
from assistant.i18n import N_


class Command(str, Enum):
    """What the user asked for. A str: its value is the English name `listen --json` gives."""

    DESCRIBE = "describe"
    READ = "read"
    STOP = "stop"
    REPEAT = "repeat"
    SPELL = "spell"
    NEXT_LINE = "next-line"
    PREVIOUS_LINE = "previous-line"
    LOUDER = "louder"
    QUIETER = "quieter"
    FASTER = "faster"
    SLOWER = "slower"
    MODE = "mode"  # the argument is the mode's name: scene, text, quiet, both, document, light, codes
    COLOUR = "colour"
    FIND = "find"  # the argument is what to look for, as said ("keys")
    WHO = "who"
    LEARN = "learn"  # the argument is the person's name, as said
    HELP = "help"
    QUIT = "quit"
    FORGET = "forget"  # the argument is the person's name, as said

    @property
    def strict(self) -> bool:
        """Heard only as its exact words: never a near miss (it cannot be undone)."""
        return self in IRREVERSIBLE

    @property
    def confirm(self) -> bool:
        """Asked back before it is done: it cannot be undone."""
        return self in IRREVERSIBLE


IRREVERSIBLE = frozenset({Command.QUIT, Command.FORGET})
SLOT = "{name}"


@dataclass(frozen=True)
class Row:
    """A command (with its fixed argument, for a mode) and its phrases, as marked for the catalogs."""

    command: Command
    phrases: str
    argument: str | None = None


ROWS: tuple[Row, ...] = (
    # TRANSLATORS: a voice command: the phrases people say for it, alternatives split by "|", lower case, without
    # punctuation. Give the ways people say it in your language, as many as you like; "{name}" (kept as it is)
    # stands for what the user names, wherever your language puts it. This one: describe what is in front of the camera.
    Row(Command.DESCRIBE, N_("describe|what's in front of me|what is in front of me|what do you see|what can you "
                             "see|what is there|what's there|describe this")),
    # TRANSLATORS: a voice command (alternatives split by "|"): read the text in view.
    Row(Command.READ, N_("read|read this|read all|read it|read that|read everything|read the text")),
    # TRANSLATORS: a voice command (alternatives split by "|"): stop speaking.
    Row(Command.STOP, N_("stop|stop it|stop talking|stop reading|hush")),
    # TRANSLATORS: a voice command (alternatives split by "|"): say the last thing again.
    Row(Command.REPEAT, N_("repeat|repeat that|say again|say that again|again|pardon")),
    # TRANSLATORS: a voice command (alternatives split by "|"): spell the current word letter by letter.
    Row(Command.SPELL, N_("spell|spell it|spell that|spell this|spell the word")),
    # TRANSLATORS: a voice command (alternatives split by "|"): read the next line of the text.
    Row(Command.NEXT_LINE, N_("next line|next|line down")),
    # TRANSLATORS: a voice command (alternatives split by "|"): read the line before.
    Row(Command.PREVIOUS_LINE, N_("previous line|previous|line up|line before")),
    # TRANSLATORS: a voice command (alternatives split by "|"): speak louder.
    Row(Command.LOUDER, N_("louder|volume up|speak up")),
    # TRANSLATORS: a voice command (alternatives split by "|"): speak more quietly.
    Row(Command.QUIETER, N_("quieter|softer|volume down")),
    # TRANSLATORS: a voice command (alternatives split by "|"): speak faster.
    Row(Command.FASTER, N_("faster|speak faster|speed up")),
    # TRANSLATORS: a voice command (alternatives split by "|"): speak more slowly.
    Row(Command.SLOWER, N_("slower|speak slower|slow down")),
    # TRANSLATORS: a voice command (alternatives split by "|"): the mode that says what is in view, and text.
    Row(Command.MODE, N_("scene and text mode|scene and text|normal mode"), Mode.BOTH.value),
    # TRANSLATORS: a voice command (alternatives split by "|"): the mode that says what is in view, no text.
    Row(Command.MODE, N_("scene mode|scene"), Mode.SCENE.value),
    # TRANSLATORS: a voice command (alternatives split by "|"): the mode that reads text only.
    Row(Command.MODE, N_("text mode|text"), Mode.TEXT.value),
    # TRANSLATORS: a voice command (alternatives split by "|"): the silent mode (nothing said until asked).
    Row(Command.MODE, N_("quiet mode|quiet|silent mode"), Mode.QUIET.value),
    # TRANSLATORS: a voice command (alternatives split by "|"): the mode that reads a whole page.
    Row(Command.MODE, N_("document mode|document|page mode"), Mode.DOCUMENT.value),
    # TRANSLATORS: a voice command (alternatives split by "|"): the mode whose tone follows the brightness.
    Row(Command.MODE, N_("light mode|light"), Mode.LIGHT.value),
    # TRANSLATORS: a voice command (alternatives split by "|"): the mode that reads barcodes and QR codes.
    Row(Command.MODE, N_("codes mode|code mode|codes|barcode|barcodes|scan a code"), Mode.CODES.value),
    # TRANSLATORS: a voice command (alternatives split by "|"): say the main colours in view.
    Row(Command.COLOUR, N_("colour|color|what colour is it|what color is it|what colour is this|what color is "
                           "this|which colour|which color")),
    # TRANSLATORS: a voice command (alternatives split by "|"): look for something; "{name}" is what is looked for.
    Row(Command.FIND, N_("find {name}|look for {name}|where is {name}|where are {name}|where's {name}|locate "
                         "{name}|search for {name}")),
    # TRANSLATORS: a voice command (alternatives split by "|"): name the person in view.
    Row(Command.WHO, N_("who is this|who is it|who's this|who is that|who's that|who is there|who's there")),
    # TRANSLATORS: a voice command (alternatives split by "|"): learn the face in view; "{name}" is its name.
    Row(Command.LEARN, N_("learn {name}|learn the face of {name}|remember the face of {name}")),
    # TRANSLATORS: a voice command (alternatives split by "|"): say what can be said.
    Row(Command.HELP, N_("help|what can i say|commands")),
    # TRANSLATORS: a voice command (alternatives split by "|"): end the assistant. Heard only word for word,
    # and asked back: give only the plain word for it.
    Row(Command.QUIT, N_("quit|exit")),
    # TRANSLATORS: a voice command (alternatives split by "|"): forget a person's face; "{name}" is the name.
    # Heard only word for word, and asked back.
    Row(Command.FORGET, N_("forget {name}|forget the face of {name}")),
)

# TRANSLATORS: words said before a name that are no part of it ("find my keys" looks for "keys"),
# alternatives split by "|", lower case.
DETERMINERS = N_("my|the|a|an|some|our|your|his|her|their")
# TRANSLATORS: words around a voice command that change nothing ("please stop", "can you read this"),
# alternatives split by "|", lower case.
FILLERS = N_("please|now|okay|ok|hey|um|uh|oh|so|well|just|can you|could you|would you|go|and")
# TRANSLATORS: the word that wakes the assistant when it always listens ("assistant, stop"), alternatives
# split by "|", lower case: the assistant's name as people say it in your language.
WAKE = N_("assistant")
# The wake word as Whisper writes "assistant" in the languages it hears it in (said in any language).
WAKE_SPELLINGS = ("assistant", "assistent", "asistente", "assistente", "asystent", "assistants")
# TRANSLATORS: answers that say yes to "are you sure?", alternatives split by "|", lower case.
YES = N_("yes|yeah|yep|sure|okay|ok|do it|go ahead|confirm")
# TRANSLATORS: answers that say no to "are you sure?", alternatives split by "|", lower case.
NO = N_("no|nope|cancel|don't|do not|stop|wait")


def alternatives(message: str) -> list[str]:
    """The alternatives of one phrase message, as written (empty ones dropped)."""
    return [a.strip() for a in message.split("|") if a.strip()]


def _check() -> None:
    if {r.command for r in ROWS} != set(Command):
        raise ImportError(f"voice commands without phrases: {set(Command) - {r.command for r in ROWS}}")
    modes = {r.argument for r in ROWS if r.command is Command.MODE}
    if modes != {m.value for m in Mode}:
        raise ImportError(f"modes without a voice command: {({m.value for m in Mode}) - modes}")
    for row in ROWS:
        for phrase in alternatives(row.phrases):
            if phrase.count(SLOT) > 1:
                raise ImportError(f"the voice command {phrase!r} has more than one {SLOT}")


_check()
