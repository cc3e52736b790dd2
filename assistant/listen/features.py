"""Whisper's input: the log-mel spectrogram of 16 kHz audio, computed in numpy as Whisper computes it.

A 400-sample (25 ms) Hann window every 160 samples (10 ms), the audio reflected at both ends by half a
window; the power spectrum of each frame (its last frame dropped, as Whisper does); 80 mel bands of the
Slaney scale (linear to 1 kHz, logarithmic above), each scaled to equal area; log10, floored 8 decades
below the loudest value, then (x + 4) / 4. The encoder takes 3000 frames (30 s): the audio is padded with
silence, as Whisper pads it, so the model hears a command as it heard its training.
"""

from __future__ import annotations

import functools

import numpy as np

from assistant.listen.sound import RATE

N_FFT = 400
HOP = 160
N_MELS = 80
FRAMES = 3000  # 30 s: what the encoder was trained on


@functools.lru_cache(maxsize=2)
def mel_filters(n_mels: int = N_MELS) -> np.ndarray:
    """The (n_mels, N_FFT // 2 + 1) mel filter bank of the Slaney scale (librosa's default, which Whisper used)."""
    linear_step = 200.0 / 3  # Hz per mel below 1 kHz
    knee_mel = 1000.0 / linear_step  # 15 mels at 1 kHz
    log_step = np.log(6.4) / 27.0  # above 1 kHz, mels grow with the log of the frequency

    def to_mel(hz: float) -> float:
        return hz / linear_step if hz < 1000 else knee_mel + float(np.log(hz / 1000.0)) / log_step

    mels = np.linspace(0.0, to_mel(RATE / 2), n_mels + 2)
    edges = np.where(mels < knee_mel, mels * linear_step, 1000.0 * np.exp(log_step * (mels - knee_mel)))
    bins = np.fft.rfftfreq(N_FFT, 1.0 / RATE)
    rising = (bins[None, :] - edges[:-2, None]) / (edges[1:-1] - edges[:-2])[:, None]
    falling = (edges[2:, None] - bins[None, :]) / (edges[2:] - edges[1:-1])[:, None]
    triangles = np.maximum(0.0, np.minimum(rising, falling))
    return (triangles * (2.0 / (edges[2:] - edges[:-2]))[:, None]).astype(np.float32)


def log_mel(audio: np.ndarray, frames: int = FRAMES) -> np.ndarray:
    """The (N_MELS, frames) float32 log-mel spectrogram of 16 kHz mono `audio`, padded (or cut) to `frames`."""
    x = np.zeros(frames * HOP, dtype=np.float32)  # the audio, then silence: Whisper's 30 s window
    n = min(len(audio), len(x))
    x[:n] = audio[:n]
    x = np.pad(x, N_FFT // 2, mode="reflect")
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
    windows = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP] * window
    power = np.abs(np.fft.rfft(windows, axis=-1)) ** 2  # (frames + 1, bins)
    mel = mel_filters() @ power[:frames].T.astype(np.float32)
    log = np.log10(np.maximum(mel, 1e-10))
    log = np.maximum(log, log.max() - 8.0)
    return ((log + 4.0) / 4.0).astype(np.float32)
