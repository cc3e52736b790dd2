"""The speech back-ends, in fallback order: name -> lazy "module:Class".

The CLI's choices, config validation, `assistant check` and the fallback in `load_synth` all read this
dict. To add a back-end, write a class with the `Synthesizer` protocol (`speech/synth.py`: it gives samples
that the queue plays) or the `Speaker` protocol (`speech/speaker.py`: it speaks itself, as a speech service
does) and add one line.
"""

from __future__ import annotations

from assistant.registry import Contract

BACKENDS: dict[str, str] = {
    # The desktop's speech service, when the user asks for it: first, so that when it cannot be reached the
    # assistant's own voices stand in, in their order.
    "speech-dispatcher": "assistant.speech.speechd:SpeechDispatcher",
    "piper": "assistant.speech.synth:PiperSynth",
    "system": "assistant.speech.synth:SystemSynth",
    "text": "assistant.speech.synth:TextSynth",  # the null back-end: always works, keep it last
}
# The back-ends that speak themselves (`Speaker`s): a service with a voice of its own for each language.
SERVICES = frozenset({"speech-dispatcher"})

# What the speech queue needs of a voice; one without `is_available` counts as available (its constructor says
# when it cannot start), and one without `close` keeps nothing outside the process. What is said when one
# stands in for another is the announce layer's (`announce.notices.fallback_notice`, by the back-end's name).
CONTRACT = Contract("speech back-end", ("name", "sample_rate", "synthesize"),
                    {"is_available": lambda synth: lambda: True, "close": lambda synth: lambda: None})

# What it needs of a back-end that speaks itself; one without `speaks` is taken to speak every language.
SPEAKER = Contract("speaking back-end", ("name", "speak", "wait", "cancel"),
                   {"is_available": lambda speaker: lambda: True, "close": lambda speaker: lambda: None,
                    "speaks": lambda speaker: lambda language: True})


def contract_of(entry: object) -> Contract:
    """The contract a back-end (class or instance) is held to: a speaker's when it has `speak` (as
    `speaker.is_speaker` tells, which this registry cannot import: the speaker imports the synthesizers, which
    read this registry), else a synthesizer's."""
    return SPEAKER if callable(getattr(entry, "speak", None)) else CONTRACT


def after(name: str) -> str:
    """The back-end that stands in when `name` cannot speak: the next one in `BACKENDS` (`text` is last)."""
    names = list(BACKENDS)
    return names[min(names.index(name) + 1, len(names) - 1)] if name in names else "text"
