"""Audio in: WAV files read in bounded memory, and any audio brought to the recogniser's 16 kHz mono.

A WAV file is parsed by hand, left to right, with every field checked before any sample is decoded: its
size (read with `read_limited`), channels, rate, sample format and length all come from the header, so a
few bytes cannot declare hours of audio. PCM at 8, 16, 24 or 32 bits and IEEE float at 32 or 64 bits,
plain or WAVE_FORMAT_EXTENSIBLE, are read; anything else is refused in one sentence (`SoundError`).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from assistant.i18n import _
from assistant.paths import FileProblem, read_limited

RATE = 16_000  # what the recogniser and the voice-activity detector take
MAX_SECONDS = 30.0  # a command is a few seconds; Whisper hears 30 s at most
MAX_BYTES = 48_000_000  # 30 s of 8 channels of 24-bit audio at 48 kHz is 35 MB
MAX_CHANNELS = 8
RATES = (8_000, 192_000)  # the sample rates accepted, inclusive
MAX_CHUNKS = 1_000  # RIFF chunks looked at before the audio must have been found
PCM, FLOAT, EXTENSIBLE = 1, 3, 0xFFFE


class SoundError(ValueError):
    """Audio that cannot be used; the message says why in one sentence."""


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """The samples of a WAV file as float32 mono in [-1, 1] (channels averaged), and its sample rate."""
    try:
        data = read_limited(path, MAX_BYTES)
    except FileProblem as exc:
        raise SoundError(str(exc)) from exc
    return parse_wav(data, str(path))


def parse_wav(data: bytes, name: str = "") -> tuple[np.ndarray, int]:
    """`read_wav` on the bytes of a file (`name` says which in the error; "" for audio that is no file)."""
    name = name or _("The audio")
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SoundError(_("{name} is not a WAV file.").format(name=name))
    fmt: tuple[int, int, int, int, int] | None = None
    offset = 12
    for _chunk in range(MAX_CHUNKS):
        if offset + 8 > len(data):
            break
        kind, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8:offset + 8 + size]
        if kind == b"fmt ":
            fmt = _format(body, name)
        elif kind == b"data":
            if fmt is None:
                raise SoundError(_("{name} is damaged: its audio comes before its format.").format(name=name))
            return _samples(body, fmt, name), fmt[1]
        offset += 8 + size + (size & 1)  # chunks are padded to an even length
    raise SoundError(_("{name} holds no audio.").format(name=name))


def _format(body: bytes, name: str) -> tuple[int, int, int, int, int]:
    """(format tag, rate, channels, bits per sample, bytes per frame), every field checked."""
    if len(body) < 16:
        raise SoundError(_("{name} is damaged: its format is cut short.").format(name=name))
    tag, channels, rate, _bytes_a_second, block, bits = struct.unpack_from("<HHIIHH", body)
    if tag == EXTENSIBLE and len(body) >= 26:
        tag = struct.unpack_from("<H", body, 24)[0]  # the first two bytes of the sub-format GUID
    if not 1 <= channels <= MAX_CHANNELS:
        raise SoundError(_("{name} has {n} channels; at most {most} are read.").format(name=name, n=channels,
                                                                                     most=MAX_CHANNELS))
    if not RATES[0] <= rate <= RATES[1]:
        raise SoundError(_("{name} has a sample rate of {rate} Hz; {low} to {high} Hz are read.").format(
            name=name, rate=rate, low=RATES[0], high=RATES[1]))
    known = {PCM: (8, 16, 24, 32), FLOAT: (32, 64)}
    if tag not in known or bits not in known[tag]:
        kind = "float" if tag == FLOAT else "PCM" if tag == PCM else f"{tag}"
        raise SoundError(_("{name} is {bits}-bit audio of the kind {kind}; PCM (8 to 32 bits) or float WAV is "
                           "read.").format(name=name, bits=bits, kind=kind))
    if block != channels * bits // 8:
        raise SoundError(_("{name} is damaged: its frame size does not match its channels and bits.").format(
            name=name))
    return tag, rate, channels, bits, block


def _samples(body: bytes, fmt: tuple[int, int, int, int, int], name: str) -> np.ndarray:
    tag, rate, channels, bits, block = fmt
    frames = len(body) // block
    if frames / rate > MAX_SECONDS:
        raise SoundError(_("{name} is {seconds} s long; at most {most} s is heard.").format(
            name=name, seconds=f"{frames / rate:.0f}", most=f"{MAX_SECONDS:.0f}"))
    raw = body[:frames * block]
    if tag == FLOAT:
        x = np.frombuffer(raw, "<f4" if bits == 32 else "<f8").astype(np.float32)
        x = np.nan_to_num(np.clip(x, -1.0, 1.0), nan=0.0)
    elif bits == 8:
        x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif bits == 24:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        x = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8).astype(np.float32) / 8_388_608.0
    else:
        x = np.frombuffer(raw, "<i2" if bits == 16 else "<i4").astype(np.float32) / float(1 << (bits - 1))
    return x.reshape(-1, channels).mean(axis=1, dtype=np.float32) if channels > 1 else x


def to_16k(audio: np.ndarray, rate: int) -> np.ndarray:
    """`audio` (float, mono, or frames x channels) as float32 mono at 16 kHz. Resampled in the frequency
    domain: exact band-limiting, and a command is short enough to take in one transform."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1, dtype=np.float32)
    if x.ndim != 1:
        raise SoundError(_("The audio is not one or more channels of samples."))
    if not RATES[0] <= rate <= RATES[1]:
        raise SoundError(_("The audio's sample rate of {rate} Hz is not one that is read.").format(rate=rate))
    if len(x) > MAX_SECONDS * rate * 1.01:
        raise SoundError(_("{name} is {seconds} s long; at most {most} s is heard.").format(
            name=_("The audio"), seconds=f"{len(x) / rate:.0f}", most=f"{MAX_SECONDS:.0f}"))
    if rate == RATE or not len(x):
        return np.ascontiguousarray(x)
    n = int(round(len(x) * RATE / rate))
    spectrum = np.fft.rfft(x)
    kept = np.zeros(n // 2 + 1, dtype=spectrum.dtype)
    m = min(len(kept), len(spectrum))
    kept[:m] = spectrum[:m]
    return (np.fft.irfft(kept, n) * (n / len(x))).astype(np.float32)
