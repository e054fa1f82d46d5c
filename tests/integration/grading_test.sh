#!/usr/bin/env bash
# Grading outputs end to end (issue 7): JUnit/HTML/pcap of a run, shards, diff ref vs smbd, capture import, Ctrl-C.
# Usage: grading_test.sh MODE BUILD_DIR SOURCE_DIR
#   ref     suite vs the reference server: JUnit validates (xmllint, JUnit 4 XSD) and its counts match the JSON;
#           the HTML in headless Chromium shows the JSON's numbers; tshark decodes every pcap (malformed-by-design
#           frames excluded and listed)
#   samba   the same JUnit and HTML checks for a run against Debian smbd (scripts/smbd-up.sh)
#   shard   3 shards merged with `smbconform report` == one run
#   diff    `smbconform diff` ref vs smbd: every status-level difference is explained by ci/expectations
#   import  captures/smbclient/*.pcapng import to the checked-in scenarios, which pass against ref and smbd
#   ctrl_c  SIGINT during a run stops the reference server and removes its temporary directory
set -euo pipefail
MODE=$1; BUILD=$2; SRC=$3
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
BIN="$BUILD/bin/smbconform"
CHECK="python3 $SRC/tests/integration/grading_check.py"
WORK=$(mktemp -d /tmp/smbconform-grading.XXXXXX)
SMBD=""
cleanup() {
  [ -n "$SMBD" ] && scripts/smbd-down.sh "$SMBD" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_smbd() {
  SMBD=$(mktemp -d /tmp/smbconform-grading-smbd.XXXXXX)
  SMBD_PORT=$(free_port)
  scripts/smbd-up.sh "$SMBD" "$SMBD_PORT" --lifetime 1200 >/dev/null
}

render_dom() {  # render_dom HTML OUT: the DOM after Chromium loaded the page (no network)
  local profile; profile=$(mktemp -d "$WORK/chromium.XXXXXX")
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$profile" --dump-dom "file://$1" >"$2" 2>"$WORK/chromium.log"
  [ -s "$2" ] || { echo "chromium rendered nothing"; cat "$WORK/chromium.log"; exit 1; }
}

check_reports() {  # check_reports PREFIX
  xmllint --noout --schema "$SRC/tests/harness/data/junit-4.xsd" "$1.xml"
  $CHECK junit "$1.json" "$1.xml"
  render_dom "$1.html" "$1.dom.html"
  $CHECK html "$1.json" "$1.dom.html"
}

case "$MODE" in
  ref)
    set +e
    "$BIN" run scenarios --target ref -j 2 --json "$WORK/r.json" --junit "$WORK/r.xml" --html "$WORK/r.html" \
      --pcap-dir "$WORK/pcap" >"$WORK/run.log" 2>&1
    echo "smbconform run exit status $? (expectation mismatches are the scenario suite's test, not this one)"
    set -e
    check_reports "$WORK/r"
    $CHECK pcaps "$WORK/pcap"
    ;;
  samba)
    start_smbd
    set +e
    "$BIN" run scenarios --target samba --address "127.0.0.1:$SMBD_PORT" -j 2 --json "$WORK/s.json" --junit "$WORK/s.xml" \
      --html "$WORK/s.html" >"$WORK/run.log" 2>&1
    echo "smbconform run exit status $?"
    set -e
    check_reports "$WORK/s"
    ;;
  shard)
    # Areas without real-time timers or cross-scenario server state, so two executions agree verdict for verdict
    # and any difference can only come from sharding or merging (the property under test).
    AREAS="scenarios/common scenarios/create scenarios/flush scenarios/rw"
    set +e
    "$BIN" run $AREAS --target ref -j 2 --json "$WORK/whole.json" >/dev/null 2>&1
    for k in 1 2 3; do "$BIN" run $AREAS --target ref --shard "$k/3" -j 2 --json "$WORK/shard$k.json" >/dev/null 2>&1; done
    set -e
    "$BIN" report "$WORK/shard1.json" "$WORK/shard2.json" "$WORK/shard3.json" --json "$WORK/merged.json"
    $CHECK same "$WORK/whole.json" "$WORK/merged.json"
    ;;
  diff)
    start_smbd
    set +e
    "$BIN" diff scenarios --target ref --target "samba@127.0.0.1:$SMBD_PORT" -j 2 --json "$WORK/diff.json" >"$WORK/diff.log" 2>&1
    rc=$?
    set -e
    tail -n 3 "$WORK/diff.log"
    [ "$rc" -le 1 ] || { cat "$WORK/diff.log"; exit 1; }
    $CHECK diff "$WORK/diff.json"
    ;;
  import)
    start_smbd
    for cap in captures/smbclient/*.pcapng; do
      json="${cap%.pcapng}.json"
      "$BIN" import "$cap" -o "$WORK/imported.json" --id "$(basename "${cap%.pcapng}")" >/dev/null
      python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a!=b)' "$WORK/imported.json" "$json" \
        || { echo "FAIL: $cap no longer imports to $json"; exit 1; }
      # The original exchange (smbclient vs smbd) is the expectation, so its verdict is pass; the replay must agree.
      "$BIN" run "$json" --target ref
      "$BIN" run "$json" --target samba --address "127.0.0.1:$SMBD_PORT"
    done
    ;;
  ctrl_c)
    mkdir -p "$WORK/tmp" "$WORK/sc"
    cat >"$WORK/sc/slow.json" <<'JSON'
{ "id": "slow", "title": "waits", "description": "Keeps the run busy so the test can interrupt it.",
  "requirements": ["SMB2-COMMON-20"], "spec": ["MS-SMB2 3.3.4.4"], "level": "MUST",
  "steps": [ { "wait": { "ms": 60000 } } ] }
JSON
    TMPDIR="$WORK/tmp" "$BIN" run "$WORK/sc/slow.json" --target ref >"$WORK/run.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 200); do ls "$WORK/tmp" | grep -q smbconform-ref && break; sleep 0.05; done
    dir=$(ls "$WORK/tmp" | grep smbconform-ref) || { echo "FAIL: no reference server temp dir appeared"; cat "$WORK/run.log"; exit 1; }
    server=$(pgrep -P "$pid" -f smbconform-server || true)
    [ -n "$server" ] || { echo "FAIL: reference server process not found"; exit 1; }
    kill -INT "$pid"
    set +e; wait "$pid"; rc=$?; set -e
    [ "$rc" -eq 130 ] || { echo "FAIL: exit status $rc after SIGINT, expected 130"; exit 1; }
    [ ! -e "$WORK/tmp/$dir" ] || { echo "FAIL: $dir left behind after SIGINT"; ls -la "$WORK/tmp/$dir"; exit 1; }
    for _ in $(seq 1 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.05; done
    ! kill -0 "$server" 2>/dev/null || { echo "FAIL: reference server $server outlived the runner"; exit 1; }
    # Watchdog: SIGKILL leaves no chance to clean up, but the server must still go (PR_SET_PDEATHSIG).
    TMPDIR="$WORK/tmp" "$BIN" run "$WORK/sc/slow.json" --target ref >"$WORK/run2.log" 2>&1 &
    pid=$!
    server=""
    for _ in $(seq 1 200); do server=$(pgrep -P "$pid" -f smbconform-server || true); [ -n "$server" ] && break; sleep 0.05; done
    [ -n "$server" ] || { echo "FAIL: reference server process not found (2)"; exit 1; }
    kill -KILL "$pid"
    for _ in $(seq 1 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.05; done
    ! kill -0 "$server" 2>/dev/null || { echo "FAIL: reference server $server outlived a SIGKILLed runner"; exit 1; }
    echo "ctrl_c ok: SIGINT -> exit 130, temp dir removed, server stopped; SIGKILL -> server stopped by the watchdog"
    ;;
  *) echo "unknown mode $MODE"; exit 2;;
esac
