#!/usr/bin/env bash
# Durability under kill -9, the full count (issue 9): 100 trials of SMB2 WRITE + FLUSH and 100 of SMB1
# WRITE_AND_CLOSE, each followed by SIGKILL of the reference server, a restart and a byte-for-byte read-back.
#   scripts/durability.sh [TRIALS]      env: BUILD_DIR (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
TRIALS=${1:-100}
# Only the two programs this needs (configured as scripts/build.sh does when the build directory is new).
[ -f "$BUILD/build.ninja" ] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
ninja -C "$BUILD" -j"$(nproc)" durability_check smbconform-server >/dev/null
rc=0
for p in smb2 smb1; do
  r=0
  "$BUILD/bin/durability_check" --server "$BUILD/bin/smbconform-server" --protocol "$p" --trials "$TRIALS" \
    --seed "$(date +%s)" || r=$?
  [ "$r" -eq 77 ] && { echo "durability $p: skipped (the server does not speak SMB1)"; continue; }
  [ "$r" -eq 0 ] || rc=1
done
exit $rc
