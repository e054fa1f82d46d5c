#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 16, ASan+UBSan, in the sanitizer build build-asan/) and runs each one, seeded from captures/, the
# scenario files and a seed generator. Bounded by time (CI) or by executions (the long run of issue 9).
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [TARGET...]
#     --time S    each target runs S seconds (default 10 when --runs is not given)
#     --runs N    each target runs N executions (the README figure is --runs 10000000); with --time too, whichever
#                 limit comes first ends the target
#   env: FUZZ_BUILD_DIR (default build-asan), FUZZ_REPORT=path/to/report.json (a `smbconform run --json` report
#        against the reference server: its sent/received messages become SMB2 seeds), FUZZ_ROUNDTRIP=1 (also abort
#        when our own encoding of a decoded message does not decode).
#
# Exit status 0 when no target found a crash, leak or sanitizer report; crashing inputs are kept in
# $FUZZ_BUILD_DIR/fuzz-artifacts/. The corpus grows across runs in $FUZZ_BUILD_DIR/fuzz-corpus/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
BUILD=${FUZZ_BUILD_DIR:-build-asan}
TIME=; RUNS=
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) TIME=${2:?}; shift 2;;
    --runs) RUNS=${2:?}; shift 2;;
    -h|--help) sed -n '2,15p' "$0"; exit 0;;
    *) TARGETS+=("$1"); shift;;
  esac
done
ALL=(fuzz_smb2_request fuzz_smb2_response fuzz_smb1_request fuzz_smb1_response fuzz_ntlmssp fuzz_spnego
     fuzz_scenario_loader fuzz_server_dispatch)
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")

command -v clang++-16 >/dev/null || { echo "fuzz.sh: clang++-16 not installed (scripts/install-deps.sh)" >&2; exit 1; }
# The fuzzers live in the sanitizer build (clang 16, ASan + UBSan + libFuzzer coverage): configure it the same way.
# FUZZ_NO_BUILD=1 runs the binaries already there (a long run on a fixed build while the sources move on).
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  SANITIZE_BUILD_DIR="$BUILD" scripts/sanitize.sh --configure-only
  ninja -C "$BUILD" -j"$(nproc)" "${TARGETS[@]}" make_seeds >/dev/null
fi

# ---- seeds ------------------------------------------------------------------------------------------------------
SEEDS="$BUILD/fuzz-seeds"
rm -rf "$SEEDS"
"$BUILD/fuzz/make_seeds" "$SEEDS" >/dev/null
mkdir -p "$SEEDS/smb1_request" "$SEEDS/smb1_response" "$SEEDS/scenario_loader" "$SEEDS/smb2_request" \
         "$SEEDS/smb2_response" "$SEEDS/server_dispatch"
# captures/golden/**.bin: SMB1 (0xFF 'SMB') by the REPLY flag (MS-CIFS 2.2.3.1 Flags bit 0x80), SMB2 (0xFE 'SMB') by
# SMB2_FLAGS_SERVER_TO_REDIR (MS-SMB2 2.2.1 Flags bit 0x1); a capture may carry the 4-byte stream header.
find captures -name '*.bin' -print0 2>/dev/null | while IFS= read -r -d '' f; do
  python3 - "$f" "$SEEDS" <<'PY'
import sys, os, hashlib
f, seeds = sys.argv[1], sys.argv[2]
b = open(f, "rb").read()
if len(b) >= 8 and b[0] == 0 and b[4:5] in (b"\xff", b"\xfe"):
    b = b[4:]
name = hashlib.sha1(b).hexdigest()[:16] + ".bin"
if b[:4] == b"\xffSMB" and len(b) > 9:
    d = "smb1_response" if b[9] & 0x80 else "smb1_request"
    open(os.path.join(seeds, d, name), "wb").write(b)
    open(os.path.join(seeds, "server_dispatch", "cap_" + name), "wb").write(b"\x00\x00\x00" + b"\x00" + len(b).to_bytes(3, "big") + b)
elif b[:4] == b"\xfeSMB" and len(b) > 0x10:
    d = "smb2_response" if b[0x10] & 1 else "smb2_request"
    open(os.path.join(seeds, d, name), "wb").write(b)
PY
done
find scenarios -name '*.json' -exec cp {} "$SEEDS/scenario_loader/" \;
if [ -n "${FUZZ_REPORT:-}" ] && [ -f "$FUZZ_REPORT" ]; then
  # Every message of a scenario run: requests and responses as decoder seeds; each scenario's requests, in order,
  # as one logged-on server_dispatch record stream (flags 0x09: log on, patch ids; see fuzz_server_dispatch.cpp).
  python3 - "$FUZZ_REPORT" "$SEEDS" <<'PY'
import sys, json, os, hashlib
rep, seeds = json.load(open(sys.argv[1])), sys.argv[2]
def put(d, b, prefix=b""):
    open(os.path.join(seeds, d, hashlib.sha1(prefix + b).hexdigest()[:16] + ".bin"), "wb").write(prefix + b)
for s in rep.get("scenarios", []):
    records = b""
    for st in s.get("steps", []):
        for m in st.get("sent", []):
            if m.get("hex"):
                b = bytes.fromhex(m["hex"]); put("smb2_request", b)
                records += len(b).to_bytes(2, "little") + b
        for m in st.get("received", []):
            if m.get("hex"):
                put("smb2_response", bytes.fromhex(m["hex"]))
    if records:
        put("server_dispatch", records, b"\x09")
PY
fi

# ---- run --------------------------------------------------------------------------------------------------------
mkdir -p "$BUILD/fuzz-artifacts" "$BUILD/fuzz-logs"
[ -n "$TIME$RUNS" ] || TIME=10
LIMIT=()
[ -z "$TIME" ] || LIMIT+=(-max_total_time="$TIME")
[ -z "$RUNS" ] || LIMIT+=(-runs="$RUNS")
export SMBCONFORM_FUZZ_ROUNDTRIP=${FUZZ_ROUNDTRIP:-0}
# detect_leaks: a leak fails the run (issue 9: "no crash, leak or sanitizer report").
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
printf '%-22s %12s %10s %8s %8s  %s\n' target executions exec/s seconds corpus result
for t in "${TARGETS[@]}"; do
  seed_dir="$SEEDS/${t#fuzz_}"
  corpus="$BUILD/fuzz-corpus/$t"
  mkdir -p "$corpus" "$seed_dir"
  log="$BUILD/fuzz-logs/$t.log"
  t0=$(date +%s)
  rc=0
  "$BUILD/fuzz/$t" "${LIMIT[@]}" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$BUILD/fuzz-artifacts/$t-" "$corpus" "$seed_dir" >"$log" 2>&1 || rc=$?
  secs=$(( $(date +%s) - t0 ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  n=$(find "$corpus" -type f | wc -l)
  result=clean
  if [ "$rc" -eq 72 ] && grep -q 'libFuzzer: run interrupted' "$log"; then
    # libFuzzer's -interrupted_exitcode: the fuzzer was stopped with SIGINT/SIGTERM (e.g. a long run ended by hand
    # once two workers' sum passed the target). Nothing was found up to then (a finding exits otherwise, with an
    # artifact), but the run did not complete its budget, so the script still exits non-zero.
    result="interrupted (exit 72: stopped by a signal; nothing found until then)"
    status=1
  elif [ "$rc" -ne 0 ]; then
    result="FAILED (exit $rc, see $log)"
    status=1
    grep -m3 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$log" | sed 's/^/    /' || true
  fi
  printf '%-22s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$secs" "$n" "$result"
done
exit $status
