"""Voice commands: what the user says, heard and turned into a command.

microphone (push to talk, end of speech by voice-activity detection)  ->  recogniser (Silero VAD, then
Whisper base on CTranslate2)  ->  matcher (text -> command and its argument, in the user's language).

- `sound`: WAV files read in bounded memory, and any audio brought to 16 kHz mono.
- `vad`: Silero VAD (onnxruntime): where speech starts and ends, on a clip or as it is recorded.
- `features`: Whisper's log-mel spectrogram, in numpy.
- `recogniser`: `Recogniser.hear(audio, rate) -> Heard`: the words and the command in them.
- `phrases`, `matcher`: the commands, the words for them (from the catalogs), and the matching.
- `microphone`: `Microphone.record_until_silence()` over sounddevice (PortAudio).
- `models`: the names of the model files in the manifest (shared with the build).

Nothing heard is kept: audio lives in memory for one command; the log gets the command, never the words.
"""
