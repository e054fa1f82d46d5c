#!/usr/bin/env bash
# The connection soak, full length (issue 9): 256 concurrent connections doing CREATE/LOCK/WRITE/UNLOCK/FLUSH/CLOSE on
# 4 shared files for 60 s against a fresh reference server (tests/hardening/soak.cpp says what is checked).
#   scripts/soak.sh [SECONDS] [CONNECTIONS]      env: BUILD_DIR (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
scripts/build.sh >/dev/null
exec "$BUILD/bin/soak_check" --server "$BUILD/bin/smbconform-server" --seconds "${1:-60}" --connections "${2:-256}" --files 4
