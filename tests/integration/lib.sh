# Shared helpers for the integration tests (sourced): start/stop the reference server and smbd, free ports.

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_ref_server BIN WORKDIR [extra server args...]: starts smbconform-server on 127.0.0.1:0 with share
# "share" -> WORKDIR/share, users alice:secret and bob:secret2, guest on, control socket WORKDIR/control.sock.
# Sets REF_PID and REF_PORT. The server's stderr goes to WORKDIR/server.log.
start_ref_server() {
  local bin=$1 work=$2; shift 2
  mkdir -p "$work/share"
  # The background job opens server.out itself, possibly after the first look below: with `set -e -o pipefail`
  # in the caller, sed on a missing file would end the test silently. Create it first.
  : >"$work/server.out"
  "$bin" --listen 127.0.0.1:0 --share "share=$work/share" --user alice:secret --user bob:secret2 --guest \
    --control "$work/control.sock" "$@" >"$work/server.out" 2>"$work/server.log" &
  REF_PID=$!
  REF_PORT=""
  for _ in $(seq 1 100); do
    REF_PORT=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out" | head -n1)
    [ -n "$REF_PORT" ] && return 0
    kill -0 "$REF_PID" 2>/dev/null || { echo "server exited:"; cat "$work/server.log"; return 1; }
    sleep 0.05
  done
  echo "server did not print its listening line"; cat "$work/server.log"; return 1
}

stop_ref_server() {
  [ -n "${REF_PID:-}" ] || return 0
  kill -TERM "$REF_PID" 2>/dev/null || true
  wait "$REF_PID" 2>/dev/null || true
  REF_PID=""
}

# check_known_failures LOG KNOWN: every test smbtorture's LOG reports as "failure:" or "error:" must have a line
# "NAME reason" in KNOWN (it is printed as a known failure); an unexplained failure (its log excerpt is printed), or a
# known one that now passes ("success: NAME", to be removed from the list, like Samba's knownfail), returns 1.
check_known_failures() {
  local log=$1 known=$2 rc=0 name
  while read -r name; do
    [ -n "$name" ] || continue
    if printf '%s\n' "$known" | grep -q "^$name "; then
      echo "  known failure: $(printf '%s\n' "$known" | grep "^$name ")"
    else
      echo "UNEXPLAINED failure on the reference server: $name"
      sed -n "/^test: $name\$/,/^\(failure\|error\): $name/p" "$log" | tail -20
      rc=1
    fi
  done < <(grep -E '^(failure|error): ' "$log" | sed -E 's/^(failure|error): ([^ ]+).*/\2/')
  for name in $(printf '%s\n' "$known" | awk 'NF {print $1}'); do
    if grep -q "^success: $name\$" "$log"; then
      echo "known failure $name now passes: remove it from the known failures and the README"
      rc=1
    fi
  done
  return $rc
}
