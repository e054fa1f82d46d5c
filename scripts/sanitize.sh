#!/usr/bin/env bash
# The sanitizer build (issue 9): builds the unit-test binaries, the server, the runner and the hardening programs with
# ASan + UBSan into build-asan/ and runs the unit tests, the scenario suite against the reference server and the
# hardening tests there. Any sanitizer report fails the run (halt_on_error, leaks detected).
#
#   scripts/sanitize.sh [--configure-only] [extra ctest args]
#
# The build uses clang 16 when installed, with libFuzzer coverage instrumentation (-fsanitize=fuzzer-no-link), so the
# same build directory also serves scripts/fuzz.sh (FUZZ_BUILD_DIR=build-asan) and CI builds the sources once for
# both. Without clang 16 it falls back to g++ (no fuzzers). env: SANITIZE_BUILD_DIR (default build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${SANITIZE_BUILD_DIR:-build-asan}

configure() {
  [ -f "$BUILD/build.ninja" ] && grep -q 'SMBCONFORM_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null && return 0
  # -O1: sanitizer builds are run, not debugged; -g1 keeps line tables for reports and halves debug-info link time.
  local flags="-O1 -g1 -fno-omit-frame-pointer -fno-sanitize-recover=all"
  if command -v clang++-16 >/dev/null; then
    CC=clang-16 CXX=clang++-16 cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
      -DCMAKE_CXX_FLAGS_SANITIZE="$flags -fsanitize=fuzzer-no-link" -DCMAKE_C_FLAGS_SANITIZE="$flags" \
      -DSMBCONFORM_SANITIZE=ON -DSMBCONFORM_FUZZ=ON -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
  else
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="$flags" \
      -DCMAKE_C_FLAGS_SANITIZE="$flags" -DSMBCONFORM_SANITIZE=ON -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
  fi
}
configure
[ "${1:-}" = "--configure-only" ] && exit 0

TARGETS=(proto_tests server_tests harness_tests smbconform smbconform-server hostile_server durability_check soak_check)
t0=$(date +%s)
ninja -C "$BUILD" -j"$(nproc)" "${TARGETS[@]}"
t1=$(date +%s)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$BUILD"
# Unit tests (labels proto/server/harness), the scenario suite against ref, and the hardening tests; the tests against
# smbd/smbclient/tshark exercise the peers, not our code, and run in the normal build only.
rc=0
ctest --output-on-failure --timeout 900 -j"$(nproc)" -L '^(proto|server|harness|hardening)$' "$@" || rc=$?
ctest --output-on-failure --timeout 900 -R '^integration\.scenarios_ref$' "$@" || rc=$?
t2=$(date +%s)
echo "sanitize.sh: build $((t1 - t0)) s, tests $((t2 - t1)) s (wall, this machine)"
exit $rc
