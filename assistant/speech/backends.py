"""The speech back-ends, in fallback order: name -> lazy "module:Class".

The CLI's choices, config validation, `assistant check` and the fallback in `load_synth` all read this
dict. To add a back-end, write a class with the `Synthesizer` protocol (`speech/synth.py`) and add one line.
"""

from __future__ import annotations

BACKENDS: dict[str, str] = {
    "piper": "assistant.speech.synth:PiperSynth",
    "system": "assistant.speech.synth:SystemSynth",
    "text": "assistant.speech.synth:TextSynth",  # the null back-end: always works, keep it last
}
