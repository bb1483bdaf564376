#!/usr/bin/env python3
"""Quantise a whisper.cpp ggml model file (f16/f32 weights) to Q8_0.

Usage: ggml-quantize-q8.py LIBGGML_BASE IN.bin OUT.bin

IN.bin is the legacy ggml layout that ct2-to-ggml.py writes (see there). Every
two-dimensional weight matrix whose rows are a whole number of 32-value blocks
becomes Q8_0, except the positional embeddings; everything else (layer norms,
biases, the convolution kernels, the mel filterbank, the vocabulary) is copied
unchanged, and the ftype hyper-parameter says Q8_0 (with ggml's quantisation
version), which is the layout whisper.cpp's loader expects of a Q8_0 model.
The blocks are written by ggml's own ggml_quantize_chunk() from LIBGGML_BASE
(the libggml-base that libwhisper is linked with), so the format is the one
the library reads. Q8_0 halves the weights and makes a decode on the CPU
faster; WER is measured against the f16 file by `ringside-bench suite`.

Only the Python 3 standard library is used. The output is a pure function of
the input file and the library. Exit status 2 on input it does not understand.
"""

import array
import ctypes
import struct
import sys

GGML_MAGIC = 0x67676D6C
TYPE_F32, TYPE_F16, TYPE_Q8_0 = 0, 1, 8
GGML_FTYPE_MOSTLY_Q8_0 = 7
GGML_QNT_VERSION, GGML_QNT_VERSION_FACTOR = 2, 1000
BLOCK = 32
BLOCK_BYTES = 2 + BLOCK  # one f16 scale and 32 int8


class Reader:
    def __init__(self, data, path):
        self.data, self.path, self.offset = data, path, 0

    def take(self, n):
        if self.offset + n > len(self.data):
            raise ValueError("%s: cut short at byte %d" % (self.path, self.offset))
        chunk = self.data[self.offset:self.offset + n]
        self.offset += n
        return chunk

    def i32(self):
        return struct.unpack("<i", self.take(4))[0]


def quantise(lib, values, rows, per_row):
    out = ctypes.create_string_buffer(rows * per_row // BLOCK * BLOCK_BYTES)
    written = lib.ggml_quantize_chunk(TYPE_Q8_0, values.buffer_info()[0], out, 0, rows, per_row, None)
    if written != len(out):
        raise ValueError("ggml_quantize_chunk wrote %d bytes, expected %d" % (written, len(out)))
    return out.raw


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: ggml-quantize-q8.py LIBGGML_BASE IN.bin OUT.bin\n")
        return 2
    lib_path, src, dst = argv[1:]
    try:
        lib = ctypes.CDLL(lib_path)
        lib.ggml_quantize_chunk.restype = ctypes.c_size_t
        lib.ggml_quantize_chunk.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                                            ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
        with open(src, "rb") as f:
            r = Reader(f.read(), src)
        out = bytearray()
        if r.i32() != GGML_MAGIC:
            raise ValueError("%s: not a ggml model (bad magic)" % src)
        hparams = [r.i32() for _ in range(11)]
        if hparams[10] % GGML_QNT_VERSION_FACTOR not in (0, 1):
            raise ValueError("%s: already quantised (ftype %d)" % (src, hparams[10]))
        hparams[10] = GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR + GGML_FTYPE_MOSTLY_Q8_0
        out += struct.pack("<i11i", GGML_MAGIC, *hparams)
        n_mel, n_fft = r.i32(), r.i32()
        out += struct.pack("<ii", n_mel, n_fft) + r.take(4 * n_mel * n_fft)
        tokens = r.i32()
        out += struct.pack("<i", tokens)
        for _ in range(tokens):
            length = r.i32()
            out += struct.pack("<i", length) + r.take(length)
        quantised = 0
        while r.offset < len(r.data):
            n_dims, name_length, ttype = r.i32(), r.i32(), r.i32()
            if not 1 <= n_dims <= 4 or ttype not in (TYPE_F32, TYPE_F16):
                raise ValueError("%s: tensor at byte %d: %d dims, type %d" % (src, r.offset, n_dims, ttype))
            dims = [r.i32() for _ in range(n_dims)]
            name = r.take(name_length)
            count = 1
            for d in dims:
                count *= d
            raw = r.take(count * (4 if ttype == TYPE_F32 else 2))
            if n_dims == 2 and dims[0] % BLOCK == 0 and b"positional_embedding" not in name:
                values = array.array("f", struct.unpack("<%d%s" % (count, "f" if ttype == TYPE_F32 else "e"), raw))
                raw, ttype = quantise(lib, values, dims[1], dims[0]), TYPE_Q8_0
                quantised += 1
            out += struct.pack("<iii", n_dims, name_length, ttype) + struct.pack("<%di" % n_dims, *dims) + name + raw
        if quantised == 0:
            raise ValueError("%s: no weight matrix to quantise" % src)
        with open(dst, "wb") as f:
            f.write(out)
        print("%s: %d matrices to Q8_0, %d -> %d bytes" % (dst, quantised, len(r.data), len(out)))
        return 0
    except (OSError, ValueError, AttributeError) as e:
        sys.stderr.write("ggml-quantize-q8.py: %s\n" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
