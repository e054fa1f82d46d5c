#!/usr/bin/env bash
# The runner against a hostile server (issue 9): for each behaviour (reset, stall, garbage, oversized frame,
# endless interim responses) a hostile proxy relays the first 0..K frames of every connection to the reference
# server and then misbehaves. Every scenario must end within its timeout bound, the run must end with exit status
# 0 or 1 (never a crash, hang or usage error), and the JSON report must list every scenario it was given. With
# nothing relayed (K = 0) no scenario may pass: every one ends ungraded or fail (or unsupported, decided before
# connecting).
#
#   hostile_test.sh BUILD_DIR SOURCE_DIR [--full]
#
# CI (well under 90 s): the five behaviours with K drawn per connection from 0..10, plus one pure-hostile run, each
# on its own seeded sample of HOSTILE_SCENARIOS scenarios (default 24) with a 300 ms step timeout. --full runs every
# scenario in every case and adds every fixed K in 0..12 for every behaviour (a long run; many minutes).
# HOSTILE_MODES="reset stall" limits the behaviours (and skips the pure-hostile run), HOSTILE_SEED reproduces a run
# (the same seed draws the same samples and the same per-connection K), HOSTILE_TIMEOUT_MS sets the step timeout,
# HOSTILE_SCENARIOS=all runs every scenario in the CI cases too.
set -euo pipefail
BUILD=$1; SRC=$2; FULL=${3:-}
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
WORK=$(mktemp -d /tmp/smbconform-hostile.XXXXXX)
HPID=""
cleanup() {
  [ -n "$HPID" ] && { kill -TERM "$HPID" 2>/dev/null || true; wait "$HPID" 2>/dev/null || true; }
  stop_ref_server
  rm -rf "$WORK"
}
trap cleanup EXIT
start_ref_server "$BUILD/bin/smbconform-server" "$WORK/ref"

TIMEOUT_MS=${HOSTILE_TIMEOUT_MS:-300}
SEED=${HOSTILE_SEED:-$(date +%s)}
PER_CASE=${HOSTILE_SCENARIOS:-24}
[ "$FULL" = "--full" ] && PER_CASE=all
CASE_LIMIT=45  # seconds one case may take before it counts as a hang (a CI case takes a few seconds)
[ "$PER_CASE" = all ] && CASE_LIMIT=300
echo "hostile_test: seed $SEED (HOSTILE_SEED=$SEED reproduces), step timeout ${TIMEOUT_MS} ms, scenarios per case $PER_CASE"
find scenarios -name '*.json' -not -path 'scenarios/_prologue/*' -not -path 'scenarios/schema/*' | sort >"$WORK/all.txt"

# pick LABEL OUT: writes the scenario files of one case to OUT, a sample drawn from the seed and the label.
pick() {
  python3 - "$WORK/all.txt" "$PER_CASE" "$SEED" "$1" >"$2" <<'PY'
import random, sys
files = open(sys.argv[1]).read().split()
n, seed, label = sys.argv[2], sys.argv[3], sys.argv[4]
if n != "all" and int(n) < len(files):
    files = sorted(random.Random(f"{seed}/{label}").sample(files, int(n)))
print("\n".join(files))
PY
}

fail=0
# run_case LABEL STRICT hostile_server-args...
run_case() {
  local label=$1 strict=$2; shift 2
  local out="$WORK/$label"
  mkdir -p "$out"
  "$BUILD/bin/hostile_server" --seed "$SEED" "$@" >"$out/hostile.out" 2>"$out/hostile.err" &
  HPID=$!
  local port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out/hostile.out" | head -n1)
    [ -n "$port" ] && break
    sleep 0.05
  done
  if [ -z "$port" ]; then echo "FAIL [$label]: hostile_server did not start"; cat "$out/hostile.err"; fail=1; return; fi
  local t0 rc=0
  pick "$label" "$out/scenarios.txt"
  t0=$(date +%s%N)
  # 8 jobs: the scenarios mostly wait on the network, so the run stays short even when every step times out.
  # Nothing here may take a minute: `timeout` turns a hang into status 124, reported as such below.
  # shellcheck disable=SC2046
  timeout -k 5 "$CASE_LIMIT" "$BUILD/bin/smbconform" run $(cat "$out/scenarios.txt") \
    --target "smb://alice:secret@127.0.0.1:$port/share" --user2 bob:secret2 -j 8 --timeout-ms "$TIMEOUT_MS" \
    --json "$out/report.json" >"$out/run.out" 2>"$out/run.err" || rc=$?
  local wall=$(( ($(date +%s%N) - t0) / 1000000 ))
  kill -TERM "$HPID" 2>/dev/null || true
  wait "$HPID" 2>/dev/null || true
  HPID=""
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "FAIL [$label]: smbconform exited with status $rc (0 or 1 expected; 124 = still running after $CASE_LIMIT s: a hang)"
    tail -n 20 "$out/run.out" "$out/run.err"; fail=1; return
  fi
  if ! python3 - "$out/report.json" "$TIMEOUT_MS" "$strict" "$label" "$out/scenarios.txt" <<'PY'
import json, sys, os
report, T, strict, label = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "strict", sys.argv[4]
given = open(sys.argv[5]).read().split()
rep = json.load(open(report))
def numbers(node, keys=("ms", "timeout_ms")):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in keys and isinstance(v, (int, float)):
                yield v
            else:
                yield from numbers(v, keys)
    elif isinstance(node, list):
        for v in node:
            yield from numbers(v, keys)
bad = []
files = set()
for s in rep["scenarios"]:
    files.add(os.path.normpath(s["file"]))
    sc = json.load(open(s["file"]))
    conns = max(1, len(sc.get("connections", {})))
    steps = sum(4 if "use" in st else 1 for st in sc.get("steps", []))
    tmax = max([T] + list(numbers(sc)))
    # Each connection's prologue has 2T, $dir setup 2T, each step at most its own timeout; 3 s for a loaded machine.
    bound = (2 * conns + 2 + steps) * tmax + 3000
    if s["duration_ms"] > bound:
        bad.append(f'{s["id"]}: took {s["duration_ms"]} ms, bound {bound} ms ({s["verdict"]}: {s.get("message","")[:200]})')
    if strict and s["verdict"] not in ("ungraded", "fail", "unsupported"):
        bad.append(f'{s["id"]}: verdict {s["verdict"]} against a server that never answers properly')
expected = set(os.path.normpath(f) for f in given)
missing = sorted(expected - files)
if missing:
    bad.append(f"{len(missing)} scenarios missing from the report, e.g. {missing[:3]}")
counts = {}
for s in rep["scenarios"]:
    counts[s["verdict"]] = counts.get(s["verdict"], 0) + 1
print(f"[{label}] {len(rep['scenarios'])} scenarios: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
for b in bad[:20]:
    print(f"FAIL [{label}]: {b}")
sys.exit(1 if bad else 0)
PY
  then
    fail=1
  fi
  echo "[$label] runner exit $rc, wall ${wall} ms; $(cat "$out/hostile.err")"
}

MODES=${HOSTILE_MODES:-reset stall garbage oversized interim}
for mode in $MODES; do
  run_case "$mode" any --mode "$mode" --upstream "127.0.0.1:$REF_PORT" --after-max 10
done
[ -n "${HOSTILE_MODES:-}" ] || run_case "mixed-pure" strict --mode mixed --after 0
if [ "$FULL" = "--full" ]; then
  for mode in $MODES; do
    for k in $(seq 0 12); do
      s=any; [ "$k" -eq 0 ] && s=strict
      run_case "$mode-after-$k" "$s" --mode "$mode" --upstream "127.0.0.1:$REF_PORT" --after "$k"
    done
  done
fi
if kill -0 "$REF_PID" 2>/dev/null; then :; else echo "FAIL: the reference server died during the run"; fail=1; fi
exit $fail
