"""Voice commands in the live assistant: the listening worker, and the action each command posts to the loop.

Push to talk (V, `listen` on stdin): the listening tone (it cuts off what was being said: the microphone would
hear it), then the user speaks; the end of speech is found by voice-activity detection (at most 6 s); the
heard tone; then the command is posted to the loop as the key that does the same would post it (`COMMANDS`),
or "I did not catch that." Always on (`--listen`, the setting `listen.always`): what is said is heard, and it
is a command only after the wake word ("Assistant, read this."); "Assistant" alone is push to talk. Quit and
forget are asked back ("Quit? Say yes or no."); Q still quits at once.

The recogniser runs on this worker's thread only, and only on speech: nothing runs while nobody speaks
(always on, the voice-activity detector listens: about 2% of one core). It is loaded the
first time V is pressed (always on: at start). No microphone: V says so, and everything else works. Nothing
heard is kept: the audio and the words live for one command; the log gets the command's name only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from assistant.common import Action, Earcon, Kind, Priority
from assistant.i18n import N_, _
from assistant.listen.microphone import MAX_SECONDS, Microphone, MicrophoneError, input_device
from assistant.listen.phrases import ROWS, SLOT, Command
from assistant.listen.sound import RATE
from assistant.vision.manifest import ModelError

if TYPE_CHECKING:
    from assistant.listen.recogniser import Heard, Recogniser
    from assistant.speech.queue import Speech

log = logging.getLogger(__name__)

POLL = 0.1  # seconds between looks at the stop events while waiting for V
TONE_WAIT = 2.0  # seconds the listening tone (and what came before it) may take before the microphone listens
ASK_WAIT = 10.0  # seconds a question ("Quit? Say yes or no.") may take to be said
RETRY = 5.0  # seconds before listening always is tried again after it failed

# What each command posts to the loop: the action of the key that does the same, with what was named (a mode's
# name, for MODE: the loop then sets that mode).
COMMANDS: dict[Command, Action] = {
    Command.DESCRIBE: Action.DESCRIBE, Command.READ: Action.READ, Command.STOP: Action.STOP,
    Command.REPEAT: Action.REPEAT, Command.SPELL: Action.SPELL, Command.NEXT_LINE: Action.NEXT_LINE,
    Command.PREVIOUS_LINE: Action.PREVIOUS_LINE, Command.LOUDER: Action.LOUDER, Command.QUIETER: Action.QUIETER,
    Command.FASTER: Action.FASTER, Command.SLOWER: Action.SLOWER, Command.MODE: Action.MODE,
    Command.COLOUR: Action.COLOUR, Command.FIND: Action.LOCATE, Command.WHO: Action.WHO,
    Command.LEARN: Action.LEARN, Command.HELP: Action.HELP, Command.QUIT: Action.QUIT, Command.FORGET: Action.FORGET,
}
# A command said without the name it needs ("find"): what is said instead.
NAMED: dict[Command, str] = {
    Command.FIND: N_("Find what? Say find and its name."),
    Command.LEARN: N_("Whose face? Say learn and the name."),
    Command.FORGET: N_("Forget whose face? Say forget and the name."),
}
# A command that cannot be undone: the question asked before it is done ({name}: what it names).
ASKED: dict[Command, str] = {
    Command.QUIT: N_("Quit? Say yes or no."),
    Command.FORGET: N_("Forget {name}? Say yes or no."),
}
if set(COMMANDS) != set(Command):  # checked at import: every command does something
    raise ImportError(f"voice commands without an action: {set(Command) - set(COMMANDS)}")
if set(NAMED) != {row.command for row in ROWS if SLOT in row.phrases}:
    raise ImportError("the voice commands that take a name differ from those asked for it")
if set(ASKED) != {c for c in Command if c.confirm}:
    raise ImportError("the voice commands asked back differ from those that cannot be undone")


class Listening:
    """The listening worker. Thread contract: `start`, `push` and `close` from the loop's thread (`push` from
    any); the microphone and the recogniser only on the worker's own thread. `post(action, argument)` hands
    a command to the loop (its inbox: the loop does it on its thread, as a key's); `speech` says the rest;
    `loaded` tells whether the recogniser is loaded already."""

    def __init__(self, recogniser: Callable[[], Recogniser], speech: Speech,
                 post: Callable[[Action, str | None], object], stop: threading.Event, always: bool = False,
                 loaded: Callable[[], bool] = lambda: False) -> None:
        self.recogniser, self.speech, self.post, self.stop, self.always = recogniser, speech, post, stop, always
        self.loaded = loaded
        self.microphone: Microphone | None = None  # found at the first V (always: at start), again after a failure
        self.busy = False  # a command is being listened for (V then is not pressed again)
        self._asked = threading.Event()  # V pressed
        self._interrupt = threading.Event()  # a recording ends now: V while listening always, or closing
        self._closed = threading.Event()
        self.thread = threading.Thread(target=self._run, name="listening", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def push(self) -> None:
        """V: listen for one command (it ends what listening always was hearing)."""
        if self.busy:
            log.debug("V while a command is listened for: it goes on")
            return
        self._asked.set()
        self._interrupt.set()

    def close(self, timeout: float) -> None:
        """End what is being listened to and join the worker (a recognition in flight is waited for)."""
        self._closed.set()
        self._interrupt.set()
        self._asked.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def _ended(self) -> bool:
        return self._closed.is_set() or self.stop.is_set()

    # --- the worker's thread ---------------------------------------------------------------------
    def _run(self) -> None:
        if self.always:
            self._guarded(self._found)  # loaded now: the first "assistant" is heard; or why not, said once
        while True:
            self._interrupt.clear()  # before the look at the end: `close` sets it again
            if self._ended():
                return
            if self._asked.is_set():
                self._asked.clear()
                self.busy = True
                try:
                    self._guarded(self._push_to_talk)
                finally:
                    self.busy = False
            elif self.always and self.microphone is not None:
                if not self._guarded(self._overhear):
                    self._asked.wait(RETRY)
            else:
                self._asked.wait(POLL)

    def _guarded(self, work: Callable[[], object]) -> bool:
        """Run one turn of listening: a failure is one sentence (logged in full), and the worker goes on."""
        try:
            work()
            return True
        except MicrophoneError as exc:
            self.microphone = None  # looked for again at the next V: one may have been plugged in
            self._tell(str(exc))
        except ModelError as exc:  # the recogniser is not built: the sentence says how to build it
            self._tell(str(exc))
        except Exception:
            log.exception("Listening failed")
            self._tell(_("Could not hear the command."))
        return False

    def _found(self) -> Microphone:
        """The microphone, looked for now if it was not found yet (no recogniser is loaded without one), with
        the recogniser loaded."""
        if self.microphone is None:
            device = input_device()
            if device.name is None:
                log.info("No microphone: %s", device.problem)
                raise MicrophoneError(_("No microphone."))
            if not self.loaded() and not self.always:
                self._tell(_("Getting ready to listen."))  # the recogniser takes seconds to load, the first time
            self.microphone = Microphone(self.recogniser().vad)
        return self.microphone

    def _push_to_talk(self) -> None:
        microphone = self._found()
        audio = self._record(microphone)
        self._do(self.recogniser().hear(audio, RATE) if len(audio) else None, microphone)

    def _overhear(self) -> None:
        """Always on: the next thing said; a command only after the wake word, else dropped unread."""
        microphone = self._found()
        audio = microphone.next_utterance(self._interrupt)
        if not len(audio) or self._asked.is_set() or self._ended():
            return
        heard = self.recogniser().hear(audio, RATE, wake=True)
        if not heard.woken:
            return
        if heard.command is None and not heard.text:  # "Assistant." alone: the command comes next
            audio = self._record(microphone)
            self._do(self.recogniser().hear(audio, RATE) if len(audio) else None, microphone)
            return
        self.speech.overlay(Earcon.HEARD)
        self._do(heard, microphone)

    def _record(self, microphone: Microphone) -> np.ndarray:
        """The listening tone, what is said after it (until the speaker stops; at most `MAX_SECONDS`), the
        heard tone."""
        self.speech.earcon(Earcon.LISTEN, priority=Priority.NOW)  # what was being said stops
        self._quiet(TONE_WAIT)
        if self._ended():
            return np.zeros(0, np.float32)
        audio = microphone.record_until_silence(MAX_SECONDS, stop=self._interrupt)
        self.speech.overlay(Earcon.HEARD)
        return audio

    def _do(self, heard: Heard | None, microphone: Microphone) -> None:
        """Post the command heard to the loop (asked back first when it cannot be undone), or say why not."""
        if heard is None or heard.command is None:
            self._tell(_("I did not catch that."))
            return
        command, argument = heard.command, heard.argument
        if command in NAMED and not argument:
            self._tell(_(NAMED[command]))
            return
        if command in ASKED and not self._confirmed(_(ASKED[command]).format(name=argument), microphone):
            return
        self.post(COMMANDS[command], argument)

    def _confirmed(self, question: str, microphone: Microphone) -> bool:
        """Ask `question`; whether the answer is yes (no: "Cancelled."; neither: nothing is done either)."""
        self._tell(question)
        self._quiet(ASK_WAIT)
        if self._ended():
            return False
        audio = self._record(microphone)
        if self._ended():  # Q, Ctrl+C: nothing more is said
            return False
        recogniser = self.recogniser()
        answer = recogniser.matcher.answer(recogniser.hear(audio, RATE).text) if len(audio) else None
        if answer is None:
            self._tell(_("I did not catch that. Nothing is done."))
        elif not answer:
            self._tell(_("Cancelled."))
        return answer is True

    def _quiet(self, seconds: float) -> None:
        """Wait until nothing is being said (at most `seconds`): the microphone would hear it."""
        deadline = time.monotonic() + seconds
        while self.speech.busy and time.monotonic() < deadline and not self._ended():
            time.sleep(0.02)

    def _tell(self, text: str) -> None:
        if not self._ended():  # quitting: "Goodbye." is not cut off
            self.speech.say(text, Priority.NOW, Kind.CONTROL)
