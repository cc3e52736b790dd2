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

from assistant import __version__, cliwords, exits, i18n, textout
from assistant.common import Mode
from assistant.config import Config, ConfigError, TomlValue, _read_toml, default_path, load, shown
from assistant.i18n import _, p_
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
    "listen": "assistant.commands.listen:cmd_listen",
    "say": "assistant.commands.speech:cmd_say",
    "voices": "assistant.commands.speech:cmd_voices",
    "models": "assistant.commands.models:cmd_models",
    "bench": "assistant.commands.bench:cmd_bench",
    "check": "assistant.commands.check:cmd_check",
    "config": "assistant.commands.config:cmd_config",
}


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # Sub-commands leave these unset unless given, so flags before the sub-command are not overwritten.
    count: int | str = 0 if top else argparse.SUPPRESS
    path: str | None = None if top else argparse.SUPPRESS
    parser.add_argument("-v", "--verbose", action="count", default=count, help=_("more logging on stderr"))
    parser.add_argument("-q", "--quiet", action="count", default=count, help=_("less logging on stderr"))
    parser.add_argument("--config", type=Path, default=path, metavar=p_("metavar", "FILE"),
                        help=_("config file (default: $XDG_CONFIG_HOME/assistant/config.toml)"))
    parser.add_argument("--language", type=language_code, default=path, metavar=p_("metavar", "CODE"),
                        help=_("your language (en, fr, de, es, ...): the assistant's own words and their voice "
                               "(default: the setting speech.language, else the system's)"))


def language_code(value: str) -> str:
    """`--language`: a language the assistant knows, or empty (the system's); argparse says any other is not
    one, with every choice (a code alone does not tell which language it is: each is named)."""
    from assistant.languages import LANGUAGES
    from assistant.speech.voices import language_name

    if value == "" or value in LANGUAGES:
        return value
    choices = ", ".join(f"{code} ({language_name(code)})" for code in LANGUAGES)
    raise argparse.ArgumentTypeError(_("{value} is not a language the assistant knows. Choose one of: "
                                       "{choices}.").format(value=shown(value), choices=choices))


def _source_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--camera", dest="source", metavar=p_("metavar", "SOURCE"),
                        help=_("camera index, video file or image folder"))
    parser.add_argument("--fps", type=float, help=_("replay rate for a video file or image folder"))
    parser.add_argument("--mode", choices=[m.value for m in Mode], help=_("start mode"))
    parser.add_argument("--wav", type=Path, metavar=p_("metavar", "FILE"),
                        help=_("write what would be played to this WAV file"))
    parser.add_argument("--wav-realtime", type=Path, metavar=p_("metavar", "FILE"),
                        help=_("record what a listener would hear, in real time, silences and stops included"))
    parser.add_argument("--transcript", type=Path, metavar=p_("metavar", "FILE"),
                        help=_("write one JSON line per utterance to this (new) file"))
    parser.add_argument("--append", action="store_true",
                        help=_("add to the --transcript file instead of starting anew"))
    parser.add_argument("--preview", action="store_true", help=_("show a preview window (keys work there too)"))
    parser.add_argument("--voice", metavar=p_("metavar", "VOICE"), help=_("voice name"))
    _voice_engine_args(parser)
    _ocr_engine_args(parser, deprecated_engine=False)
    parser.add_argument("--save-dir", type=Path, metavar=p_("metavar", "FOLDER"),
                        help=_("keep every page read in document mode here"))
    parser.add_argument("--max-seconds", type=float, metavar=p_("metavar", "SECONDS"),
                        help=_("stop after this many seconds"))
    parser.add_argument("--find", metavar=p_("metavar", "NAME"),
                        help=_("look for NAME from the start, as G does: a thing, a word, a code"))
    parser.add_argument("--listen", action="store_true", default=None,
                        help=_('listen all the time for voice commands said after "assistant" (without it: V, then '
                               'the command)'))


def _voice_engine_args(parser: argparse.ArgumentParser) -> None:
    from assistant.speech.backends import BACKENDS

    parser.add_argument("--voice-engine", choices=list(BACKENDS), help=_("first speech back-end to try"))
    parser.add_argument("--engine", choices=list(BACKENDS), dest="old_voice_engine", help=argparse.SUPPRESS)


def _ocr_engine_args(parser: argparse.ArgumentParser, deprecated_engine: bool) -> None:
    from assistant.vision.readers import READERS

    parser.add_argument("--ocr-engine", choices=list(READERS), help=_("OCR back-end"))
    if deprecated_engine:
        parser.add_argument("--engine", choices=list(READERS), dest="old_ocr_engine", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser, its help in the user's language (`i18n.use` first)."""
    parser = argparse.ArgumentParser(
        prog="assistant",
        description=_("Offline seeing assistant: says what the camera sees and reads text aloud."),
        epilog=_("While the live assistant runs (`assistant run`, `assistant demo`), press H to hear its keys and "
                 "Q to quit; the README lists the keys too."),
    )
    parser.add_argument("--version", action="version", version=f"assistant {__version__}",
                        help=_("show the version and exit"))
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar=p_("metavar", "COMMAND"))

    def add(name: str, help_text: str, epilog: str | None = None) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog)
        _common(p)
        return p

    keys = _("While it runs, press H to hear its keys and Q to quit; the README lists the keys too.")
    p = add("run", _("Run the live assistant on a camera."), keys)
    _source_args(p)
    p.add_argument("--demo-if-no-camera", action="store_true", help=_("run the demo when no camera opens"))
    p = add("demo", _("Run the live assistant on the built-in demo clip."), keys)
    _source_args(p)
    p = add("describe", _("Describe still images: objects, text and light."))
    _images(p)
    p.add_argument("--wav", type=Path, metavar=p_("metavar", "FILE"), help=_("also speak into this WAV file"))
    p.add_argument("--model", metavar=p_("metavar", "MODEL"), help=_("classifier model name"))
    p = add("classify", _("Classify images with the quantized classifier."))
    _images(p)
    p.add_argument("--top", type=int, default=5, metavar="N", help=_("how many labels per image"))
    p.add_argument("--model", metavar=p_("metavar", "MODEL"),
                   help=_("classifier model name (see `assistant models list`)"))
    for name, what in (("detect", _("Find people and everyday objects in images, and say where they are.")),
                       ("colour", _("Say the main colours in the middle of images.")),
                       ("codes", _("Read barcodes and QR codes in images.")),
                       ("read", _("Read the text in images aloud, in reading order."))):
        p = add(name, what)
        _images(p)
    p.add_argument("--document", action="store_true", help=_("find the page, straighten it, read it whole"))
    p.add_argument("--wav", type=Path, metavar=p_("metavar", "FILE"),
                   help=_("also speak what is read into this WAV file"))
    _ocr_engine_args(p, deprecated_engine=True)
    from assistant.commands.faces import add_parser

    add_parser(add("faces", _("Teach the faces of people to be named, list them, forget them.")))
    p = add("find", _("Find a thing, a word or a code in images: where it is (left to right, up and down, how "
                      "big)."))
    p.add_argument("name", metavar=p_("metavar", "name"),
                   help=_("what to look for: a thing (cup, phone, TV), code, a word, or text WORD; quote a name of "
                          "two words"))
    _images(p)
    from assistant.commands import listen

    listen.add_parser(add("listen", _("Hear the voice command in WAV files, as the assistant would hear it.")))
    p = add("say", _("Say text, each language in a voice of its own (or all in --voice)."))
    p.add_argument("text", nargs="+", metavar=p_("metavar", "text"),
                   help=_("the text; - reads standard input, each line a text of its own"))
    p.add_argument("--voice", metavar=p_("metavar", "VOICE"), help=_("voice name"))
    _voice_engine_args(p)
    p.add_argument("--rate", type=float, metavar=p_("metavar", "RATE"),
                   help=_("rate multiplier (e.g. 1.5) or words per minute (e.g. 180)"))
    p.add_argument("--wav", type=Path, metavar=p_("metavar", "FILE"),
                   help=_("write the audio to this WAV file instead of playing it"))
    p.add_argument("--dry-run", action="store_true", help=_("print the words the voice would say; play nothing"))
    p.add_argument("--json", action="store_true",
                   help=_("with --dry-run: one JSON object per piece, {language, voice, text} (and line, for -)"))
    add("voices", _("List the voices that can be used."))
    p = add("models", _("Build, list and verify the models."))
    _choice(p, "action", ["build", "list", "verify"], p_("metavar", "ACTION"))
    p.add_argument("--force", action="store_true", help=_("rebuild even when up to date"))
    from assistant.commands.bench import BENCHES

    p = add("bench", _("Benchmarks: ours against a baseline, side by side."))
    _choice(p, "what", list(BENCHES), p_("metavar", "BENCHMARK"))
    p.add_argument("--frames", type=int, default=0, metavar="N", help=_("frames or runs to time (0: the default)"))
    p.add_argument("images", nargs="*", type=Path, metavar=p_("metavar", "PATH"),
                   help=_("first-words: the photos to show, one after another; describe: a captions set "
                          "(default: coco-captions-dev)"))
    p.add_argument("--json", action="store_true", help=_("first-words, describe: the figures as JSON, last"))
    p = add("check", _("Check that everything the assistant needs is here."))
    p.add_argument("--no-camera", action="store_true", help=_("skip opening the camera"))
    p = add("config", _("Show the effective settings or where they are read from."))
    _choice(p, "action", ["show", "path"], p_("metavar", "ACTION"))
    return parser


def _choice(parser: argparse.ArgumentParser, dest: str, choices: list[str], metavar: str) -> None:
    """A positional naming one of `choices`, shown by `metavar` in the user's language (argparse names it by
    its metavar, else by its `dest`, an English word of the code, in its errors), the choices in its help."""
    parser.add_argument(dest, choices=choices, metavar=metavar, help=_("one of: {choices}").format(
        choices=", ".join(choices)))


def _images(parser: argparse.ArgumentParser) -> None:
    """The image files a command looks at, and its --json."""
    parser.add_argument("images", nargs="+", type=Path, metavar=p_("metavar", "images"))
    parser.add_argument("--json", action="store_true", help=_("one JSON object per image"))


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


def overrides_from(args: argparse.Namespace) -> dict[str, dict[str, TomlValue]]:
    """CLI flags that map onto settings, as a TOML-shaped dict."""
    mapping = {
        "language": ("speech", "language"),
        "source": ("camera", "source"),
        "fps": ("camera", "fps"),
        "mode": ("announce", "mode"),
        "voice": ("speech", "voice"),
        "model": ("vision", "model"),
        "listen": ("listen", "always"),
    }
    out: dict[str, dict[str, TomlValue]] = {}
    for attr, (section, key) in mapping.items():
        value = getattr(args, attr, None)
        if value is not None:
            out.setdefault(section, {})[key] = value
    rate = getattr(args, "rate", None)
    if rate is not None:  # `--rate 1.5` is a multiplier; `--rate 180` is words per minute (175 is normal speed)
        multiplier = rate / WORDS_PER_MINUTE if rate > RATE_BOUNDS[1] else rate
        if not RATE_BOUNDS[0] <= multiplier <= RATE_BOUNDS[1]:
            low, high = RATE_BOUNDS
            raise ConfigError(_("--rate {rate}: give a multiplier from {low} to {high} (1 is normal speed), or words "
                                "per minute from {slowest} to {fastest} ({normal} is normal speed).").format(
                rate=f"{rate:g}", low=f"{low:g}", high=f"{high:g}", slowest=f"{low * WORDS_PER_MINUTE:.0f}",
                fastest=f"{high * WORDS_PER_MINUTE:.0f}", normal=WORDS_PER_MINUTE))
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
    argv = sys.argv[1:] if argv is None else argv
    cliwords.speak_for_argparse()
    # Before the parser is built (its help and its errors are in it too), quietly: logging is not set up yet.
    first = first_language(argv)
    i18n.use(first, quiet=True)
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, args.quiet)
    if not args.command:
        parser.print_help()
        return 0
    try:
        config = load(args.config, overrides_from(args))
    except ConfigError as exc:
        print(_("Configuration error: {error}").format(error=exc), file=sys.stderr)
        return 2
    # The user's language, worked out once (`first`; a configured one is the same, checked now): said from
    # here on, and `i18n.language()` for everyone who needs it.
    i18n.use(config.speech.language or first)
    return resolve(args.command)(args, config)


def first_language(argv: list[str]) -> str:
    """The user's language before the command line is parsed (argparse speaks as it parses: help, errors):
    `--language` when it names a language, else the config file's `speech.language` (even when another of
    its settings is wrong: that error is then said in it), else the system's."""
    from assistant.languages import LANGUAGES, user_language

    flags = _flag_values(argv, ("--language", "--config"))
    if flags.get("--language") in LANGUAGES:
        return flags["--language"]
    try:
        speech = _read_toml(Path(flags["--config"]) if "--config" in flags else default_path()).get("speech")
    except ConfigError:  # no config file, or one that cannot be read: its error comes later, when it is loaded
        speech = None
    configured = speech.get("language") if isinstance(speech, dict) else None
    # Only a string can be a language's code (an array there is unhashable: its error comes when it is loaded).
    return user_language(configured if isinstance(configured, str) and configured in LANGUAGES else "")


def _flag_values(argv: list[str], names: tuple[str, ...]) -> dict[str, str]:
    """The last value of each of the options `names` in `argv`, as argparse will read it (`--name VALUE`,
    `--name=VALUE`, or a prefix of the name of four characters or more); nothing after `--`."""
    found: dict[str, str] = {}
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        flag, equals, value = arg.partition("=")
        name = next((n for n in names if len(flag) >= 4 and n.startswith(flag)), None)
        if name is None:
            continue
        if equals:
            found[name] = value
        elif i + 1 < len(argv):
            found[name] = argv[i + 1]
    return found
