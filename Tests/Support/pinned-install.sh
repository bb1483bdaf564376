# Shared by the install-*.sh scripts: a PyPI download cache checked by sha256 and a PREFIX built
# beside itself and moved into place when complete. Sourced, not run. The script sets first:
#   PREFIX, STAMP, VERSION_KEY    where to install, its stamp file, the key the stamp carries
#   INSTALL_MARKER                the first word of PREFIX/VERSION in an install this script made
#   PYTHON                        the interpreter whose pip downloads (default python3)
#   say, die                      its message functions
# and then calls `parse_prefix "$@"`, `begin_install`, `fetch`, `check` and `finish_install`; the staged tree is "$STAGE", scratch "$WORK".

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# parse_prefix ARGS... : the one argument, PREFIX, made absolute (usage and exit 2 otherwise).
parse_prefix() {
  if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $(basename "$0") PREFIX" >&2
    exit 2
  fi
  case "$1" in
    /*) PREFIX=$1 ;;
    *) PREFIX=$PWD/$1 ;;
  esac
  PREFIX=${PREFIX%/}
  [ -n "$PREFIX" ] || die "PREFIX must not be /"
}

# Checks PREFIX may be replaced, takes the per-PREFIX lock (returning early through exit 0 when
# another run finished the same install meanwhile) and sets up STAGE, WORK and their clean-up.
begin_install() {
  # An existing PREFIX is replaced only if it is empty or one of our installs.
  if { [ -e "$PREFIX" ] || [ -L "$PREFIX" ]; } && ! { [ -d "$PREFIX" ] && [ ! -L "$PREFIX" ] \
      && { [ -z "$(ls -A "$PREFIX")" ] || grep -qs "^$INSTALL_MARKER " "$PREFIX/VERSION"; }; }; then
    die "$PREFIX exists and is not an install made by this script; remove it or pick another PREFIX"
  fi

  CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ringside/downloads"
  mkdir -p "$CACHE"
  mkdir -p "$(dirname "$PREFIX")"

  # One install at a time per PREFIX (concurrent test runs); re-check the stamp once we hold it.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$PREFIX.lock"
    flock 9
    if [ -f "$STAMP" ]; then
      say "up to date in $PREFIX ($VERSION_KEY)"
      exit 0
    fi
  fi

  # Leftovers of interrupted runs (safe: we hold the lock).
  rm -rf "$PREFIX".tmp-* "$PREFIX".old-*

  STAGE="$PREFIX.tmp-$$"
  WORK="$PREFIX.tmp-$$-work"   # scratch space; also matched by the clean-up above
  mkdir -p "$WORK"
  trap 'rm -rf "$STAGE" "$WORK"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# fetch FILE SHA256 PIP-ARGS... : make sure $CACHE/FILE exists with that sha256.
fetch() {
  local file=$1 want=$2
  shift 2
  local cached="$CACHE/$file" got
  if [ -f "$cached" ]; then
    got=$(sha256_of "$cached")
    if [ "$got" = "$want" ]; then
      say "cached $file"
      return 0
    fi
    say "cached $file has sha256 $got, not $want; downloading it again"
    rm -f "$cached"
  fi
  say "downloading $file"
  local dir="$WORK/pip-$file"
  mkdir -p "$dir"
  if ! "${PYTHON:-python3}" -m pip download --disable-pip-version-check --no-input --progress-bar off \
      --no-deps -d "$dir" "$@" >"$WORK/pip.log" 2>&1; then
    tail -n 20 "$WORK/pip.log" >&2
    die "pip download failed for $file (pip ${*: -1})"
  fi
  [ -f "$dir/$file" ] || die "pip download did not produce $file (got: $(cd "$dir" && echo *))"
  got=$(sha256_of "$dir/$file")
  [ "$got" = "$want" ] || die "sha256 mismatch for $file: expected $want, got $got"
  mv -f "$dir/$file" "$cached.part-$$"
  mv -f "$cached.part-$$" "$cached"
}

# check FILE SHA256 : verify a cached file again right before it is used.
check() {
  local got
  got=$(sha256_of "$CACHE/$1")
  [ "$got" = "$2" ] || die "sha256 mismatch for $1: expected $2, got $got"
}


# choose_cpython311 VAR : sets PYTHON to $VAR, else /usr/bin/python3, else python3 on PATH, and checks it
# is CPython 3.11 (the pinned binary wheels are cp311) with pip.
choose_cpython311() {
  local override=${!1:-}
  if [ -n "$override" ]; then
    PYTHON=$override
  elif [ -x /usr/bin/python3 ]; then
    PYTHON=/usr/bin/python3
  else
    PYTHON=$(command -v python3 || true)
  fi
  [ -n "$PYTHON" ] && "$PYTHON" -c "" 2>/dev/null \
    || die "python3 is not installed; on Debian run: apt-get install -y python3-pip"
  local tag
  tag=$("$PYTHON" -c 'import sys; print(f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}")')
  [ "$tag" = "cpython-3.11" ] \
    || die "$PYTHON is $tag; the pinned wheels need CPython 3.11 (Debian 12's python3; $1 may name one)"
  "$PYTHON" -m pip --version >/dev/null 2>&1 \
    || die "pip for $PYTHON is not installed; on Debian run: apt-get install -y python3-pip"
}

# Moves the complete staged tree into place, replacing an earlier install (begin_install has
# checked that PREFIX is ours to replace).
finish_install() {
  if [ -e "$PREFIX" ] || [ -L "$PREFIX" ]; then
    mv "$PREFIX" "$PREFIX.old-$$"
  fi
  mv "$STAGE" "$PREFIX"
  rm -rf "$PREFIX.old-$$"
}
