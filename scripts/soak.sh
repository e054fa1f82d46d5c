#!/usr/bin/env bash
# The connection soak, full length (issue 9): 256 concurrent connections doing CREATE/LOCK/WRITE/UNLOCK/FLUSH/CLOSE on
# 4 shared files for 60 s against a fresh reference server (tests/hardening/soak.cpp says what is checked).
#   scripts/soak.sh [SECONDS] [CONNECTIONS]      env: BUILD_DIR (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
# Only the two programs this needs (configured as scripts/build.sh does when the build directory is new).
[ -f "$BUILD/build.ninja" ] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
ninja -C "$BUILD" -j"$(nproc)" soak_check smbconform-server >/dev/null
exec "$BUILD/bin/soak_check" --server "$BUILD/bin/smbconform-server" --seconds "${1:-60}" --connections "${2:-256}" --files 4
