#!/usr/bin/env bash
# Benchmarks (issue 9): runner throughput against the reference server, then the reference server and Debian's smbd
# side by side (smbtorture load generators + our WRITE and LOCK loops, CPU per operation, memory at 100 connections).
# Prints figures; asserts nothing. Needs root (smbd switches to the share users).
#   scripts/bench.sh [SECONDS_PER_CELL]      env: BUILD_DIR (default build), BENCH_CONNECTIONS (default 1,16,64)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
SECONDS_PER_CELL=${1:-5}
scripts/build.sh >/dev/null
ninja -C "$BUILD" runner_bench server_bench >/dev/null
echo "== machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/bin/runner_bench" --runner "$BUILD/bin/smbconform" --scenarios scenarios --repeat 3 --repeat-full 1
W=$(mktemp -d /tmp/smbconform-bench-smbd.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
trap 'scripts/smbd-down.sh "$W" >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
SMBD_PID=$(scripts/smbd-up.sh "$W" "$PORT" --lifetime 3600)
"$BUILD/bin/server_bench" --ref-server "$BUILD/bin/smbconform-server" --smbd-port "$PORT" --smbd-pid "$SMBD_PID" \
  --smbd-conf "$W/client.conf" --seconds "$SECONDS_PER_CELL" --connections "${BENCH_CONNECTIONS:-1,16,64}"
