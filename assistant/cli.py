"""Command line: parses arguments and hands each subcommand to its handler module.

What the assistant says goes to stdout, one utterance a line; logging goes to stderr.
Handlers are imported lazily so `assistant --help` stays fast and a broken back-end cannot stop the others.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import __version__, exits, i18n, textout
from assistant.common import Mode
from assistant.config import Config, ConfigError, load
from assistant.registry import load_class

log = logging.getLogger("assistant")
WORDS_PER_MINUTE = 175  # `--rate` above the largest multiplier is words per minute; this many is normal speed
RATE_BOUNDS = (0.25, 4.0)  # the multipliers `speech.rate` allows

# Subcommand name -> "module:function" that takes (args, config) and returns an exit status.
HANDLERS: dict[str, str] = {
    "run": "assistant.commands.live:cmd_run",
    "demo": "assistant.commands.live:cmd_demo",
    "describe": "assistant.commands.live:cmd_describe",
    "classify": "assistant.commands.vision:cmd_classify",
    "read": "assistant.commands.vision:cmd_read",
    "detect": "assistant.commands.vision:cmd_detect",
    "colour": "assistant.commands.vision:cmd_colour",
    "codes": "assistant.commands.vision:cmd_codes",
    "faces": "assistant.commands.faces:cmd_faces",
    "find": "assistant.commands.find:cmd_find",
    "say": "assistant.commands.speech:cmd_say",
    "voices": "assistant.commands.speech:cmd_voices",
    "models": "assistant.commands.models:cmd_models",
    "bench": "assistant.commands.bench:cmd_bench",
    "check": "assistant.commands.check:cmd_check",
    "config": "assistant.commands.config:cmd_config",
}


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # Sub-commands leave these unset unless given, so flags before the sub-command are not overwritten.
    count: Any = 0 if top else argparse.SUPPRESS
    path: Any = None if top else argparse.SUPPRESS
    parser.add_argument("-v", "--verbose", action="count", default=count, help="more logging on stderr")
    parser.add_argument("-q", "--quiet", action="count", default=count, help="less logging on stderr")
    parser.add_argument("--config", type=Path, default=path,
                        help="config file (default: $XDG_CONFIG_HOME/assistant/config.toml)")
    parser.add_argument("--language", default=path, metavar="CODE",
                        help="your language (en, fr, de, es, ...): the assistant's own words and their voice "
                             "(default: the setting speech.language, else the system's)")


def _source_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--camera", dest="source", help="camera index, video file or image folder")
    parser.add_argument("--fps", type=float, help="replay rate for a video file or image folder")
    parser.add_argument("--mode", choices=[m.value for m in Mode], help="start mode")
    parser.add_argument("--wav", type=Path, help="write what would be played to this WAV file")
    parser.add_argument("--wav-realtime", type=Path,
                        help="record what a listener would hear, in real time, silences and stops included")
    parser.add_argument("--transcript", type=Path, help="write one JSON line per utterance to this (new) file")
    parser.add_argument("--append", action="store_true", help="add to the --transcript file instead of starting anew")
    parser.add_argument("--preview", action="store_true", help="show a preview window (keys work there too)")
    parser.add_argument("--voice", help="voice name")
    _voice_engine_args(parser)
    _ocr_engine_args(parser, deprecated_engine=False)
    parser.add_argument("--save-dir", type=Path, help="keep every page read in document mode here")
    parser.add_argument("--max-seconds", type=float, help="stop after this many seconds")
    parser.add_argument("--find", metavar="NAME", help="look for NAME from the start, as G does: a thing, a word, "
                                                       "a code")


def _voice_engine_args(parser: argparse.ArgumentParser) -> None:
    from assistant.speech.backends import BACKENDS

    parser.add_argument("--voice-engine", choices=list(BACKENDS), help="first speech back-end to try")
    parser.add_argument("--engine", choices=list(BACKENDS), dest="old_voice_engine", help=argparse.SUPPRESS)


def _ocr_engine_args(parser: argparse.ArgumentParser, deprecated_engine: bool) -> None:
    from assistant.vision.readers import READERS

    parser.add_argument("--ocr-engine", choices=list(READERS), help="OCR back-end")
    if deprecated_engine:
        parser.add_argument("--engine", choices=list(READERS), dest="old_ocr_engine", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Offline seeing assistant: says what the camera sees and reads text aloud.",
    )
    parser.add_argument("--version", action="version", version=f"assistant {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p)
        return p

    p = add("run", "Run the live assistant on a camera.")
    _source_args(p)
    p.add_argument("--demo-if-no-camera", action="store_true", help="run the demo when no camera opens")
    p = add("demo", "Run the live assistant on the built-in demo clip.")
    _source_args(p)
    p = add("describe", "Describe still images: objects, text and light.")
    p.add_argument("images", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object per image")
    p.add_argument("--wav", type=Path, help="also speak into this WAV file")
    p.add_argument("--model", help="classifier model name")
    p = add("classify", "Classify images with the quantized classifier.")
    p.add_argument("images", nargs="+", type=Path)
    p.add_argument("--top", type=int, default=5, help="how many labels per image")
    p.add_argument("--model", help="classifier model name (see `assistant models list`)")
    p.add_argument("--json", action="store_true", help="one JSON object per image")
    for name, what in (("detect", "Find people and everyday objects in images, and say where they are."),
                       ("colour", "Say the main colours in the middle of images."),
                       ("codes", "Read barcodes and QR codes in images."),
                       ("read", "Read the text in images aloud, in reading order.")):
        p = add(name, what)
        p.add_argument("images", nargs="+", type=Path)
        p.add_argument("--json", action="store_true", help="one JSON object per image")
    p.add_argument("--document", action="store_true", help="find the page, straighten it, read it whole")
    _ocr_engine_args(p, deprecated_engine=True)
    from assistant.commands.faces import add_parser

    add_parser(add("faces", "Teach the faces of people to be named, list them, forget them."))
    p = add("find", "Find a thing, a word or a code in images: where it is (left to right, up and down, how big).")
    p.add_argument("name", help="what to look for: a thing (cup, phone, TV), code, a word, or text WORD; quote "
                                "a name of two words")
    p.add_argument("images", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object per image")
    p = add("say", "Say text, each language in a voice of its own (or all in --voice).")
    p.add_argument("text", nargs="+", help="the text; - reads standard input, each line a text of its own")
    p.add_argument("--voice", help="voice name")
    _voice_engine_args(p)
    p.add_argument("--rate", type=float, help="rate multiplier (e.g. 1.5) or words per minute (e.g. 180)")
    p.add_argument("--wav", type=Path, help="write the audio to this WAV file instead of playing it")
    p.add_argument("--dry-run", action="store_true", help="print the words the voice would say; play nothing")
    p.add_argument("--json", action="store_true",
                   help="with --dry-run: one JSON object per piece, {language, voice, text} (and line, for -)")
    add("voices", "List the voices that can be used.")
    p = add("models", "Build, list and verify the models.")
    p.add_argument("action", choices=["build", "list", "verify"])
    p.add_argument("--force", action="store_true", help="rebuild even when up to date")
    from assistant.commands.bench import BENCHES

    p = add("bench", "Benchmarks: ours against a baseline, side by side.")
    p.add_argument("what", choices=list(BENCHES))
    p.add_argument("folder", nargs="?", type=Path, help="describe: a captions set (default: coco-captions-dev)")
    p.add_argument("--frames", type=int, default=0, help="frames or runs to time (0: the default)")
    p.add_argument("--json", action="store_true", help="describe: the figures as one JSON object")
    p = add("check", "Check that everything the assistant needs is here.")
    p.add_argument("--no-camera", action="store_true", help="skip opening the camera")
    p = add("config", "Show the effective settings or where they are read from.")
    p.add_argument("action", choices=["show", "path"])
    return parser


def setup_logging(verbose: int, quiet: int) -> None:
    """Warnings and errors by default (standard error is not what the screen reader should be reading);
    `-v` adds what is going on, `-vv` everything."""
    level = logging.WARNING + 10 * (quiet - verbose)
    logging.basicConfig(
        level=max(logging.DEBUG, min(level, logging.CRITICAL)),
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(_as_itself)


def _as_itself(record: logging.LogRecord) -> bool:
    """A log line shows outside text (file names, read text) only as itself: one line, nothing a terminal
    obeys (a traceback keeps its own line breaks: it is ours)."""
    record.msg, record.args = textout.plain(record.getMessage()), None
    return True


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """CLI flags that map onto settings, as a TOML-shaped dict."""
    mapping = {
        "language": ("speech", "language"),
        "source": ("camera", "source"),
        "fps": ("camera", "fps"),
        "mode": ("announce", "mode"),
        "voice": ("speech", "voice"),
        "model": ("vision", "model"),
    }
    out: dict[str, dict[str, Any]] = {}
    for attr, (section, key) in mapping.items():
        value = getattr(args, attr, None)
        if value is not None:
            out.setdefault(section, {})[key] = value
    rate = getattr(args, "rate", None)
    if rate is not None:  # `--rate 1.5` is a multiplier; `--rate 180` is words per minute (175 is normal speed)
        multiplier = rate / WORDS_PER_MINUTE if rate > RATE_BOUNDS[1] else rate
        if not RATE_BOUNDS[0] <= multiplier <= RATE_BOUNDS[1]:
            low, high = RATE_BOUNDS
            raise ConfigError(f"--rate {rate:g}: give a multiplier from {low:g} to {high:g} (1 is normal speed), or "
                              f"words per minute from {low * WORDS_PER_MINUTE:.0f} to {high * WORDS_PER_MINUTE:.0f} "
                              f"({WORDS_PER_MINUTE} is normal speed).")
        out.setdefault("speech", {})["rate"] = multiplier
    for old, new, section, key in (("old_voice_engine", "voice_engine", "speech", "engine"),
                                   ("old_ocr_engine", "ocr_engine", "vision", "ocr_engine")):
        value = getattr(args, new, None)
        if value is None and getattr(args, old, None) is not None:
            value = getattr(args, old)
            log.warning("--engine is deprecated: use --%s.", new.replace("_", "-"))
        if value is not None:
            out.setdefault(section, {})[key] = value
    return out


def resolve(command: str) -> Callable[[argparse.Namespace, Config], int]:
    return load_class(HANDLERS[command])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """The command line; the exit status. Ctrl+C, SIGTERM and SIGHUP end it through every `finally` (130,
    143, 129); a closed standard output ends it quietly (141)."""
    from assistant import memory

    memory.limit_arenas()  # before any thread starts: see assistant/memory.py
    exits.reset()
    try:
        with exits.signals_raise():
            status = _run(argv)
            sys.stdout.flush()
    except KeyboardInterrupt:
        return 130
    except exits.Terminated as signal:
        return signal.status
    except BrokenPipeError:
        exits.close_stdout()
        return exits.SIGPIPE_STATUS
    return exits.SIGPIPE_STATUS if exits.stdout_closed() else status


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, args.quiet)
    if not args.command:
        parser.print_help()
        return 0
    try:
        config = load(args.config, overrides_from(args))
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    from assistant.speech.voices import user_language

    i18n.use(user_language(config.speech.language))  # the assistant's own words, from here on
    return resolve(args.command)(args, config)
