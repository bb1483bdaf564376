#!/usr/bin/env bash
# Installs Smart Turn v3.2, a learned end-of-turn model, and what runs it into PREFIX, from three
# PyPI wheels pinned by version and sha256:
#
#   pipecat-ai 1.14.0 (py3-none-any)           -> smart-turn-v3.2-cpu.onnx, silero_vad.onnx (only these)
#   onnxruntime 1.32.0 (cp311, manylinux x86_64) -> the ONNX runtime's Python package
#   numpy 2.4.6 (cp311, manylinux x86_64)       -> numpy, the runtime's one import-time dependency
#
# and our own server (Sources/Speech/SmartTurn/smart_turn_server.py) that SmartTurnModel starts.
# No virtual environment: the wheels are unpacked into PREFIX/python and the server runs as
# `python3 -S` with PYTHONPATH=PREFIX/python. The wheels are built for CPython 3.11, Debian 12's.
#
# Usage: install-smart-turn.sh PREFIX
#
# Result:
#   PREFIX/share/ringside/smart-turn-v3.2-cpu.onnx   (+ .sha256)
#   PREFIX/share/ringside/silero_vad.onnx            (+ .sha256)
#   PREFIX/python/{numpy,onnxruntime,...}            unpacked wheels, byte-compiled
#   PREFIX/libexec/ringside/smart_turn_server.py
#   PREFIX/VERSION
#   PREFIX/.installed-<key>                          stamp: a later run with the same key returns at once
#
# The key covers the pins and the server's sha256, so an edited server is installed again.
# Downloads are kept in ${XDG_CACHE_HOME:-$HOME/.cache}/ringside/downloads and reused while their
# sha256 matches. The tree is built in PREFIX.tmp-<pid>, checked (the server's imports and the
# model load under the interpreter that will run it), and moved into place only when complete.
# PREFIX must be a directory of its own: an existing PREFIX is replaced only if it is empty or an
# earlier install made by this script.
#
# The interpreter: $RINGSIDE_SMART_TURN_PYTHON, else /usr/bin/python3, else python3 on PATH
# (SmartTurnModel picks it the same way); it must be CPython 3.11.
#
# Needs: bash, python3 3.11 with pip (Debian: python3-pip), sha256sum; network access to PyPI on a
# cold cache. Exit status 2 on a missing tool, a failed download, a hash mismatch or a failed check.
set -euo pipefail

# ---- pins -----------------------------------------------------------------------------
PIPECAT_VERSION=1.14.0
ONNXRUNTIME_VERSION=1.32.0
NUMPY_VERSION=2.4.6

PIPECAT_FILE=pipecat_ai-1.14.0-py3-none-any.whl
PIPECAT_SHA256=0352f504b44e78bdf524e45af4bc759601c835b9b7dc195efe5e03384b974a44
ONNXRUNTIME_FILE=onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl
ONNXRUNTIME_SHA256=5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d
NUMPY_FILE=numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
NUMPY_SHA256=89cd468399cfd2504718f0ba50e410dca55a170b61a02ad92bb18c8a65186e93

# The files taken from the pipecat-ai wheel.
MODEL_MEMBER=pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx
MODEL_SHA256=2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f
VAD_MEMBER=pipecat/audio/vad/data/silero_vad.onnx
VAD_SHA256=1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3

# Bump when the layout of PREFIX changes; the key also covers the pins above and the server.
LAYOUT_REVISION=1

# ---- helpers --------------------------------------------------------------------------
say() { echo "smart-turn: $*"; }
die() { echo "smart-turn: error: $*" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=pinned-install.sh
. "$HERE/pinned-install.sh"
parse_prefix "$@"

command -v sha256sum >/dev/null 2>&1 || die "sha256sum is not installed"

SERVER="$HERE/../../Sources/Speech/SmartTurn/smart_turn_server.py"
[ -f "$SERVER" ] || die "server not found: $SERVER"
SERVER_SHA256=$(sha256_of "$SERVER")

VERSION_KEY="pipecat-${PIPECAT_VERSION}_ort-${ONNXRUNTIME_VERSION}_numpy-${NUMPY_VERSION}_server-${SERVER_SHA256:0:12}_r${LAYOUT_REVISION}"
STAMP="$PREFIX/.installed-$VERSION_KEY"

# Fast path: a complete install with the same key is there.
if [ -f "$STAMP" ]; then
  say "up to date in $PREFIX ($VERSION_KEY)"
  exit 0
fi

choose_cpython311 RINGSIDE_SMART_TURN_PYTHON

INSTALL_MARKER=smart-turn
begin_install

T0=$(date +%s)

CP311=(--python-version 3.11 --implementation cp --abi cp311 --platform manylinux_2_28_x86_64)
fetch "$PIPECAT_FILE" "$PIPECAT_SHA256" --only-binary=:all: "pipecat-ai==$PIPECAT_VERSION"
fetch "$ONNXRUNTIME_FILE" "$ONNXRUNTIME_SHA256" --only-binary=:all: "${CP311[@]}" "onnxruntime==$ONNXRUNTIME_VERSION"
fetch "$NUMPY_FILE" "$NUMPY_SHA256" --only-binary=:all: "${CP311[@]}" "numpy==$NUMPY_VERSION"
check "$PIPECAT_FILE" "$PIPECAT_SHA256"
check "$ONNXRUNTIME_FILE" "$ONNXRUNTIME_SHA256"
check "$NUMPY_FILE" "$NUMPY_SHA256"

mkdir -p "$STAGE/share/ringside" "$STAGE/python" "$STAGE/libexec/ringside"

# ---- models ----------------------------------------------------------------------------
say "unpacking the models from pipecat-ai $PIPECAT_VERSION"
"$PYTHON" - "$CACHE/$PIPECAT_FILE" "$STAGE/share/ringside" "$MODEL_MEMBER" "$VAD_MEMBER" <<'PY'
import os, sys, zipfile
wheel, dest, members = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    for member in members:
        with z.open(member) as src, open(os.path.join(dest, os.path.basename(member)), "wb") as out:
            out.write(src.read())
PY
for pair in "$MODEL_MEMBER:$MODEL_SHA256" "$VAD_MEMBER:$VAD_SHA256"; do
  name=$(basename "${pair%%:*}")
  want=${pair##*:}
  got=$(sha256_of "$STAGE/share/ringside/$name")
  [ "$got" = "$want" ] || die "sha256 mismatch for $name (from $PIPECAT_FILE): expected $want, got $got"
  echo "$got  $name" >"$STAGE/share/ringside/$name.sha256"
  chmod 0644 "$STAGE/share/ringside/$name"
done

# ---- runtime ---------------------------------------------------------------------------
say "unpacking onnxruntime $ONNXRUNTIME_VERSION and numpy $NUMPY_VERSION"
for wheel in "$ONNXRUNTIME_FILE" "$NUMPY_FILE"; do
  "$PYTHON" -m zipfile -e "$CACHE/$wheel" "$STAGE/python" || die "cannot unpack $wheel"
done
# zipfile drops the execute bits; the shared objects are loaded with dlopen and need none, but
# keep the tree readable for every user of an installed copy.
chmod -R u+rwX,go+rX "$STAGE/python"
# Byte-compiled once here, so a read-only installed copy does not compile on every start. A few
# files the server never imports (tooling for other Python versions) may not compile: not an error.
"$PYTHON" -m compileall -q -j 0 "$STAGE/python" >/dev/null 2>&1 || true

install -m 0644 "$SERVER" "$STAGE/libexec/ringside/smart_turn_server.py"

# ---- check -----------------------------------------------------------------------------
say "checking the server's imports and the model load with $PYTHON"
PYTHONPATH="$STAGE/python" "$PYTHON" -S -B - "$STAGE/libexec/ringside" "$STAGE/share/ringside/smart-turn-v3.2-cpu.onnx" \
  >"$WORK/check.log" 2>&1 <<'PY' || { cat "$WORK/check.log" >&2; die "the installed runtime does not load the model"; }
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import smart_turn_server
model = smart_turn_server.Model(sys.argv[2], 1)
p = model.probability(np.zeros(16000, dtype=np.int16))
assert 0.0 <= p <= 1.0, p
PY

cat >"$STAGE/VERSION" <<EOF
smart-turn 3.2 (pipecat-ai $PIPECAT_VERSION)
onnxruntime $ONNXRUNTIME_VERSION
numpy $NUMPY_VERSION
server $SERVER_SHA256
checked with $PYTHON ($("$PYTHON" -c 'import platform; print(platform.python_version())'))
EOF
: >"$STAGE/.installed-$VERSION_KEY"

# ---- swap into place -------------------------------------------------------------------
finish_install

say "installed in $PREFIX ($(( $(date +%s) - T0 ))s)"
