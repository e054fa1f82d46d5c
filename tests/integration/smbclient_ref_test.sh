#!/usr/bin/env bash
# Debian's smbclient against smbconform-server: SMB 3.1.1 signed and SMB 2.1 (also 2.0.2 and 3.0): put/get of a 5 MiB
# file byte-identical, ls, mkdir, rm (issue 2 "Done when"). Usage: smbclient_ref_test.sh BUILD_DIR
set -euo pipefail
BUILD=$1
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/smbconform-smbclient.XXXXXX)
trap 'stop_ref_server; rm -rf "$WORK"' EXIT
start_ref_server "$BUILD/bin/smbconform-server" "$WORK"

cat > "$WORK/client.conf" <<CONF
[global]
    client min protocol = SMB2_02
    client max protocol = SMB3_11
    log file = $WORK/client.log
CONF
head -c $((5 * 1024 * 1024)) /dev/urandom > "$WORK/big.bin"

fail=0
run_case() {  # run_case LABEL smbclient-args...
  local label=$1; shift
  local out="$WORK/out-$label.txt"
  rm -f "$WORK/back.bin"
  if ! smbclient -s "$WORK/client.conf" -p "$REF_PORT" //127.0.0.1/share -U alice%secret "$@" \
      -c "mkdir d-$label; cd d-$label; put $WORK/big.bin big.bin; ls; get big.bin $WORK/back.bin; rm big.bin; cd ..; rmdir d-$label; ls" \
      >"$out" 2>&1; then
    echo "FAIL [$label]: smbclient exited non-zero"; cat "$out"; fail=1; return
  fi
  if ! cmp -s "$WORK/big.bin" "$WORK/back.bin"; then
    echo "FAIL [$label]: file read back differs from the file written"; fail=1; return
  fi
  if ! grep -q "big.bin" "$out"; then
    echo "FAIL [$label]: ls did not list big.bin"; cat "$out"; fail=1; return
  fi
  if [ -e "$WORK/share/d-$label" ]; then
    echo "FAIL [$label]: rmdir left d-$label behind"; fail=1; return
  fi
  echo "ok   [$label]"
}

run_case smb311-signed -m SMB3_11 --option='client signing=required'
run_case smb300-signed -m SMB3 --option='client max protocol=SMB3_00' --option='client signing=required'
run_case smb210 -m SMB2_10 --option='client max protocol=SMB2_10'
run_case smb202 -m SMB2_02 --option='client max protocol=SMB2_02'

# wrong password: STATUS_LOGON_FAILURE (MS-SMB2 3.3.5.5.3)
if smbclient -s "$WORK/client.conf" -p "$REF_PORT" //127.0.0.1/share -U alice%wrong -c ls >"$WORK/bad.txt" 2>&1; then
  echo "FAIL [wrong-password]: accepted"; fail=1
elif ! grep -q NT_STATUS_LOGON_FAILURE "$WORK/bad.txt"; then
  echo "FAIL [wrong-password]: expected NT_STATUS_LOGON_FAILURE"; cat "$WORK/bad.txt"; fail=1
else
  echo "ok   [wrong-password]"
fi
kill -0 "$REF_PID" || { echo "FAIL: server died"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || { echo "server log:"; tail -n 50 "$WORK/server.log"; }
exit $fail
