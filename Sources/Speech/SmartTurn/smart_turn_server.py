#!/usr/bin/env python3
"""Ringside's model server: Smart Turn v3 (an ONNX Whisper-tiny encoder with a classifier head,
the end-of-turn model) or Silero VAD v5 (voice activity), behind a Unix domain socket.

Started by `SmartTurnModel` (Sources/Speech/SmartTurnModel.swift) as

    python3 -S smart_turn_server.py --model MODEL.onnx --socket DIR/socket --private-directory DIR

or by `SileroVADService` (Sources/Speech/SileroVAD.swift) with `--vad silero_vad.onnx` instead of
`--model`.

with PYTHONPATH pointing at the numpy and onnxruntime wheels that
Tests/Support/install-smart-turn.sh unpacks. It loads the model once, listens on PATH, prints
one line "ready" on stdout, and then serves each connection on a thread of its own. It exits when its
standard input reaches end of file (so it dies with the process that started it) or on SIGTERM,
removing the socket file and the private directory, if one was given.

Protocol, all little endian, any number of requests per connection:
    request: u32 sample count N, then N int16 samples of 16 kHz mono audio (only the last
             8 s are used; shorter audio is padded with silence in front)
    reply:   float32 probability that the turn is complete, float32 milliseconds the server
             spent on it (features and inference, from the last request byte to the reply)
A request larger than MAX_SAMPLES closes the connection.

With --vad, each connection is one audio stream whose recurrent state the server keeps:
    request: u32 sample count N (512: 32 ms), then N int16 samples of 16 kHz mono audio
    reply:   float32 probability that the chunk holds speech, float32 milliseconds spent
A request of 0 samples resets the stream's state (reply: 0); any other size than 512 closes
the connection.
"""

import argparse
import math
import os
import shutil
import signal
import socket
import struct
import sys
import threading
import time

# One BLAS thread: the server's matrices are small and the machine is shared.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

try:
    import numpy as np
    import onnxruntime as ort
except ImportError as error:  # a broken or missing install: say what and where we looked
    print(f"smart-turn: cannot import numpy/onnxruntime ({error}); "
          f"PYTHONPATH={os.environ.get('PYTHONPATH', '')!r}; run `make setup`", file=sys.stderr)
    sys.exit(3)

RATE = 16000
WINDOW_SAMPLES = 8 * RATE          # the model reads exactly 8 s
N_FFT = 400                        # 25 ms
HOP = 160                          # 10 ms
N_MELS = 80
N_FRAMES = WINDOW_SAMPLES // HOP   # 800
MAX_SAMPLES = 10 * 60 * RATE       # ten minutes: anything larger is a protocol error


def slaney_mel(hz):
    """Hertz to mels on the Slaney scale: linear to 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz * 3.0 / 200.0
    with np.errstate(divide="ignore"):
        logarithmic = 15.0 + np.log(np.maximum(hz, 1e-12) / 1000.0) * 27.0 / math.log(6.4)
    return np.where(hz >= 1000.0, logarithmic, linear)


def slaney_hz(mel):
    """Mels on the Slaney scale back to hertz."""
    mel = np.asarray(mel, dtype=np.float64)
    linear = mel * 200.0 / 3.0
    logarithmic = 1000.0 * np.exp((mel - 15.0) * math.log(6.4) / 27.0)
    return np.where(mel >= 15.0, logarithmic, linear)


def mel_filterbank():
    """Triangular filters from 0 Hz to Nyquist, evenly spaced in Slaney mels, each scaled to unit
    area (2 / bandwidth): an (N_MELS, N_FFT / 2 + 1) matrix."""
    edges = slaney_hz(np.linspace(slaney_mel(0.0), slaney_mel(RATE / 2), N_MELS + 2))
    bins = np.linspace(0.0, RATE / 2, N_FFT // 2 + 1)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lower) / (centre - lower)
    falling = (upper - bins[None, :]) / (upper - centre)
    triangles = np.clip(np.minimum(rising, falling), 0.0, None)
    return triangles * (2.0 / (upper - lower))


class Features:
    """Whisper-style log-mel features of the last 8 s: (1, 80, 800) float32."""

    def __init__(self):
        n = np.arange(N_FFT)
        self.window = 0.5 - 0.5 * np.cos(2.0 * math.pi * n / N_FFT)  # periodic Hann
        self.filters = np.ascontiguousarray(mel_filterbank().T)  # (N_FFT / 2 + 1, N_MELS)
        frames = 1 + WINDOW_SAMPLES // HOP  # centred frames; the last one is dropped below
        self.frame_index = np.arange(frames)[:, None] * HOP + n[None, :]

    def __call__(self, samples):
        audio = np.zeros(WINDOW_SAMPLES, dtype=np.float32)
        tail = samples[-WINDOW_SAMPLES:]
        if tail.size:
            audio[WINDOW_SAMPLES - tail.size:] = tail.astype(np.float32) / 32768.0
        # The waveform is normalised to zero mean and unit variance first (silence included).
        audio = (audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)
        padded = np.pad(audio.astype(np.float64), N_FFT // 2, mode="reflect")
        spectrum = np.fft.rfft(padded[self.frame_index] * self.window, axis=1)
        power = spectrum.real ** 2 + spectrum.imag ** 2
        mel = power[:N_FRAMES] @ self.filters  # (800, 80)
        log_mel = np.log10(np.maximum(mel, 1e-10))
        log_mel = np.maximum(log_mel, log_mel.max() - 8.0)
        log_mel = (log_mel + 4.0) / 4.0
        return np.ascontiguousarray(log_mel.T, dtype=np.float32)[None, :, :]


class Model:
    def __init__(self, path, threads):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
        inputs = self.session.get_inputs()
        if len(inputs) != 1 or list(inputs[0].shape)[1:] != [N_MELS, N_FRAMES]:
            raise ValueError(f"{path}: expected one input of shape [batch, {N_MELS}, {N_FRAMES}], "
                             f"got {[(i.name, i.shape) for i in inputs]}")
        self.input = inputs[0].name
        self.features = Features()

    def probability(self, samples):
        output = self.session.run(None, {self.input: self.features(samples)})[0]
        return float(np.asarray(output).reshape(-1)[0])


class VoiceActivity:
    """Silero VAD v5: one 512-sample chunk of 16 kHz audio at a time, with the 64 samples before it
    as context and a (2, 1, 128) recurrent state, both kept per stream by the caller."""

    CHUNK = 512
    CONTEXT = 64

    def __init__(self, path, threads):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
        names = sorted(i.name for i in self.session.get_inputs())
        if names != ["input", "sr", "state"]:
            raise ValueError(f"{path}: expected Silero VAD v5 inputs input, sr, state; got {names}")
        self.rate = np.array(RATE, dtype=np.int64)

    def stream(self):
        return {"state": np.zeros((2, 1, 128), dtype=np.float32),
                "context": np.zeros((1, self.CONTEXT), dtype=np.float32)}

    def probability(self, stream, samples):
        chunk = samples.astype(np.float32)[None, :] / 32768.0
        audio = np.concatenate([stream["context"], chunk], axis=1)
        output, stream["state"] = self.session.run(None, {"input": audio, "state": stream["state"], "sr": self.rate})
        stream["context"] = audio[:, -self.CONTEXT:]
        return float(np.asarray(output).reshape(-1)[0])


def vad_handlers(vad):
    """What `serve` needs for one VAD stream: its own state, reset by an empty request."""
    stream = [vad.stream()]

    def refusal(count):
        if count not in (0, VoiceActivity.CHUNK):
            return f"VAD request of {count} samples refused (chunks are {VoiceActivity.CHUNK})"
        return None

    def answer(samples):
        if samples.size == 0:
            stream[0] = vad.stream()
            return 0.0
        return vad.probability(stream[0], samples)

    return refusal, answer


def receive_exactly(connection, count):
    """`count` bytes, or None if the peer closed the connection first."""
    buffer = bytearray(count)
    view = memoryview(buffer)
    got = 0
    while got < count:
        n = connection.recv_into(view[got:], count - got)
        if n == 0:
            return None
        got += n
    return buffer


def serve(connection, refusal, answer):
    """Requests on `connection` until the peer closes it: `refusal(count)` says why a request of
    `count` samples is refused (the connection is then closed), `answer(samples)` is the probability."""
    with connection:
        while True:
            header = receive_exactly(connection, 4)
            if header is None:
                return
            (count,) = struct.unpack("<I", header)
            refused = refusal(count)
            if refused:
                print(f"smart-turn: {refused}", file=sys.stderr)
                return
            body = receive_exactly(connection, 2 * count)
            if body is None:
                return
            start = time.perf_counter()
            probability = answer(np.frombuffer(body, dtype="<i2"))
            elapsed = (time.perf_counter() - start) * 1000.0
            connection.sendall(struct.pack("<ff", probability, elapsed))


def main():
    parser = argparse.ArgumentParser(description="Smart Turn end-of-turn model over a Unix socket")
    models = parser.add_mutually_exclusive_group(required=True)
    models.add_argument("--model", help="the Smart Turn v3 ONNX file")
    models.add_argument("--vad", help="the Silero VAD v5 ONNX file (serve voice activity instead)")
    parser.add_argument("--socket", required=True, help="path of the Unix socket to listen on")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads")
    parser.add_argument("--private-directory",
                        help="a directory of this server's alone (the client's, holding the socket): removed on exit")
    args = parser.parse_args()

    try:
        if args.vad:
            vad = VoiceActivity(args.vad, args.threads)
            vad.probability(vad.stream(), np.zeros(VoiceActivity.CHUNK, dtype=np.int16))  # warm up
            handler = lambda connection: serve(connection, *vad_handlers(vad))
        else:
            model = Model(args.model, args.threads)
            model.probability(np.zeros(0, dtype=np.int16))  # warm up: the first run allocates
            too_long = lambda count: f"request of {count} samples refused (at most {MAX_SAMPLES})" if count > MAX_SAMPLES else None
            handler = lambda connection: serve(connection, too_long, model.probability)
    except Exception as error:
        print(f"smart-turn: cannot load {args.vad or args.model}: {error}", file=sys.stderr)
        sys.exit(3)

    def quit_now(*_):
        try:
            os.unlink(args.socket)
        except OSError:
            pass
        if args.private_directory:
            shutil.rmtree(args.private_directory, ignore_errors=True)
        os._exit(0)

    def wait_for_stdin_eof():
        while sys.stdin.buffer.read1(4096):
            pass
        quit_now()

    signal.signal(signal.SIGTERM, quit_now)
    signal.signal(signal.SIGINT, quit_now)
    if os.path.exists(args.socket):
        os.unlink(args.socket)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(args.socket)
    listener.listen(4)
    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()
    print("ready", flush=True)

    def handle(connection):
        try:
            handler(connection)
        except OSError:
            pass  # the client went away mid-request

    while True:
        connection, _ = listener.accept()
        threading.Thread(target=handle, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
