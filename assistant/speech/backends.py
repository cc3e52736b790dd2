"""The speech back-ends, in fallback order: name -> lazy "module:Class".

The CLI's choices, config validation, `assistant check` and the fallback in `load_synth` all read this
dict. To add a back-end, write a class with the `Synthesizer` protocol (`speech/synth.py`) and add one line.
"""

from __future__ import annotations

from assistant.registry import Contract

BACKENDS: dict[str, str] = {
    "piper": "assistant.speech.synth:PiperSynth",
    "system": "assistant.speech.synth:SystemSynth",
    "text": "assistant.speech.synth:TextSynth",  # the null back-end: always works, keep it last
}

# What the speech queue needs of a voice; one without `is_available` counts as available (its constructor says
# when it cannot start), and one without `close` keeps nothing outside the process. What is said when one
# stands in for another is the announce layer's (`announce.notices.fallback_notice`, by the back-end's name).
CONTRACT = Contract("speech back-end", ("name", "sample_rate", "synthesize"),
                    {"is_available": lambda synth: lambda: True, "close": lambda synth: lambda: None})
