#!/usr/bin/env bash
# A local SIP farm to try: kamailio on 127.0.0.1:5070 dispatching to N `ringside serve` instances on
# 127.0.0.1:5071… (default 3), each recording under RUN_DIR/instance-K. Ctrl-C stops everything.
#
#   deploy/kamailio/farm.sh [--instances N] [--agent DIR] [--max-calls N] [--run-dir DIR]
#   ringside call sip:agent@127.0.0.1:5070          # in another terminal: each call lands on an instance
#
# RINGSIDE (default: ringside on PATH, else .build/release or .build/debug) and KAMAILIO name the programs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
instances=3
agent="$repo/sample-calls/clinic"
max_calls=4
run_dir="$repo/.farm"
proxy_port=5070

while [ $# -gt 0 ]; do
    case "$1" in
        --instances) instances=$2; shift 2 ;;
        --agent) agent=$2; shift 2 ;;
        --max-calls) max_calls=$2; shift 2 ;;
        --run-dir) run_dir=$2; shift 2 ;;
        --port) proxy_port=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "farm.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$instances" in ''|*[!0-9]*) echo "farm.sh: --instances must be a number" >&2; exit 2 ;; esac

ringside=${RINGSIDE:-$(command -v ringside || true)}
for candidate in "$repo/.build/release/ringside" "$repo/.build/debug/ringside"; do
    [ -n "$ringside" ] || { [ -x "$candidate" ] && ringside=$candidate; } || true
done
[ -n "$ringside" ] || { echo "farm.sh: no ringside found (make build, or set RINGSIDE)" >&2; exit 2; }
kamailio=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
[ -x "$kamailio" ] || { echo "farm.sh: kamailio is not installed (apt-get install kamailio)" >&2; exit 2; }

mkdir -p "$run_dir"
list="$run_dir/dispatcher.list"
: > "$list"
pids=()
stop() {
    trap - INT TERM EXIT
    echo "stopping the farm"
    # serve instances say goodbye and hang up (graceful shutdown); kamailio last.
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

for k in $(seq 1 "$instances"); do
    port=$((proxy_port + k))
    echo "1 sip:127.0.0.1:$port" >> "$list"
    mkdir -p "$run_dir/instance-$k"
    "$ringside" serve --headless --agent "$agent" --address 127.0.0.1 --port "$port" --max-calls "$max_calls" \
        --record "$run_dir/instance-$k" > "$run_dir/instance-$k.log" 2>&1 &
    pids+=($!)
    echo "instance $k: sip:agent@127.0.0.1:$port (log $run_dir/instance-$k.log)"
done
"$kamailio" -DD -E -m 32 -M 8 -P "$run_dir/kamailio.pid" -Y "$run_dir" -f "$here/kamailio.cfg" -l "udp:127.0.0.1:$proxy_port" \
    -A "DISPATCHER_LIST=\"$list\"" > "$run_dir/kamailio.log" 2>&1 &
proxy=$!
pids+=($proxy)
echo "kamailio: sip:agent@127.0.0.1:$proxy_port (log $run_dir/kamailio.log); Ctrl-C stops the farm"
# Instances may be stopped and started again (kamailio marks them down and up); the farm lives as long as kamailio.
wait "$proxy" || true
echo "kamailio ended; see $run_dir/kamailio.log" >&2
