#!/usr/bin/env bash
# Quick-start command 2: installs what is missing, builds, and runs every test (CTest: unit, server, runner,
# integration against real smbd/smbclient/tshark; pytest for the Python package).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
rc=0
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@" || rc=$?
cd ..
# Issue 9, bounded, on by default (SMBCONFORM_SANITIZE=0 / SMBCONFORM_FUZZ=0 skip them): the ASan+UBSan build
# (clang 16, -O0, line tables only, no harness unit tests) with the unit, scenario and hardening tests, then each
# libFuzzer target for SMBCONFORM_FUZZ_SECONDS (default 10) from the same build. Any sanitizer report, crash or leak
# fails the run. The long runs (10M executions per fuzzer, 100 durability trials, the 60 s soak) are scripts/fuzz.sh
# --runs, scripts/durability.sh and scripts/soak.sh.
if [ "${SMBCONFORM_SANITIZE:-1}" = 1 ]; then
  s=$(date +%s)
  fz=0; [ "${SMBCONFORM_FUZZ:-1}" = 1 ] && fz=1
  SANITIZE_FUZZERS=$fz scripts/sanitize.sh || rc=1
  echo "test.sh: sanitizer step $(( $(date +%s) - s )) s wall"
fi
if [ "${SMBCONFORM_FUZZ:-1}" = 1 ]; then
  if command -v clang++-16 >/dev/null; then
    s=$(date +%s)
    FUZZ_BUILD_DIR=build-asan scripts/fuzz.sh --time "${SMBCONFORM_FUZZ_SECONDS:-10}" || rc=1
    echo "test.sh: fuzz step $(( $(date +%s) - s )) s wall"
  else
    echo "test.sh: fuzz step skipped: clang++-16 not installed" >&2
  fi
fi
exit $rc
