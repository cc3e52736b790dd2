"""Speech Dispatcher, the desktop's speech service (the one Orca speaks through), as a `Speaker` back-end.

The assistant connects over the service's Unix socket with Speech Dispatcher's own Python bindings (Debian's
`python3-speechd`, module `speechd`), starting the service if it is not running (as its clients do). It
speaks with the service's voice, rate and language, except where the assistant's settings say otherwise:
a piece in another language goes as that language; the rate and volume keys move the service's rate and
volume from where the service had them; `speech.voice` names one of its voices. Each piece goes at the
`Urgency` of its kind, so that a screen reader's own speech wins as it expects.

The service reports what becomes of each piece (begun, ended, cancelled) on the bindings' reading thread;
those events wait in a queue for the speech thread (`wait`), which alone sends commands.
"""

from __future__ import annotations

import getpass
import logging
import os
import queue
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from assistant.speech.speaker import Heard, ServiceGone, Urgency
from assistant.speech.synth import SynthError, VoiceInfo

log = logging.getLogger(__name__)

ENGINE = "speech-dispatcher"
PACKAGES = "speech-dispatcher speech-dispatcher-espeak-ng python3-speechd"
SOCKET = Path("speech-dispatcher") / "speechd.sock"  # in the user's runtime folder, where every client looks
EVENTS = {"begin": Heard.BEGUN, "end": Heard.ENDED, "cancel": Heard.CANCELLED}

# The service's scale is -100 .. +100 around each voice's own speed, which each voice module maps as it will;
# these are espeak-ng's (80, 170 and 449 words a minute at -100, 0 and +100), the module most have.
SLOWEST, NORMAL, FASTEST = 80, 170, 449


def socket_path(environ: dict[str, str] | None = None) -> Path | None:
    """Where the service listens for this user, as its clients find it: $SPEECHD_ADDRESS ("unix_socket:PATH"),
    else $XDG_RUNTIME_DIR/speech-dispatcher/speechd.sock (~/.cache without one); None for an internet address,
    which the assistant never uses (it stays offline)."""
    env = os.environ if environ is None else environ
    address = env.get("SPEECHD_ADDRESS", "")
    if address:
        method, _, rest = address.partition(":")
        if method != "unix_socket":
            return None
        if rest:
            return Path(rest.split(":")[0])
    runtime = env.get("XDG_RUNTIME_DIR") or env.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(runtime) / SOCKET


def running(environ: dict[str, str] | None = None) -> bool:
    """Whether the service is running for this user (a screen reader keeps it running): its socket is there."""
    path = socket_path(environ)
    return path is not None and path.is_socket()


def bindings() -> ModuleType:
    """The `speechd` module; SynthError naming what installs it when it is not there."""
    try:
        import speechd
    except ImportError as exc:
        raise SynthError(f"Speech Dispatcher's Python bindings are not installed (apt-get install {PACKAGES}, "
                         "then make setup).") from exc
    return speechd


def connect(component: str, autospawn: bool) -> Any:
    """A connection to the service over its Unix socket (started first when `autospawn` and it is not
    running): the bindings' `SSIPClient`, which has no type information; SynthError saying why when there is
    none."""
    speechd = bindings()
    path = socket_path()
    if path is None:
        raise SynthError("Speech Dispatcher is set to an internet address; the assistant uses only its Unix socket.")
    if not autospawn and not path.is_socket():
        raise SynthError("Speech Dispatcher is not running.")
    try:
        return speechd.SSIPClient("assistant", component, getpass.getuser(), address=f"unix_socket:{path}",
                                  autospawn=autospawn)
    except Exception as exc:  # refused, no such socket, a spawn that failed: all mean "not here"
        raise SynthError(f"Speech Dispatcher cannot be reached ({exc.__class__.__name__}: {exc}).") from exc


def listed_voices(found: Iterable[tuple[object, object, object]], module: str) -> list[VoiceInfo]:
    """The voices the service listed (name, language, variant) for its voice module `module`, each once
    (espeak-ng lists every voice again with each of its variants: thirteen thousand)."""
    return [VoiceInfo(str(name), ENGINE, str(language or "?"), module or "service", 0)
            for name, language, variant in found if variant in (None, "none")]


def ssip_rate(rate: float, own: int = 0) -> int:
    """The queue's rate (1.0: the voice's own speed; 2.0 twice as fast) on the service's scale, from `own`,
    the rate the service had: each step as many words a minute as espeak-ng gives it."""
    base = NORMAL + (FASTEST - NORMAL) * own / 100 if own >= 0 else NORMAL + (NORMAL - SLOWEST) * own / 100
    wanted = base * rate
    steps = (wanted - NORMAL) / (FASTEST - NORMAL) if wanted >= NORMAL else (wanted - NORMAL) / (NORMAL - SLOWEST)
    return max(-100, min(100, round(100 * steps)))


def ssip_volume(volume: float, own: int = 100) -> int:
    """The queue's volume (1.0: as loud as the service had it, `own`; 0.5 half as loud) on the service's scale
    (-100 silent .. +100 loudest, linear in loudness)."""
    return max(-100, min(100, round((own + 100) * max(0.0, min(1.0, volume)) - 100)))


def primary(tag: str) -> str:
    """"en-US" -> "en"."""
    return tag.replace("_", "-").split("-")[0].lower()


class SpeechDispatcher:
    """A connection to Speech Dispatcher. Thread contract: that of `Speaker` (the speech thread only);
    `_event` runs on the bindings' reading thread and only puts into a queue."""

    name: ClassVar[str] = ENGINE

    @classmethod
    def is_available(cls) -> bool:
        """The bindings are installed, and the service runs for this user or can be started."""
        try:
            bindings()
        except SynthError:
            return False
        return running() or shutil.which("speech-dispatcher") is not None

    def __init__(self, voice: str = "", threads: int = 1) -> None:
        self._closing = False
        self._reader: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._events: queue.Queue[tuple[int, str]] = queue.Queue()
        self._current = -1  # the service's number for the piece being said
        self._sent: dict[str, object] = {}  # what the connection is set to: language, voice, priority, rate, volume
        self._languages: set[str] | None = None
        self._speechd = bindings()
        self.client = connect("speech", autospawn=True)  # the service is started if need be, as its clients do
        try:
            self._watch()
            # The service's own settings for this connection: what is said at 1.0, and in its language.
            self.own_rate, self.own_volume = int(self.client.get_rate()), int(self.client.get_volume())
            self.own_language = str(self.client.get_language() or "en")
            self.module = str(self.client.get_output_module() or "")
            if voice and voice not in {v.name for v in self.voices()}:
                raise SynthError(f"Speech Dispatcher has no voice named {voice!r}.")
        except SynthError:
            self.close()
            raise
        except Exception as exc:  # the service answered something else than its protocol
            self.close()
            raise SynthError(f"Speech Dispatcher did not answer as expected ({exc.__class__.__name__}).") from exc
        self.voice = voice
        self.voice_name = voice or self.module or ENGINE

    def _watch(self) -> None:
        """Every event goes to our queue: the bindings' own per-message callbacks are registered only after
        the message is sent, and lose an event that comes first. And should the connection break while a
        command waits for its answer, the bindings would wait for ever: a watcher gives that command an
        error answer instead, and the speech thread goes on."""
        connection = self.client._conn
        connection.set_callback(self._event)
        self._reader = getattr(connection, "_communication_thread", None)
        if self._reader is None or not hasattr(connection, "_ssip_reply_semaphore"):
            return  # other bindings than those this was written for: events still come; no watcher
        reader = self._reader

        def unblock() -> None:
            reader.join()
            if not self._closing:
                connection._com_buffer.append((599, "connection lost", ()))
                connection._ssip_reply_semaphore.release()

        self._watcher = threading.Thread(target=unblock, name="speechd-watch", daemon=True)
        self._watcher.start()

    def _event(self, message: int, client: int, kind: str, **_: object) -> None:
        self._events.put((message, kind))

    @property
    def alive(self) -> bool:
        return self.client is not None and (self._reader is None or self._reader.is_alive())

    def _command(self, method: str, *args: object) -> Any:
        """One command to the service; ServiceGone when it is no longer there to answer."""
        if not self.alive:
            raise ServiceGone("the connection to Speech Dispatcher is closed")
        try:
            return getattr(self.client, method)(*args)
        except (OSError, self._speechd.SSIPCommunicationError) as exc:
            raise ServiceGone(f"Speech Dispatcher went away ({exc})") from exc
        except self._speechd.SSIPResponseError as exc:
            if exc.code == 599 or not self.alive:  # the watcher's answer: the connection broke
                raise ServiceGone("Speech Dispatcher went away") from exc
            raise

    def _set(self, what: str, value: object, method: str) -> None:
        """Send a setting only when it changes: each is one round trip."""
        if self._sent.get(what) != value:
            self._command(method, value)
            self._sent[what] = value

    def speak(self, text: str, language: str, urgency: Urgency, rate: float, volume: float) -> None:
        own = primary(language) == primary(self.own_language)
        if self._sent.get("language") != (self.own_language if own else language):
            self._set("language", self.own_language if own else language, "set_language")
            self._sent.pop("voice", None)  # a language chooses its own voice
        if own and self.voice:
            self._set("voice", self.voice, "set_synthesis_voice")
        self._set("priority", urgency.value, "set_priority")
        self._set("rate", ssip_rate(rate, self.own_rate), "set_rate")
        self._set("volume", ssip_volume(volume, self.own_volume), "set_volume")
        result = self._command("speak", text)
        try:
            self._current = int(result[2][0])
        except (IndexError, TypeError, ValueError):  # no number given: no event can be told apart
            self._current = -1

    def wait(self, timeout: float) -> Heard | None:
        try:
            while True:
                message, kind = self._events.get(timeout=timeout)
                if message == self._current and kind in EVENTS:
                    return EVENTS[kind]
        except queue.Empty:
            if not self.alive:
                raise ServiceGone("the connection to Speech Dispatcher closed") from None
            return None

    def cancel(self) -> None:
        self._command("cancel")

    def speaks(self, language: str) -> bool:
        from assistant.speech.voices import speaks

        if self._languages is None:
            self._languages = {v.language for v in self.voices()}
        return any(speaks(tag, language) for tag in self._languages)

    def voices(self) -> list[VoiceInfo]:
        return listed_voices(self._command("list_synthesis_voices"), self.module)

    def close(self) -> None:
        """Close the connection (the service goes on for its other clients); more than once is harmless."""
        self._closing = True
        client, self.client = self.client if hasattr(self, "client") else None, None
        if client is not None:
            try:
                client.close()
            except Exception:  # a connection already broken has nothing left to close
                log.debug("Closing the Speech Dispatcher connection failed", exc_info=True)
        if self._watcher is not None:
            self._watcher.join(timeout=2)


@dataclass(frozen=True)
class Service:
    """What the running service would do for the assistant: its voice module, its language, how many voices."""

    module: str
    language: str
    voices: int


def service() -> Service | None:
    """The service running for this user, asked without starting it; None when it is not running or does not
    answer."""
    if not running():
        return None
    try:
        client = connect("check", autospawn=False)
    except SynthError:
        return None
    try:
        module = str(client.get_output_module() or "")
        return Service(module, str(client.get_language() or "?"), len(listed_voices(client.list_synthesis_voices(),
                                                                                    module)))
    except Exception as exc:  # it did not answer as the protocol says
        log.info("Speech Dispatcher did not answer: %s", exc)
        return None
    finally:
        client.close()


def service_voices() -> list[VoiceInfo]:
    """The service's voices when it is running for this user; none, without starting it, when it is not."""
    if not running():
        return []
    try:
        client = connect("voices", autospawn=False)
    except SynthError:
        return []
    try:
        return listed_voices(client.list_synthesis_voices(), str(client.get_output_module() or ""))
    except Exception as exc:  # it did not answer as the protocol says
        log.info("Speech Dispatcher's voices cannot be listed: %s", exc)
        return []
    finally:
        client.close()
