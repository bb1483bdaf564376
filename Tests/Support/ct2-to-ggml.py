#!/usr/bin/env python3
"""Convert a CTranslate2 Whisper model directory to a whisper.cpp ggml model file.

Usage: ct2-to-ggml.py MODEL_DIR OUT.bin

MODEL_DIR holds what CTranslate2's Whisper converter writes: model.bin (the
weights), config.json and vocabulary.txt (tokenizer.json, when present, is used
to cross-check the vocabulary). OUT.bin is written in the legacy ggml layout that
whisper.cpp's whisper_model_load() reads:

  int32 magic 0x67676d6c
  int32 x 11 hyper-parameters (n_vocab, n_audio_ctx, n_audio_state, n_audio_head,
        n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer,
        n_mels, ftype)
  int32 n_mel, int32 n_fft, float32[n_mel * n_fft] mel filterbank
  int32 count, then count x (int32 length, raw bytes) tokens
  tensors until EOF: int32 n_dims, int32 name length, int32 type (0 = f32,
        1 = f16), int32 dims (innermost first), name bytes, data

Only the Python 3 standard library is used, so it runs on a bare Debian python3.
The output is a pure function of the input files (deterministic).

Exit status: 0 on success, 2 on any input this converter does not understand
(unknown or unmapped variable, unexpected shape or type, ...), with one line on
stderr saying what.
"""

import json
import math
import os
import struct
import sys

GGML_MAGIC = 0x67676D6C
TYPE_F32 = 0
TYPE_F16 = 1

# CTranslate2 DataType ids, as numbered in its serialized model.bin.
CT2_DTYPES = {
    0: ("float32", 4),
    1: ("int8", 1),
    2: ("int16", 2),
    3: ("int32", 4),
    4: ("float16", 2),
    5: ("bfloat16", 2),
}
CT2_GELU = 3  # ctranslate2.specs.common_spec.Activation.GELU

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms window at 16 kHz; the filterbank has N_FFT // 2 + 1 = 201 bins


class ConversionError(Exception):
    pass


def fail(message):
    raise ConversionError(message)


# --------------------------------------------------------------------------
# CTranslate2 model.bin reader


class Variable:
    __slots__ = ("name", "shape", "dtype", "data")

    def __init__(self, name, shape, dtype, data):
        self.name = name
        self.shape = tuple(shape)
        self.dtype = dtype
        self.data = data

    def count(self):
        n = 1
        for d in self.shape:
            n *= d
        return n


class Reader:
    def __init__(self, blob, path):
        self.blob = blob
        self.pos = 0
        self.path = path

    def take(self, n):
        if self.pos + n > len(self.blob):
            fail("%s: truncated at byte %d (wanted %d more bytes)" % (self.path, self.pos, n))
        chunk = self.blob[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def string(self):
        (length,) = self.unpack("H")  # includes the trailing NUL
        raw = self.take(length)
        if length == 0 or raw[-1:] != b"\0":
            fail("%s: malformed string at byte %d" % (self.path, self.pos - length))
        return raw[:-1].decode("utf-8")


def read_ct2_model(path):
    """Return (spec name, {name: Variable}) with aliases resolved."""
    with open(path, "rb") as f:
        blob = f.read()
    r = Reader(blob, path)
    (version,) = r.unpack("I")
    # Versions 4..6 share this layout (type id + byte count per variable, then aliases).
    if not 4 <= version <= 6:
        fail("%s: CTranslate2 binary version %d is not supported (expected 4 to 6)" % (path, version))
    spec = r.string()
    (_revision,) = r.unpack("I")
    (n_vars,) = r.unpack("I")
    variables = {}
    for _ in range(n_vars):
        name = r.string()
        (rank,) = r.unpack("B")
        shape = r.unpack("%dI" % rank) if rank else ()
        (type_id,) = r.unpack("B")
        (n_bytes,) = r.unpack("I")
        if type_id not in CT2_DTYPES:
            fail("%s: variable %s has unknown data type id %d" % (path, name, type_id))
        dtype, item = CT2_DTYPES[type_id]
        var = Variable(name, shape, dtype, r.take(n_bytes))
        if var.count() * item != n_bytes:
            fail("%s: variable %s: %d bytes do not fit shape %s of %s" % (path, name, n_bytes, shape, dtype))
        if name in variables:
            fail("%s: variable %s appears twice" % (path, name))
        variables[name] = var
    (n_aliases,) = r.unpack("I")
    for _ in range(n_aliases):
        alias = r.string()
        target = r.string()
        if target not in variables:
            fail("%s: alias %s points at missing variable %s" % (path, alias, target))
        t = variables[target]
        variables[alias] = Variable(alias, t.shape, t.dtype, t.data)
    if r.pos != len(blob):
        fail("%s: %d unexpected trailing bytes" % (path, len(blob) - r.pos))
    return spec, variables


# --------------------------------------------------------------------------
# numeric helpers (no numpy)


def halves_to_floats(data):
    n = len(data) // 2
    return struct.unpack("<%de" % n, data)


def as_f32_bytes(var):
    if var.dtype == "float32":
        return bytes(var.data)
    if var.dtype == "float16":
        values = halves_to_floats(var.data)
        return struct.pack("<%df" % len(values), *values)
    fail("variable %s has type %s; only float16 and float32 models are supported" % (var.name, var.dtype))


def as_f16_bytes(var):
    if var.dtype == "float16":
        return bytes(var.data)
    if var.dtype == "float32":
        n = len(var.data) // 4
        values = struct.unpack("<%df" % n, var.data)
        try:
            return struct.pack("<%de" % n, *values)
        except OverflowError:
            fail("variable %s has values outside the float16 range" % var.name)
    fail("variable %s has type %s; only float16 and float32 models are supported" % (var.name, var.dtype))


def scalar(var):
    if var.shape != ():
        fail("variable %s: expected a scalar, got shape %s" % (var.name, var.shape))
    fmt = {"int8": "b", "int16": "h", "int32": "i", "float32": "f", "float16": "e"}.get(var.dtype)
    if fmt is None:
        fail("variable %s: unsupported scalar type %s" % (var.name, var.dtype))
    return struct.unpack("<" + fmt, var.data)[0]


def to_f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


# --------------------------------------------------------------------------
# mel filterbank: Slaney mel scale, triangles normalised to equal area, as
# librosa.filters.mel(sr=16000, n_fft=400, n_mels=N) computes it (float32 result).

_MEL_LINEAR_HZ_PER_MEL = 200.0 / 3.0
_MEL_BREAK_HZ = 1000.0
_MEL_BREAK = _MEL_BREAK_HZ / _MEL_LINEAR_HZ_PER_MEL
_MEL_LOG_STEP = math.log(6.4) / 27.0


def hz_to_mel(hz):
    if hz >= _MEL_BREAK_HZ:
        return _MEL_BREAK + math.log(hz / _MEL_BREAK_HZ) / _MEL_LOG_STEP
    return hz / _MEL_LINEAR_HZ_PER_MEL


def mel_to_hz(mel):
    if mel >= _MEL_BREAK:
        return _MEL_BREAK_HZ * math.exp(_MEL_LOG_STEP * (mel - _MEL_BREAK))
    return _MEL_LINEAR_HZ_PER_MEL * mel


def mel_filterbank(n_mels, sample_rate=SAMPLE_RATE, n_fft=N_FFT):
    n_bins = n_fft // 2 + 1
    bin_hz = 1.0 / (n_fft * (1.0 / sample_rate))
    bin_freqs = [k * bin_hz for k in range(n_bins)]
    # n_mels + 2 points evenly spaced on the mel axis between 0 Hz and Nyquist.
    top = hz_to_mel(sample_rate / 2.0)
    n_points = n_mels + 2
    spacing = top / (n_points - 1)
    mel_points = [i * spacing for i in range(n_points)]
    mel_points[-1] = top
    edges = [mel_to_hz(m) for m in mel_points]
    rows = []
    for m in range(n_mels):
        left, centre, right = edges[m], edges[m + 1], edges[m + 2]
        rise = centre - left
        fall = right - centre
        area_norm = 2.0 / (right - left)
        row = []
        for f in bin_freqs:
            up = (f - left) / rise
            down = (right - f) / fall
            tri = to_f32(max(0.0, min(up, down)))
            row.append(to_f32(tri * area_norm))
        rows.append(row)
    return rows


# --------------------------------------------------------------------------
# GPT-2 byte-level BPE: every byte is shown as one printable unicode character.


def byte_level_alphabet():
    """Map each printable character used by byte-level BPE back to its byte."""
    kept = set(range(0x21, 0x7F)) | set(range(0xA1, 0xAD)) | set(range(0xAE, 0x100))
    char_to_byte = {}
    extra = 0
    for b in range(256):
        if b in kept:
            char_to_byte[chr(b)] = b
        else:
            char_to_byte[chr(256 + extra)] = b
            extra += 1
    return char_to_byte


def read_vocabulary(model_dir, n_vocab):
    path = os.path.join(model_dir, "vocabulary.txt")
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except OSError as e:
        fail("cannot read %s: %s" % (path, e))
    tokens = text.split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    if len(tokens) != n_vocab:
        fail("%s has %d tokens but the embedding has %d rows" % (path, len(tokens), n_vocab))

    tok_path = os.path.join(model_dir, "tokenizer.json")
    if os.path.exists(tok_path):
        with open(tok_path, "r", encoding="utf-8") as f:
            tok = json.load(f)
        by_id = {i: s for s, i in tok.get("model", {}).get("vocab", {}).items()}
        for added in tok.get("added_tokens", []):
            by_id[added["id"]] = added["content"]
        for i, s in by_id.items():
            if i < len(tokens) and tokens[i] != s:
                fail("token %d is %r in vocabulary.txt but %r in tokenizer.json" % (i, tokens[i], s))

    eot = "<|endoftext|>"
    if eot not in tokens:
        fail("%s has no %s token" % (path, eot))
    n_text = tokens.index(eot)
    for i in range(n_text + 1, len(tokens)):
        if not (tokens[i].startswith("<|") and tokens[i].endswith("|>")):
            fail("%s: token %d (%r) after %s is not a special token" % (path, i, tokens[i], eot))

    alphabet = byte_level_alphabet()
    out = []
    for i in range(n_text):
        try:
            out.append(bytes(alphabet[c] for c in tokens[i]))
        except KeyError as e:
            fail("%s: token %d (%r) has character %r outside the byte-level alphabet" % (path, i, tokens[i], e.args[0]))
    # whisper.cpp's own models list the text tokens followed by <|endoftext|>;
    # it synthesises the remaining special tokens itself.
    out.append(eot.encode("utf-8"))
    return out


# --------------------------------------------------------------------------
# tensor mapping


class Converter:
    def __init__(self, variables):
        self.vars = variables
        self.used = set()
        self.tensors = []  # (name, shape outermost-first, type, bytes)

    def get(self, name, shape=None):
        if name not in self.vars:
            fail("model.bin has no variable %s" % name)
        var = self.vars[name]
        if shape is not None and var.shape != tuple(shape):
            fail("variable %s has shape %s, expected %s" % (name, var.shape, tuple(shape)))
        self.used.add(name)
        return var

    def emit(self, name, shape, ttype, data):
        count = 1
        for d in shape:
            count *= d
        if len(data) != count * (4 if ttype == TYPE_F32 else 2):
            fail("internal error: %s: %d bytes for shape %s" % (name, len(data), shape))
        self.tensors.append((name, tuple(shape), ttype, data))

    def f32(self, ggml_name, ct2_name, shape, out_shape=None):
        var = self.get(ct2_name, shape)
        self.emit(ggml_name, out_shape or shape, TYPE_F32, as_f32_bytes(var))

    def f16(self, ggml_name, ct2_name, shape):
        var = self.get(ct2_name, shape)
        self.emit(ggml_name, shape, TYPE_F16, as_f16_bytes(var))

    def split_rows(self, ct2_name, shape, parts):
        """Split a fused weight or bias along its first axis into len(parts) equal slices."""
        var = self.get(ct2_name, shape)
        rows = shape[0]
        if rows % len(parts):
            fail("variable %s: %d rows do not split into %d parts" % (ct2_name, rows, len(parts)))
        per = len(var.data) // len(parts)
        sub_shape = (rows // len(parts),) + tuple(shape[1:])
        return [Variable("%s[%s]" % (ct2_name, p), sub_shape, var.dtype, var.data[i * per:(i + 1) * per])
                for i, p in enumerate(parts)]

    def check_zero(self, var, what):
        values = halves_to_floats(var.data) if var.dtype == "float16" else struct.unpack("<%df" % (len(var.data) // 4), var.data)
        worst = max(abs(v) for v in values)
        if worst != 0.0:
            # A constant bias on the keys shifts every score of a query by the same
            # amount, so softmax ignores it; whisper has none. Say so, but go on.
            sys.stderr.write("ct2-to-ggml: note: dropping non-zero %s (max |x| = %g); it does not change attention\n" % (what, worst))

    def attention(self, ggml_prefix, ct2_prefix, n_state, fused_kind):
        S = n_state
        if fused_kind == "self":
            wq, wk, wv = self.split_rows(ct2_prefix + "/linear_0/weight", (3 * S, S), "qkv")
            bq, bk, bv = self.split_rows(ct2_prefix + "/linear_0/bias", (3 * S,), "qkv")
            out = "/linear_1"
        else:
            (wq,) = self.split_rows(ct2_prefix + "/linear_0/weight", (S, S), "q")
            (bq,) = self.split_rows(ct2_prefix + "/linear_0/bias", (S,), "q")
            wk, wv = self.split_rows(ct2_prefix + "/linear_1/weight", (2 * S, S), "kv")
            bk, bv = self.split_rows(ct2_prefix + "/linear_1/bias", (2 * S,), "kv")
            out = "/linear_2"
        self.check_zero(bk, ct2_prefix + " key bias")
        self.emit(ggml_prefix + ".query.weight", (S, S), TYPE_F16, as_f16_bytes(wq))
        self.emit(ggml_prefix + ".query.bias", (S,), TYPE_F32, as_f32_bytes(bq))
        self.emit(ggml_prefix + ".key.weight", (S, S), TYPE_F16, as_f16_bytes(wk))
        self.emit(ggml_prefix + ".value.weight", (S, S), TYPE_F16, as_f16_bytes(wv))
        self.emit(ggml_prefix + ".value.bias", (S,), TYPE_F32, as_f32_bytes(bv))
        self.f16(ggml_prefix + ".out.weight", ct2_prefix + out + "/weight", (S, S))
        self.f32(ggml_prefix + ".out.bias", ct2_prefix + out + "/bias", (S,))

    def layer_norm(self, ggml_prefix, ct2_prefix, n_state):
        self.f32(ggml_prefix + ".weight", ct2_prefix + "/gamma", (n_state,))
        self.f32(ggml_prefix + ".bias", ct2_prefix + "/beta", (n_state,))

    def mlp(self, ggml_prefix, ct2_prefix, n_state):
        S = n_state
        self.f16(ggml_prefix + ".mlp.0.weight", ct2_prefix + "/linear_0/weight", (4 * S, S))
        self.f32(ggml_prefix + ".mlp.0.bias", ct2_prefix + "/linear_0/bias", (4 * S,))
        self.f16(ggml_prefix + ".mlp.2.weight", ct2_prefix + "/linear_1/weight", (S, 4 * S))
        self.f32(ggml_prefix + ".mlp.2.bias", ct2_prefix + "/linear_1/bias", (S,))
        self.layer_norm(ggml_prefix + ".mlp_ln", ct2_prefix + "/layer_norm", S)


def count_layers(variables, prefix):
    n = 0
    while any(k.startswith("%s/layer_%d/" % (prefix, n)) for k in variables):
        n += 1
    return n


def convert(model_dir, out_path):
    spec, V = read_ct2_model(os.path.join(model_dir, "model.bin"))
    if spec != "WhisperSpec":
        fail("model.bin holds a %s, not a WhisperSpec" % spec)

    conv = Converter(V)

    # configuration scalars: check that they describe plain Whisper
    def expect(name, wanted, meaning):
        value = scalar(conv.get(name))
        if value != wanted:
            fail("variable %s is %r; only %s (%r) is supported" % (name, value, meaning, wanted))

    expect("decoder/activation", CT2_GELU, "GELU")
    expect("decoder/pre_norm", 1, "pre-norm layers")
    expect("decoder/alibi", 0, "no ALiBi")
    expect("decoder/scale_embeddings", 0, "unscaled embeddings")
    expect("decoder/start_from_zero_embedding", 0, "a start token embedding")
    # Token-level alignment settings of CTranslate2; whisper.cpp keeps its own
    # per-model presets for DTW timestamps.
    for name in ("decoder/alignment_heads", "decoder/alignment_layer"):
        if name in V:
            conv.get(name)
    n_audio_head = scalar(conv.get("encoder/num_heads"))
    n_text_head = scalar(conv.get("decoder/num_heads"))

    # dimensions
    conv1 = V.get("encoder/conv1/weight")
    emb = V.get("decoder/embeddings/weight")
    enc_pe = V.get("encoder/position_encodings/encodings")
    dec_pe = V.get("decoder/position_encodings/encodings")
    for name, var, rank in (("encoder/conv1/weight", conv1, 3), ("decoder/embeddings/weight", emb, 2),
                            ("encoder/position_encodings/encodings", enc_pe, 2),
                            ("decoder/position_encodings/encodings", dec_pe, 2)):
        if var is None:
            fail("model.bin has no variable %s" % name)
        if len(var.shape) != rank:
            fail("variable %s has shape %s, expected %d dimensions" % (name, var.shape, rank))
    n_audio_state, n_mels, kernel = conv1.shape
    if kernel != 3:
        fail("variable encoder/conv1/weight has shape %s, expected (n_state, n_mels, 3)" % (conv1.shape,))
    n_vocab, n_text_state = emb.shape
    n_audio_ctx = enc_pe.shape[0]
    n_text_ctx = dec_pe.shape[0]
    n_audio_layer = count_layers(V, "encoder")
    n_text_layer = count_layers(V, "decoder")
    if n_audio_state != n_text_state:
        fail("encoder width %d differs from decoder width %d" % (n_audio_state, n_text_state))
    if n_audio_layer == 0 or n_text_layer == 0:
        fail("model.bin has %d encoder and %d decoder layers" % (n_audio_layer, n_text_layer))
    S = n_audio_state
    for heads, what in ((n_audio_head, "encoder/num_heads"), (n_text_head, "decoder/num_heads")):
        if heads <= 0 or S % heads:
            fail("variable %s = %d does not divide the width %d" % (what, heads, S))

    # encoder
    conv.f32("encoder.positional_embedding", "encoder/position_encodings/encodings", (n_audio_ctx, S))
    conv.f16("encoder.conv1.weight", "encoder/conv1/weight", (S, n_mels, 3))
    conv.f32("encoder.conv1.bias", "encoder/conv1/bias", (S,), out_shape=(S, 1))
    conv.f16("encoder.conv2.weight", "encoder/conv2/weight", (S, S, 3))
    conv.f32("encoder.conv2.bias", "encoder/conv2/bias", (S,), out_shape=(S, 1))
    for i in range(n_audio_layer):
        g, c = "encoder.blocks.%d" % i, "encoder/layer_%d" % i
        conv.attention(g + ".attn", c + "/self_attention", S, "self")
        conv.layer_norm(g + ".attn_ln", c + "/self_attention/layer_norm", S)
        conv.mlp(g, c + "/ffn", S)
    conv.layer_norm("encoder.ln_post", "encoder/layer_norm", S)

    # decoder
    conv.f32("decoder.positional_embedding", "decoder/position_encodings/encodings", (n_text_ctx, S))
    conv.f16("decoder.token_embedding.weight", "decoder/embeddings/weight", (n_vocab, S))
    for i in range(n_text_layer):
        g, c = "decoder.blocks.%d" % i, "decoder/layer_%d" % i
        conv.attention(g + ".attn", c + "/self_attention", S, "self")
        conv.layer_norm(g + ".attn_ln", c + "/self_attention/layer_norm", S)
        conv.attention(g + ".cross_attn", c + "/attention", S, "cross")
        conv.layer_norm(g + ".cross_attn_ln", c + "/attention/layer_norm", S)
        conv.mlp(g, c + "/ffn", S)
    conv.layer_norm("decoder.ln", "decoder/layer_norm", S)

    # whisper ties the output projection to the token embedding; CTranslate2
    # stores it as an alias (or, if it is a copy, it must be identical).
    proj = V.get("decoder/projection/weight")
    if proj is not None:
        conv.used.add("decoder/projection/weight")
        if proj.shape != emb.shape or proj.data != emb.data:
            fail("variable decoder/projection/weight differs from decoder/embeddings/weight; "
                 "whisper.cpp ties them")
    if "decoder/projection/bias" in V:
        fail("variable decoder/projection/bias is not supported (whisper has no output bias)")

    unused = sorted(set(V) - conv.used)
    if unused:
        fail("variable %s is not mapped to any whisper.cpp tensor%s"
             % (unused[0], "" if len(unused) == 1 else " (and %d more)" % (len(unused) - 1)))

    tokens = read_vocabulary(model_dir, n_vocab)
    filters = mel_filterbank(n_mels)

    hparams = (n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
               n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, 1)

    tmp_path = "%s.tmp-%d" % (out_path, os.getpid())
    try:
        with open(tmp_path, "wb") as out:
            out.write(struct.pack("<I", GGML_MAGIC))
            out.write(struct.pack("<11i", *hparams))
            n_bins = len(filters[0])
            out.write(struct.pack("<ii", n_mels, n_bins))
            for row in filters:
                out.write(struct.pack("<%df" % n_bins, *row))
            out.write(struct.pack("<i", len(tokens)))
            for t in tokens:
                out.write(struct.pack("<i", len(t)))
                out.write(t)
            for name, shape, ttype, data in conv.tensors:
                raw = name.encode("utf-8")
                out.write(struct.pack("<iii", len(shape), len(raw), ttype))
                out.write(struct.pack("<%di" % len(shape), *reversed(shape)))
                out.write(raw)
                out.write(data)
        os.replace(tmp_path, out_path)
    except BaseException:
        try:
            os.unlink(tmp_path)
        except OSError:
            pass
        raise
    return hparams, len(conv.tensors), len(tokens)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: %s MODEL_DIR OUT.bin\n" % os.path.basename(argv[0]))
        return 2
    try:
        hparams, n_tensors, n_tokens = convert(argv[1], argv[2])
    except ConversionError as e:
        sys.stderr.write("ct2-to-ggml: error: %s\n" % e)
        return 2
    except OSError as e:
        sys.stderr.write("ct2-to-ggml: error: %s\n" % e)
        return 2
    names = ("n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
             "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype")
    print("ct2-to-ggml: wrote %s: %s; %d tokens, %d tensors"
          % (argv[2], " ".join("%s=%d" % kv for kv in zip(names, hparams)), n_tokens, n_tensors))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
