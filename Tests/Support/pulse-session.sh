#!/usr/bin/env bash
# Starts a private PulseAudio daemon (its own runtime folder, a null sink whose monitor is the
# default source) unless one is already reachable, and prints `export PULSE_SERVER=…`.
# Usage: eval "$(bash Tests/Support/pulse-session.sh)"
set -euo pipefail
if [ -n "${PULSE_SERVER:-}" ] && pactl info >/dev/null 2>&1; then
  echo "export PULSE_SERVER=$PULSE_SERVER"
  exit 0
fi
dir=$(mktemp -d /tmp/ringside-pulse.XXXXXX)
mkdir -p "$dir/home" "$dir/run"
cat > "$dir/default.pa" <<PA
load-module module-native-protocol-unix auth-anonymous=1 socket=$dir/native
load-module module-null-sink sink_name=ringside_null rate=48000 sink_properties=device.description=Ringside_null_sink
set-default-sink ringside_null
set-default-source ringside_null.monitor
PA
HOME="$dir/home" XDG_RUNTIME_DIR="$dir/run" pulseaudio --daemonize=yes --exit-idle-time=-1 -n \
  -F "$dir/default.pa" --log-target="file:$dir/pulse.log" >/dev/null 2>&1
for _ in $(seq 100); do
  PULSE_SERVER="unix:$dir/native" pactl info >/dev/null 2>&1 && break
  sleep 0.1
done
if ! PULSE_SERVER="unix:$dir/native" pactl info >/dev/null 2>&1; then
  echo "echo 'ringside: the private PulseAudio daemon did not start; see $dir/pulse.log' >&2"
  exit 1
fi
echo "export PULSE_SERVER=unix:$dir/native"
echo "export RINGSIDE_PULSE_DIR=$dir"
