"""CLI handlers for the speech side: `say` and `voices`."""

from __future__ import annotations

import argparse
import codecs
import sys
from collections.abc import Iterable

from assistant import i18n
from assistant.app import open_speech
from assistant.config import Config
from assistant.i18n import N_, _
from assistant.paths import FileProblem
from assistant.speech.audio import NullSink
from assistant.speech.speaker import is_speaker
from assistant.speech.synth import VoiceInfo, voices_iter
from assistant.textout import plain
from assistant.transcript import print_utterance

NOTHING_PLAYED = N_("No sound card: nothing was played; use --wav FILE to keep the audio.")


def _texts(args: argparse.Namespace) -> tuple[list[tuple[int | None, str]], int]:
    """What to say: the words given, or (`-`) each line of standard input as a text of its own, numbered;
    and how many lines of it were not text (each said in one sentence on stderr, and skipped)."""
    if args.text != ["-"]:
        return [(None, " ".join(args.text))], 0
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text stream with no bytes beneath it
        return [(number, line.rstrip("\r\n")) for number, line in enumerate(sys.stdin, 1)], 0
    return _decoded_lines(raw, sys.stdin.encoding or "utf-8")


def _decoded_lines(raw: Iterable[bytes], encoding: str) -> tuple[list[tuple[int | None, str]], int]:
    """Each line of the byte stream `raw` in `encoding` (the terminal's, UTF-8 almost everywhere), numbered;
    a line that is not text in it is said in one sentence on stderr and skipped, never half read as escapes
    ("caf\\xe9") or ended in a traceback. The count of those skipped."""
    from assistant.i18n import _

    name = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
    lines: list[tuple[int | None, str]] = []
    skipped = 0
    for number, line in enumerate(raw, 1):
        try:
            lines.append((number, line.decode(encoding).rstrip("\r\n")))
        except UnicodeDecodeError as exc:
            skipped += 1
            print(_("Line {number} of the standard input is not {encoding} text (byte {byte}): it is not said.")
                  .format(number=number, encoding=name, byte=exc.start + 1), file=sys.stderr, flush=True)
    return lines, skipped


def dry_run(args: argparse.Namespace, config: Config) -> int:
    """The words each voice would be given, in pieces of one language; `--json`: one object a piece."""
    from assistant.app import open_voices
    from assistant.textout import json_line

    voices, _unused = open_voices(config, load=False)
    heard = voices.user
    texts, skipped = _texts(args)
    try:
        for number, text in texts:
            pieces = voices.plan(text, voices.user if args.voice else None)
            pieces, heard = voices.announced(pieces, heard)
            for piece in pieces:
                if args.json:
                    row = {"language": piece.language, "voice": piece.voice, "text": piece.text}
                    print(json_line(row if number is None else {**row, "line": number}))
                else:
                    for line in piece.text.splitlines():
                        print(plain(line))
    finally:
        voices.close()
    return 1 if skipped else 0


def cmd_say(args: argparse.Namespace, config: Config) -> int:
    from assistant.commands.files import output_problem
    from assistant.common import Kind

    if args.dry_run:  # the words the voice would say, nothing played
        return dry_run(args, config)
    if args.json:
        print(_("--json goes with --dry-run: what is said is printed as it is said."), file=sys.stderr)
        return 2
    problem = output_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    try:
        speech = open_speech(config, args.wav, on_start=print_utterance)
    except OSError as exc:  # the file changed since it was checked (or the disk is full)
        said = str(exc) if isinstance(exc, FileProblem) else _("{path} cannot be written ({reason}).").format(
            path=args.wav, reason=exc.strerror or exc)
        print(plain(f"--wav: {said}"), file=sys.stderr)
        return 1
    texts, skipped = _texts(args)
    try:
        for _number, text in texts:  # text read, in its own language; with --voice, all in that voice
            speech.say(text, kind=Kind.TEXT, language=speech.user_language if args.voice else None)
        if not speech.wait_idle(timeout=600):
            print(_("Speech did not finish in time."), file=sys.stderr)
            return 1
        if isinstance(speech.sink, NullSink) and not is_speaker(speech.synth):  # printed only: nothing was heard
            print(i18n._(NOTHING_PLAYED), file=sys.stderr)
    finally:
        try:
            speech.close()
        except OSError as exc:  # the last of the audio could not be written: the disk is full
            print(plain(_("{path} could not be written ({reason}).").format(path=args.wav, reason=exc.strerror or exc)),
                  file=sys.stderr)
            return 1  # noqa: B012 - the file is incomplete: that is the outcome to report
    return 1 if skipped else 0


def cmd_voices(args: argparse.Namespace, config: Config) -> int:
    """Every voice, grouped by language (the user's first), each group headed by its name and the voice that
    reads text in it; a row a voice: language, name, engine, its own language tag, quality, sample rate. The
    speech service's voices (engine speech-dispatcher) are among them when it runs (it is not started for this)."""
    from assistant.i18n import language
    from assistant.languages import BY_TAG, LANGUAGES
    from assistant.speech.speechd import service_voices
    from assistant.speech.voices import choose, language_name

    catalogue = list(voices_iter())
    groups: dict[str, list[VoiceInfo]] = {}
    for v in catalogue + service_voices():
        code = v.language.split(",")[0].strip().lower().replace("_", "-").split("-")[0] or "-"
        groups.setdefault(BY_TAG.get(code, code), []).append(v)
    user = language()
    print("language\tname\tengine\tvariant\tquality\tsample rate")
    for code in sorted(groups, key=lambda c: (c != user, c == "-", LANGUAGES[c].name if c in LANGUAGES else "~" + c)):
        choice = choose(code, config.speech.voices, catalogue) if code != "-" else None
        if code == "-":
            heading = _("Text only:")
        elif choice is not None:
            heading = _("{language} ({code}): {voice} reads it.").format(language=language_name(code), code=code,
                                                                          voice=choice.voice)
        else:
            heading = _("{language} ({code}):").format(language=language_name(code), code=code)
        print(plain(heading))
        for v in groups[code]:
            rate = f"{v.sample_rate} Hz" if v.sample_rate else "-"
            print("\t".join([code, plain(v.name), v.engine, plain(v.language), plain(v.quality), rate]))
    return 0
