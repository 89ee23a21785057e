#!/usr/bin/env bash
# Smoke test of the run command, as a user meets it: deploy/run.sh with nothing configured but a fresh data
# directory and free ports must reach "ready" on its embedded PostgreSQL and answer a DICOM C-ECHO; killed with
# SIGKILL and started again on the same data directory it must come back with its data; SIGTERM must stop it and
# its PostgreSQL. Every check runs even when an earlier one fails; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

READY_TIMEOUT_S=${SMOKE_READY_TIMEOUT_S:-120}
STOP_TIMEOUT_S=30
WORK=$(mktemp -d "${TMPDIR:-/tmp}/glassbox-smoke.XXXXXX")
DATA_DIR="$WORK/data"
SERVER_PID=
FAILURES=0

log() { printf '[smoke] %s\n' "$*" >&2; }
pass() { log "PASS: $*"; }
fail() { log "FAIL: $*"; FAILURES=$((FAILURES + 1)); }

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_server() { # $1: signal
  [ -n "$SERVER_PID" ] || return 0
  kill "-$1" "$SERVER_PID" 2>/dev/null
  local waited=0
  while kill -0 "$SERVER_PID" 2>/dev/null && [ $waited -lt $STOP_TIMEOUT_S ]; do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    fail "server (PID $SERVER_PID) still running ${STOP_TIMEOUT_S}s after SIG$1; killing it"
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  # (bash reports a job killed by a signal on the shell's stderr, not wait's: silence it for this wait)
  exec 3>&2 2>/dev/null
  wait "$SERVER_PID"
  exec 2>&3 3>&-
  SERVER_PID=
}

# The embedded PostgreSQL's postmaster PID, when one is running on this data directory.
postmaster_pid() {
  local pid_file="$DATA_DIR/postgres/data/postmaster.pid" pid
  [ -f "$pid_file" ] || return 1
  pid=$(head -n 1 "$pid_file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/cwd")" = "$DATA_DIR/postgres/data" ] \
    && echo "$pid"
}

cleanup() {
  stop_server KILL
  local orphan
  orphan=$(postmaster_pid) && kill -TERM "$orphan" 2>/dev/null
  if [ $FAILURES -eq 0 ]; then rm -rf "$WORK"; else log "kept $WORK for inspection"; fi
}
trap cleanup EXIT

HTTP_PORT=$(free_port)
DICOM_PORT=$(free_port)
log "data directory $DATA_DIR, HTTP port $HTTP_PORT, DICOM port $DICOM_PORT"

bash deploy/build.sh || { fail "build"; exit 1; }

start_server() { # $1: log file
  GLASSBOX_DATA_DIR="$DATA_DIR" GLASSBOX_HTTP_PORT="$HTTP_PORT" GLASSBOX_DICOM_PORT="$DICOM_PORT" \
    GLASSBOX_HTTP_HOST=127.0.0.1 GLASSBOX_DICOM_BIND_ADDRESS=127.0.0.1 \
    bash deploy/run.sh >"$1" 2>&1 </dev/null &
  SERVER_PID=$!
}

await_ready() { # $1: log file; returns 0 once /q/health/ready answers 200
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server exited before it was ready; its log ends with:"; tail -n 30 "$1" >&2
      return 1
    fi
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/q/health/ready" && return 0
    sleep 1
  done
  log "not ready after ${READY_TIMEOUT_S}s; the log ends with:"; tail -n 30 "$1" >&2
  return 1
}

embedded_pg_port() { # $1: log file
  sed -n 's/.*Embedded PostgreSQL is up on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1" | tail -n 1
}

psql_embedded() { # $1: port, then psql arguments
  local port=$1; shift
  psql -X -w -q -At -h 127.0.0.1 -p "$port" -U postgres -d glassbox -v ON_ERROR_STOP=1 "$@"
}

# 1. First start on an empty data directory.
start_server "$WORK/first.log"
started=$SECONDS
if await_ready "$WORK/first.log"; then
  pass "ready on the embedded PostgreSQL in $((SECONDS - started))s (first start: binaries extracted, cluster created)"
else
  fail "first start did not reach ready"; exit 1
fi
# Each answer is read whole before it is searched: with pipefail, `curl | grep -q` fails whenever grep stops
# reading early and curl gets SIGPIPE.
health=$(curl -sf "http://127.0.0.1:$HTTP_PORT/q/health")
grep -q '"status": *"UP"' <<<"$health" && pass "/q/health is UP" || fail "/q/health is not UP"
metrics=$(curl -sf "http://127.0.0.1:$HTTP_PORT/q/metrics")
grep -q '^jvm_' <<<"$metrics" && pass "/q/metrics serves Prometheus metrics" \
  || fail "/q/metrics"

# 2. DICOM verification (C-ECHO) against the listener.
if echoscu -to 10 -ta 10 -td 10 -aec GLASSBOX 127.0.0.1 "$DICOM_PORT"; then
  pass "echoscu -aec GLASSBOX 127.0.0.1 $DICOM_PORT"
else
  fail "echoscu -aec GLASSBOX 127.0.0.1 $DICOM_PORT (no DICOM listener answering)"
fi
counted=no
for _ in $(seq 1 25); do  # the server may count the association just after echoscu has its answer
  metrics=$(curl -sf "http://127.0.0.1:$HTTP_PORT/q/metrics")
  if grep -q '^glassbox_dicom_associations_accepted_total ' <<<"$metrics"; then counted=yes; break; fi
  sleep 0.2
done
[ "$counted" = yes ] && pass "/q/metrics counts the DICOM association" \
  || fail "/q/metrics has no glassbox_dicom_associations_accepted_total"

# 3. A marker row, then SIGKILL: PostgreSQL outlives the JVM, and the next start must take the cluster over.
pg_port=$(embedded_pg_port "$WORK/first.log")
marker="smoke $(date +%s%N)"
if [ -n "$pg_port" ] && psql_embedded "$pg_port" -c "CREATE TABLE smoke_marker (note TEXT); INSERT INTO smoke_marker VALUES ('$marker')"; then
  pass "wrote a marker row into the embedded database (127.0.0.1:$pg_port)"
else
  fail "could not write to the embedded database (port '${pg_port}')"
fi
stop_server KILL
orphan=$(postmaster_pid) && log "after SIGKILL the embedded PostgreSQL (PID $orphan) is still running, as expected"

start_server "$WORK/second.log"
started=$SECONDS
if await_ready "$WORK/second.log"; then
  pass "ready again on the same data directory after SIGKILL in $((SECONDS - started))s"
else
  fail "restart after SIGKILL did not reach ready"; exit 1
fi
pg_port=$(embedded_pg_port "$WORK/second.log")
if [ "$(psql_embedded "$pg_port" -c 'SELECT note FROM smoke_marker' 2>/dev/null)" = "$marker" ]; then
  pass "the marker row survived the SIGKILL and restart"
else
  fail "the marker row is gone after the restart"
fi

# 4. SIGTERM stops the server and its PostgreSQL.
stop_server TERM
if postmaster_pid >/dev/null; then fail "embedded PostgreSQL still running after SIGTERM"; else pass "SIGTERM stopped the server and its PostgreSQL"; fi

if [ $FAILURES -eq 0 ]; then log "all checks passed"; else log "$FAILURES check(s) failed"; fi
exit $((FAILURES > 0))
