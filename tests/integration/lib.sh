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
