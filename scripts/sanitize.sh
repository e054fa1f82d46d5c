#!/usr/bin/env bash
# The sanitizer build (issue 9): builds the unit-test binaries, the server, the runner and the hardening programs with
# ASan + UBSan into build-asan/ and runs the unit tests, the scenario suite against the reference server and the
# hardening tests there. Any sanitizer report fails the run: ASan/UBSan/LSan write their reports to
# $BUILD/sanitizer-logs/ (log_path), so that a report from any process (the server started by the runner or by a
# hardening program, whose exit status nobody sees, included) is found there, printed and fails the step.
#
#   scripts/sanitize.sh [--configure-only | --build-only | --test-only] [extra ctest args]
#     --build-only / --test-only split the two halves, so that scripts/test.sh can compile this build in the
#     background (nice 19) while the normal build's tests run: they spend most of their time waiting on sockets and
#     timers, and the sanitizer compile fills the idle CPU.
#   env: SANITIZE_BUILD_DIR (default build-asan), SANITIZE_HARNESS_TESTS=1 (also build and run harness_tests, the
#        runner's unit tests: ~10% more build; the runner code itself runs sanitized in the scenario and hardening
#        tests either way), SANITIZE_FUZZERS=1 (also build the libFuzzer targets in the same ninja run, so that
#        scripts/fuzz.sh finds them built; what scripts/test.sh does), SANITIZE_OPT (default -O0; see configure).
#
# The build uses clang 16 when installed, with libFuzzer coverage instrumentation (-fsanitize=fuzzer-no-link), so the
# same build directory also serves scripts/fuzz.sh (FUZZ_BUILD_DIR=build-asan) and CI builds the sources once for
# both. Without clang 16 it falls back to g++ (no fuzzers).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${SANITIZE_BUILD_DIR:-build-asan}

configure() {
  # -O0 by default: the sanitizer build is run, not debugged, and its cost is compiling the template-heavy codec and
  # harness code, which -O1 makes far dearer under ASan + UBSan (clang 16, CPU s at -O1 / -O0, 2026-11-21:
  # harness/src/message_dispatch.cpp 101 / 22, proto/src/messages.cpp 22 / 11, server handlers/create.cpp 7.8 / 7.0).
  # ASan at -O0 runs ~2x slower, which the I/O- and timer-bound tests hardly notice.
  # SANITIZE_OPT=-O1 for the long fuzz runs (more executions per second). -g1 = line tables for the reports.
  local flags="${SANITIZE_OPT:--O0} -g1 -fno-omit-frame-pointer -fno-sanitize-recover=all"
  [ -f "$BUILD/build.ninja" ] && grep -q 'SMBCONFORM_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null &&
    grep -qxF "CMAKE_C_FLAGS_SANITIZE:STRING=$flags" "$BUILD/CMakeCache.txt" && return 0
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
MODE=all
case "${1:-}" in
  --configure-only) exit 0;;
  --build-only) MODE=build; shift;;
  --test-only) MODE=test; shift;;
esac

TARGETS=(proto_tests server_tests smbconform smbconform-server hostile_server durability_check soak_check)
LABELS='proto|server|hardening'
if [ "${SANITIZE_HARNESS_TESTS:-0}" = 1 ]; then TARGETS+=(harness_tests); LABELS+='|harness'; fi
if [ "${SANITIZE_FUZZERS:-0}" = 1 ] && grep -q 'SMBCONFORM_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then TARGETS+=(fuzzers); fi
t0=$(date +%s)
[ "$MODE" = test ] || ninja -C "$BUILD" -j"$(nproc)" "${TARGETS[@]}"
t1=$(date +%s)
if [ "$MODE" = build ]; then echo "sanitize.sh: build $((t1 - t0)) s (wall, this machine)"; exit 0; fi

LOGS="$(cd "$BUILD" && pwd)/sanitizer-logs"
rm -rf "$LOGS"; mkdir -p "$LOGS"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0}:log_path=$LOGS/asan
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$LOGS/ubsan
cd "$BUILD"
# Unit tests (labels proto/server[/harness]), the scenario suite against ref, and the hardening tests; the tests
# against smbd/smbclient/tshark exercise the peers, not our code, and run in the normal build only.
rc=0
ctest --output-on-failure --timeout 900 -j"$(nproc)" -L "^($LABELS)\$" "$@" || rc=$?
ctest --output-on-failure --timeout 900 -R '^integration\.scenarios_ref$' "$@" || rc=$?
t2=$(date +%s)
reports=$(find "$LOGS" -type f | sort)
if [ -n "$reports" ]; then
  echo "sanitize.sh: $(echo "$reports" | wc -l) sanitizer report(s):"
  for f in $reports; do echo "==== $f"; head -n 60 "$f"; done
  rc=1
fi
echo "sanitize.sh: build $((t1 - t0)) s, tests $((t2 - t1)) s (wall, this machine); sanitizer reports: $(echo -n "$reports" | grep -c . || true)"
exit $rc
