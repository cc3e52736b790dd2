"""A real sound server for the tests: PulseAudio with a null sink in a private runtime folder, Speech Dispatcher
speaking into it, and recordings (`parec` on the sink's monitor) of what reached it, with the time each frame
was heard.

Nothing of the machine's is used or changed: the server, its clients and the speech service find each other
through the private folder only (XDG_RUNTIME_DIR, PULSE_SERVER, XDG_CONFIG_HOME), and every process started
here is stopped by its own pid, then the folder is removed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 22050  # the recording's sample rate, the assistant's own
WINDOW = 0.01  # seconds: loudness is measured in windows this long
QUIET = 0.004  # RMS (full scale 1) below which a window is silence; speech is 0.05 to 0.3, the floor 0


def unavailable() -> str | None:
    """Why no sound server can be started here, or None. Missing programs are a failure (`make setup-dev`
    installs them), but for PulseAudio itself on a desktop whose sound server is PipeWire's."""
    import importlib.util

    missing = [name for name in ("pulseaudio", "parec", "speech-dispatcher") if shutil.which(name) is None]
    if importlib.util.find_spec("speechd") is None:
        missing.append("python3-speechd (the module speechd, linked into .venv)")
    if missing == ["pulseaudio"] and shutil.which("pipewire-pulse"):
        return "skip: this desktop's sound server is PipeWire's, and PulseAudio is not installed beside it"
    return f"not installed: {', '.join(missing)}; run `make setup-dev`" if missing else None


def wait_for(path: Path, process: subprocess.Popen[bytes] | None, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} ended at start (exit {process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {seconds} s")
        time.sleep(0.02)


def stop(process: subprocess.Popen[bytes], seconds: float = 5.0) -> None:
    """End one process we started, by its own pid: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(seconds)


def stop_pid_file(path: Path) -> None:
    """End the process whose pid a daemon wrote to `path` (one we caused to start: an autospawned service)."""
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)


@dataclass
class Recording:
    """Stereo float32 frames (n x 2) as they reached the sink, and when: `arrivals` are (clock time, frames
    received by then) for each block `parec` handed over."""

    frames: np.ndarray
    arrivals: np.ndarray

    def offset(self, t: float) -> float:
        """The clock time of frame 0, as the blocks that arrived within a second or so of `t` tell it. A block
        arrives once it has been heard whole, and some time after: frame n was heard at (offset + n / RATE),
        on the line under every arrival; it passes through the block that came with the least delay. Local,
        because that delay drifts as a recording goes on (by tens of milliseconds over a minute)."""
        times, counts = self.arrivals[:, 0], self.arrivals[:, 1]
        near = np.abs(times - t) < 1.5
        if not near.any():
            near = np.abs(times - t) <= np.abs(times - t).min()
        return float(np.min(times[near] - counts[near] / RATE))

    def frame_at(self, t: float) -> int:
        return max(0, int(round((t - self.offset(t)) * RATE)))

    def time_of_frame(self, frame: int) -> float:
        guess = self.offset(float(self.arrivals[0, 0])) + frame / RATE
        return self.offset(guess) + frame / RATE

    def window_rms(self, channel: int | None = None) -> np.ndarray:
        """Loudness of each `WINDOW` (both channels together, or one)."""
        data = self.frames if channel is None else self.frames[:, channel:channel + 1]
        n = int(RATE * WINDOW)
        usable = len(data) // n * n
        blocks = data[:usable].reshape(-1, n, data.shape[1])
        return np.sqrt((blocks ** 2).mean(axis=(1, 2)))

    def window_at(self, t: float) -> int:
        return self.frame_at(t) // int(RATE * WINDOW)

    def time_of(self, window: int) -> float:
        return self.time_of_frame(window * int(RATE * WINDOW))

    def heard_between(self, start: float, end: float) -> float:
        """Seconds of sound between two clock times."""
        rms = self.window_rms()
        return float((rms[self.window_at(start):self.window_at(end)] > QUIET).sum() * WINDOW)

    def extent(self, start: float, end: float) -> tuple[float, float] | None:
        """Clock times of the first and last sound between two clock times."""
        rms = self.window_rms()
        first, last = self.window_at(start), self.window_at(end)
        loud = np.flatnonzero(rms[first:last] > QUIET)
        return (self.time_of(first + int(loud[0])), self.time_of(first + int(loud[-1]) + 1)) if len(loud) else None

    def between(self, start: float, end: float) -> np.ndarray:
        """The frames heard between two clock times."""
        return self.frames[self.frame_at(start):self.frame_at(end)]

    def last_sound_before(self, end: float) -> float | None:
        rms = self.window_rms()
        loud = np.flatnonzero(rms[:self.window_at(end)] > QUIET)
        return self.time_of(int(loud[-1]) + 1) if len(loud) else None


class Recorder:
    """`parec` on the sink's monitor. A thread reads what it records and notes when each block arrived; the
    frames' clock times come from a straight line fitted through those notes, so that a moment measured
    in the test (a key pressed) can be found in the sound."""

    def __init__(self, server: SoundServer) -> None:
        self.process = subprocess.Popen(
            ["parec", "-d", f"{server.sink}.monitor", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=2",
             "--latency-msec=10"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=server.env)
        self._chunks: list[bytes] = []
        self._arrivals: list[tuple[float, int]] = []  # (clock time, frames received so far)
        self._thread = threading.Thread(target=self._read, name="parec-reader")
        self._thread.start()
        deadline = time.monotonic() + 5
        while not self._arrivals and time.monotonic() < deadline:  # recording: the monitor is connected
            time.sleep(0.01)

    def _read(self) -> None:
        assert self.process.stdout is not None
        received = 0
        while True:
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                return
            now = time.monotonic()
            self._chunks.append(chunk)
            received += len(chunk)
            self._arrivals.append((now, received // 4))

    def stop(self) -> Recording:
        stop(self.process)
        self._thread.join(timeout=5)
        data = b"".join(self._chunks)
        frames = np.frombuffer(data[: len(data) // 4 * 4], dtype="<i2").reshape(-1, 2).astype(np.float32) / 32768
        arrivals = np.array(self._arrivals or [(time.monotonic(), 0)], dtype=np.float64)
        return Recording(frames, arrivals)


@dataclass
class SoundServer:
    """PulseAudio running in `folder` with one null sink. `env` is what a client needs to reach it (and only
    it): the assistant, `parec`, and the speech service it spawns."""

    folder: Path
    sink: str = "assistant_test"
    process: subprocess.Popen[bytes] | None = None
    services: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def socket(self) -> Path:
        return self.folder / "pulse" / "native"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("SPEECHD_ADDRESS", "SPEECHD_SOCKET", "SPEECHD_HOST", "SPEECHD_PORT", "SPEECHD_CMD"):
            env.pop(name, None)
        env.update(XDG_RUNTIME_DIR=str(self.folder), PULSE_SERVER=f"unix:{self.socket}",
                   PULSE_COOKIE=str(self.folder / "cookie"), XDG_CONFIG_HOME=str(self.folder / "config"),
                   XDG_CACHE_HOME=str(self.folder / "cache"))
        return env

    def start(self) -> None:
        env = dict(self.env, HOME=str(self.folder / "home"))
        (self.folder / "home").mkdir(exist_ok=True)
        # As root PulseAudio warns and carries on; in the foreground its pid is the one we started.
        self.process = subprocess.Popen(
            ["pulseaudio", "--daemonize=no", "--system=false", "--exit-idle-time=-1", "-n", "--use-pid-file=no",
             "--disable-shm=yes", "--log-level=1", "--log-target=file:" + str(self.folder / "pulse.log"),
             "--load=module-native-protocol-unix auth-anonymous=1",
             f"--load=module-null-sink sink_name={self.sink} rate={RATE} channels=2"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.socket, self.process, 10, "PulseAudio")

    def record(self) -> Recorder:
        return Recorder(self)

    @property
    def speechd_socket(self) -> Path:
        return self.folder / "speech-dispatcher" / "speechd.sock"

    def start_speech_service(self, socket: Path | None = None) -> subprocess.Popen[bytes]:
        """Speech Dispatcher in the foreground, speaking into this server, on `socket` (by default its usual
        one in the folder, where a client looks for it); its configuration is the machine's defaults (its
        XDG_CONFIG_HOME is private)."""
        socket = socket or self.speechd_socket
        socket.parent.mkdir(exist_ok=True)
        socket.unlink(missing_ok=True)  # one that ended left it: the new one's is waited for
        name = socket.parent.name  # each service its own pid file and log
        process = subprocess.Popen(
            ["speech-dispatcher", "--run-single", "--timeout", "0", "--communication-method", "unix_socket",
             "--socket-path", str(socket), "--pid-file", str(self.folder / f"{name}.pid"),
             "--log-dir", str(self.folder / f"{name}-log")],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.services.append(process)
        wait_for(socket, process, 10, "Speech Dispatcher")
        return process

    def stop_speech_services(self) -> None:
        for process in self.services:
            stop(process)
        self.services.clear()
        stop_pid_file(self.folder / "speech-dispatcher" / "pid" / "speech-dispatcher.pid")  # an autospawned one

    def stop(self) -> None:
        self.stop_speech_services()
        if self.process is not None:
            stop(self.process)


@contextmanager
def sound_server() -> Iterator[SoundServer]:
    """A started `SoundServer` in a new private folder; everything stopped and the folder removed after."""
    folder = Path(tempfile.mkdtemp(prefix="assistant-pulse-"))
    os.chmod(folder, 0o700)
    server = SoundServer(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
