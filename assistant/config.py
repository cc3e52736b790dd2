"""Settings: frozen dataclasses with code defaults, then a TOML file, then CLI flags.

Each field carries a one-line doc in its metadata; `assistant config show` prints them as TOML comments.
An unknown key or a value of the wrong type is a `ConfigError` that names the key and the file. The file is
read only when it is a regular file of bounded size; a value is shown in a message only shortened, and
`config show` escapes every character a terminal would obey, so what it prints is valid TOML.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import sys
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, TypeVar, get_type_hints

from assistant import i18n
from assistant.i18n import _
from assistant.paths import FileProblem, read_limited, xdg_base
from assistant.textout import FORMAT_CHARACTERS, SURROGATES, plain
from assistant.vision.confidence import PROBABLY, SURE

if TYPE_CHECKING:
    import datetime

    from _typeshed import DataclassInstance

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib


MAX_CONFIG_BYTES = 1_000_000  # a config file is a few hundred bytes; larger ones are refused unread
MAX_SHOWN = 60  # characters of a wrong value shown in a message

T = TypeVar("T")
Section = TypeVar("Section", bound="DataclassInstance")
# A value as a TOML file (or a flag, as `cli.overrides_from` puts it) gives it, before it is checked.
TomlValue: TypeAlias = ("str | int | float | bool | datetime.datetime | datetime.date | datetime.time"
                        " | list[TomlValue] | dict[str, TomlValue]")


class ConfigError(ValueError):
    """A configuration file or flag that cannot be used; the message names the key and the file. The file's
    name and its values are outside text: the message shows them only as themselves, on one line."""

    def __str__(self) -> str:
        return plain(super().__str__())


def shown(value: object) -> str:
    """A wrong value as a message shows it: short, whatever it is (a number of 5,000 digits, a string of a
    megabyte, an array nested a thousand deep)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 64:  # repr would fail past 4,300 digits
        return _("a number of about {n} digits").format(n=int(value.bit_length() * 0.30103))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value[:MAX_SHOWN]) + ("…" if len(value) > MAX_SHOWN else "")
    if isinstance(value, list):
        return _("an array")
    return _("a table") if isinstance(value, dict) else _("a value of type {type}").format(type=type(value).__name__)


def setting(default: T, doc: str, choices: Callable[[], Iterable[str]] | None = None,
            bounds: tuple[float, float] | None = None, keys: Callable[[], Iterable[str]] | None = None) -> T:
    """A dataclass field with a one-line doc; `choices` lists the allowed values of a setting that names
    a choice (read lazily from its registry or enum, so listing them costs nothing until a value is set);
    `bounds` is the range a number must lie in (both ends allowed); `keys`, the keys a table may have."""
    metadata = {"doc": doc, "choices": choices, "bounds": bounds, "keys": keys}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _modes() -> list[str]:
    from assistant.common import Mode

    return [m.value for m in Mode]


def _guidance_styles() -> list[str]:
    from assistant.common import GuidanceStyle

    return [g.value for g in GuidanceStyle]


def _speech_engines() -> list[str]:
    from assistant.speech.backends import BACKENDS

    return list(BACKENDS)


def _ocr_engines() -> list[str]:
    from assistant.vision.readers import READERS

    return list(READERS)


def _ocr_models() -> list[str]:
    from assistant.vision.ocr import OCR_MODELS

    return list(OCR_MODELS)


def _voices() -> list[str]:
    """Every voice, by its name or by its language tag ("French (France)" or "fr-fr"; "fr" where one has it);
    the speech service's too, when it runs."""
    from assistant.speech.speechd import service_voices
    from assistant.speech.synth import voices_iter

    voices = list(voices_iter()) + service_voices()
    return [""] + [v.name for v in voices] + sorted({t for v in voices for t in v.language.split(",") if t})


def _languages() -> list[str]:
    return ["", *_language_codes()]


def _language_codes() -> list[str]:
    from assistant.languages import LANGUAGES

    return list(LANGUAGES)


@dataclass(frozen=True)
class CameraConfig:
    """Where frames come from."""

    source: str = setting("0", "Camera index, video file or folder of images.")
    fps: float = setting(0.0, "Frames per second when replaying a video file (0: the video's own rate) or a folder "
                              "of images (0: 10).", bounds=(0, 120))
    width: int = setting(640, "Requested capture width in pixels.", bounds=(16, 7680))
    height: int = setting(480, "Requested capture height in pixels.", bounds=(16, 4320))
    reopen_seconds: float = setting(2.0, "Seconds between attempts to reopen a lost camera.", bounds=(0.1, 60))


@dataclass(frozen=True)
class VisionConfig:
    """Classifier and OCR settings."""

    model: str = setting("lite0-int8", "Classifier model name from models/manifest.toml.")
    threads: int = setting(1, "Threads for each onnxruntime session.", bounds=(1, 64))
    classify_rate: float = setting(10.0, "Classifications per second in the live loop.", bounds=(0.1, 60))
    ocr_rate: float = setting(2.0, "OCR runs per second in the live loop.", bounds=(0.1, 30))
    detect_rate: float = setting(5.0, "People-and-objects detections per second in the live loop.", bounds=(0.1, 30))
    coco_rate: float = setting(1.0, "Most runs a second of the COCO detector in the live loop (when the view changes).",
                               bounds=(0.1, 10))
    coco_refresh: float = setting(3.0, "Seconds between COCO detector runs on a still view.", bounds=(0.5, 60))
    ocr_engine: str = setting("rapid", "OCR back-end: rapid (PP-OCR on onnxruntime) or easyocr.", _ocr_engines)
    ocr_min_score: float = setting(0.5, "Text fragments read with lower confidence than this are dropped.",
                                   bounds=(0, 1))
    ocr_max_side: int = setting(960, "Longest image side given to text detection, in pixels.", bounds=(160, 8192))
    ocr_live_model: str = setting("ppocrv6-tiny", "Text models for the live camera and describe (fast).",
                                  _ocr_models)
    ocr_read_model: str = setting("ppocrv6-small", "Text models for R, `read` and document mode (accurate).",
                                  _ocr_models)


@dataclass(frozen=True)
class AnnounceConfig:
    """When and how things are said."""

    mode: str = setting("both", "Start mode: " + ", ".join(_modes()) + ".", _modes)
    enter_score: float = setting(PROBABLY, "A label's score must reach this to count as a hit; below it nothing is "
                                 "said (calibrated: see `assistant bench calibration`).",
                                 bounds=(0, 1))
    exit_score: float = setting(0.5, "A label below this counts as gone.", bounds=(0, 1))
    sure_score: float = setting(SURE, "At or above this a label is said plainly; below it, 'probably'.", bounds=(0, 1))
    hits_needed: int = setting(3, "Frames with a label needed within `window` seconds (fewer at a low frame rate, "
                               "never under two) before it is said.", bounds=(1, 100))
    window: float = setting(1.5, "Seconds looked back for the hits; half the frames in it must have the label.",
                            bounds=(0.1, 10))
    absent_seconds: float = setting(2.0, "Seconds below the exit score before a label counts as gone.",
                                    bounds=(0, 3600))
    cooldown_seconds: float = setting(15.0, "Seconds a label must be gone before it is said again.", bounds=(0, 86400))
    text_repeat_seconds: float = setting(20.0, "Seconds a line of text must be gone before it is read again.",
                                         bounds=(0, 86400))
    text_lines: int = setting(3, "Lines of live text read at once; more are counted, and R reads them all.",
                              bounds=(1, 100))
    guidance: str = setting("speech", "Framing guidance as speech, tones, or off.", _guidance_styles)
    positions: str = setting("thirds", "Where things are: thirds (left, ahead, right) or clock (10 to 2 o'clock).",
                             lambda: ["thirds", "clock"])
    say_gone: bool = setting(False, "Say when a person or thing that was announced has gone.")


@dataclass(frozen=True)
class SpeechConfig:
    """Voices and audio."""

    engine: str = setting("piper", "First speech back-end to try: piper (the neural voice), system, text, or "
                          "speech-dispatcher (the desktop's speech service, which screen readers speak through).",
                          _speech_engines)
    voice: str = setting("", "Voice name; empty means the engine's default voice.", _voices)
    language: str = setting("", "Your language, as a two-letter code (en, fr, de, es, ...): the assistant's own "
                            "words, spoken and printed, and the voice for them; empty: the system's (LANG).",
                            _languages)
    voices: dict[str, str] = setting({}, "A voice for each language text is read in, by name or language tag, "
                                     "e.g. fr = \"fr-fr\" or de = \"German\" (see `assistant voices`); a language "
                                     "not listed gets the first voice that speaks it.", _voices,
                                     keys=_language_codes)
    rate: float = setting(1.0, "Speaking rate as a multiplier of the voice's normal speed.", bounds=(0.25, 4))
    volume: float = setting(1.0, "Volume from 0.0 to 1.0.", bounds=(0, 1))
    earcons: bool = setting(True, "Play short tones for mode changes, a lost camera, and a new person, thing or text "
                            "just before its words.")
    stale_seconds: float = setting(4.0, "Queued normal-priority speech older than this is dropped.", bounds=(0.1, 600))


@dataclass(frozen=True)
class ListenConfig:
    """Voice commands."""

    always: bool = setting(False, "Listen all the time for voice commands said after the wake word \"assistant\" "
                           "(\"assistant, read this\"); else only after V.")


@dataclass(frozen=True)
class Config:
    """All settings."""

    camera: CameraConfig = field(default_factory=CameraConfig)
    vision: VisionConfig = field(default_factory=VisionConfig)
    announce: AnnounceConfig = field(default_factory=AnnounceConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    listen: ListenConfig = field(default_factory=ListenConfig)


def default_path() -> Path:
    """Where the config file is read from when `--config` is not given."""
    return xdg_base("XDG_CONFIG_HOME", ".config") / "assistant" / "config.toml"


def _coerce(value: TomlValue, kind: object, where: str) -> TomlValue:
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:  # an integer of 400 digits
                raise ConfigError(_("{where}: {value} is out of range").format(where=where, value=shown(value))) \
                    from None
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind is str:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
    elif typing.get_origin(kind) is dict:  # a table of names: [speech.voices] fr = "fr"
        if isinstance(value, dict):
            return {str(_coerce(k, str, where)): _coerce(v, str, f"{where}.{k}") for k, v in value.items()}
        kind = dict
    type_name = getattr(kind, "__name__", str(kind))
    raise ConfigError(_("{where}: expected {expected}, got {type} {value}").format(
        where=where, expected=type_name, type=type(value).__name__, value=shown(value)))


def _check_choice(value: TomlValue, choices: Callable[[], Iterable[str]] | None, where: str) -> None:
    if choices is None:
        return
    if isinstance(value, dict):  # a table: each of its values is one of the choices
        for key, item in value.items():
            _check_choice(item, choices, f"{where}.{key}")
        return
    allowed = list(choices())
    if value not in allowed:
        named = [a for a in allowed if a]
        wanted = str(value).lower()[:200]  # a longer value is close to no name (and difflib is quadratic)
        close = [a for a in named if wanted and wanted in a.lower()]  # 'joe' -> 'en_US-joe-medium'
        close += [a for a in difflib.get_close_matches(wanted, named, n=5) if a not in close] \
            if len(str(value)) <= 200 else []
        if len(allowed) <= 12:
            message, listed = _("{where}: {value} is not a choice (allowed: {choices})"), allowed
        elif close:
            message, listed = _("{where}: {value} is not a choice (close names: {choices})"), close[:5]
        else:
            raise ConfigError(_("{where}: {value} is not a choice (none is close; {n} to choose from)").format(
                where=where, value=shown(value), n=len(named)))
        raise ConfigError(message.format(where=where, value=shown(value), choices=", ".join(repr(a) for a in listed)))


def _check_keys(value: TomlValue, keys: Callable[[], Iterable[str]] | None, where: str) -> None:
    """Each key of the table `value` is one of `keys` (a language's code in [speech.voices]): a key that is
    not would be kept and never used, without a word."""
    if keys is None or not isinstance(value, dict):
        return
    allowed = list(keys())
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(str(key).lower()[:200], allowed, n=1) if len(str(key)) <= 200 else []
            said = (_("{where}: {key} is not a language code the assistant knows (close: {close}; the keys here "
                      "are two-letter codes: {codes})") if close else
                    _("{where}: {key} is not a language code the assistant knows (the keys here are two-letter "
                      "codes: {codes})"))
            raise ConfigError(said.format(where=where, key=shown(key), close=repr(close[0]) if close else "",
                                          codes=", ".join(allowed)))


def _check_bounds(value: TomlValue, bounds: tuple[float, float] | None, where: str) -> None:
    if bounds is None:
        return
    low, high = bounds
    if not (isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high):
        raise ConfigError(_("{where}: {value} is out of range (from {low} to {high})").format(
            where=where, value=shown(value), low=f"{low:g}", high=f"{high:g}"))


def _merge(section: Section, values: Mapping[str, TomlValue], where: str) -> Section:
    hints = get_type_hints(type(section))
    fields = {f.name: f for f in dataclasses.fields(section)}
    changes: dict[str, TomlValue] = {}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(_("{where}: unknown key").format(where=f"{where}.{key}"))
        changes[key] = _coerce(value, hints[key], f"{where}.{key}")
        _check_keys(changes[key], fields[key].metadata.get("keys"), f"{where}.{key}")
        _check_choice(changes[key], fields[key].metadata.get("choices"), f"{where}.{key}")
        _check_bounds(changes[key], fields[key].metadata.get("bounds"), f"{where}.{key}")
    return _replaced(section, changes)


def _replaced(section: Section, changes: Mapping[str, object]) -> Section:
    """`dataclasses.replace`, with values already checked against the fields they go to."""
    return dataclasses.replace(section, **changes)


def apply(config: Config, data: Mapping[str, TomlValue], source: str) -> Config:
    """Return `config` with the values of a TOML-shaped dict laid over it."""
    sections: dict[str, object] = {}
    for name, values in data.items():
        if name not in {f.name for f in dataclasses.fields(config)}:
            raise ConfigError(_("{source}: unknown section [{name}]").format(source=source, name=name))
        if not isinstance(values, dict):
            raise ConfigError(_("{source}: [{name}] must be a table").format(source=source, name=name))
        sections[name] = _merge(getattr(config, name), values, f"{source}: {name}")
    return _replaced(config, sections)


def load(path: Path | None = None, overrides: Mapping[str, TomlValue] | None = None) -> Config:
    """Code defaults, then the TOML file (if it exists, or if named), then CLI overrides."""
    config = Config()
    named = path is not None
    path = path or default_path()
    if path.exists() or path.is_symlink():
        if path.is_dir():
            raise ConfigError(_("{path} is a folder: the config must be a TOML file").format(path=path))
        config = apply(config, _read_toml(path), str(path))
    elif named:
        raise ConfigError(_("{path}: no such config file").format(path=path))
    if overrides:
        config = apply(config, overrides, _("command line"))
    return config


def _read_toml(path: Path) -> dict[str, TomlValue]:
    """The TOML file at `path`: a regular file of at most `MAX_CONFIG_BYTES` (a FIFO, a device or a link to
    /dev/zero is refused unread), UTF-8, not nested deeper than the parser can go."""
    try:
        # utf-8-sig: a byte-order mark, which some editors put first (Windows Notepad), is not part of the TOML
        text = read_limited(path, MAX_CONFIG_BYTES).decode("utf-8-sig")
        return tomllib.loads(text)
    except FileProblem as exc:
        raise ConfigError(str(exc).rstrip(".")) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(_("{path}: not UTF-8 text (byte {n}); save it as UTF-8").format(path=path, n=exc.start)) \
            from exc
    except RecursionError as exc:
        raise ConfigError(_("{path}: not valid TOML: nested too deeply").format(path=path)) from exc
    except ValueError as exc:  # TOMLDecodeError, or an integer too long to read
        raise ConfigError(_toml_problem(path, exc)) from exc


def _toml_problem(path: Path, exc: ValueError) -> str:
    """What is wrong with a TOML file, in one sentence. The parser says it in English: in English its words
    are kept; in another language only where it is (line and column), the parser's words being English."""
    if i18n.language() == "en":
        return _("{path}: not valid TOML: {reason}").format(path=path, reason=str(exc)[:200])
    place = re.search(r"at line (\d+), column (\d+)", str(exc))
    if place is None:
        return _("{path}: not valid TOML").format(path=path)
    return _("{path}: not valid TOML at line {line}, column {column}").format(path=path, line=place[1],
                                                                              column=place[2])


# A TOML basic string escapes what it cannot hold raw; what a terminal obeys or hides is escaped too.
_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_TOML_UNSAFE = re.compile(f'[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029{FORMAT_CHARACTERS}]')


def _toml_escape(m: re.Match[str]) -> str:
    ch = m.group()
    return _TOML_ESCAPES.get(ch) or (f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = SURROGATES.sub("\ufffd", str(value))  # a command-line value that was not UTF-8
    return '"' + _TOML_UNSAFE.sub(_toml_escape, text) + '"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def to_toml(config: Config) -> str:
    """The effective settings as TOML, each key preceded by its doc as a comment."""
    lines: list[str] = []
    for section in dataclasses.fields(config):
        value = getattr(config, section.name)
        lines.append(f"[{section.name}]")
        tables = [item for item in dataclasses.fields(value) if isinstance(getattr(value, item.name), dict)]
        for item in dataclasses.fields(value):
            if item not in tables:
                lines.append(f"# {item.metadata.get('doc', '')}")
                lines.append(f"{item.name} = {_toml_value(getattr(value, item.name))}")
        for item in tables:  # TOML: a section's tables come after its keys
            lines.append(f"# {item.metadata.get('doc', '')}")
            lines.append(f"[{section.name}.{item.name}]")
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in getattr(value, item.name).items()]
        lines.append("")
    return "\n".join(lines)
