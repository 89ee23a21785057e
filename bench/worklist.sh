#!/usr/bin/env bash
# Worklist benchmark: the packaged server (no DICOM traffic, no workers) over a database of its own filled with
# BENCH_STUDIES generated studies (bench/worklist-data.sql), timing GET /api/worklist pages as a client sees them
# (curl, loopback, keep-alive off): the newest page, a deep page, a patient search, a date range with a modality,
# the finding and status filters. Prints the median of BENCH_REPEAT requests per query; docs/benchmarks.md has
# the numbers.
#
# Usage: bench/worklist.sh     (builds the server first when it has not been built)
# Environment (optional): BENCH_STUDIES=5000  BENCH_REPEAT=15  BENCH_DB=glassbox_bench_worklist
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
APP=server/target/quarkus-app
STUDIES=${BENCH_STUDIES:-5000}
REPEAT=${BENCH_REPEAT:-15}
DB=${BENCH_DB:-glassbox_bench_worklist}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)
[[ -f $APP/quarkus-run.jar ]] || ./mvnw -B -q --no-transfer-progress install -DskipTests

WORK=$(mktemp -d "${TMPDIR:-/tmp}/glassbox-worklist-bench.XXXXXX")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DICOM_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER=
cleanup() {
    [[ -z $SERVER ]] || { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
    rm -rf "$WORK"
}
trap cleanup EXIT
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

echo "[worklist-bench] $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $STUDIES studies" >&2
GLASSBOX_DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB GLASSBOX_DATA_DIR=$WORK/data GLASSBOX_HTTP_HOST=127.0.0.1 \
GLASSBOX_HTTP_PORT=$PORT GLASSBOX_DICOM_PORT=$DICOM_PORT GLASSBOX_DICOM_BIND_ADDRESS=127.0.0.1 \
GLASSBOX_DISPATCH_ENABLED=false java -jar "$APP/quarkus-run.jar" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$PORT/q/health/ready" > /dev/null && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done
start=$(date +%s.%N)
sed "s/__STUDIES__/$STUDIES/g" bench/worklist-data.sql | "${PSQL[@]}" -d "$DB"
echo "[worklist-bench] data written in $(echo "$(date +%s.%N) - $start" | bc) s" >&2

# The median of REPEAT timed requests (after two untimed ones), in milliseconds, and the answer's total.
measure() {
    local name=$1 query=$2 url="http://127.0.0.1:$PORT/api/worklist?$2" times=()
    curl -fs "$url" > /dev/null
    curl -fs "$url" > /dev/null
    for _ in $(seq 1 "$REPEAT"); do
        times+=("$(curl -fs -o /dev/null -w '%{time_total}' "$url")")
    done
    local median total
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] * 1000}')
    total=$(curl -fs "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    printf '%-40s %8s ms   (total %s)\n' "$name" "$median" "$total"
}
measure "newest first, first page of 50" "limit=50"
measure "by patient, page 40" "sort=patient&offset=2000&limit=50"
measure "patient search patient^12*" "patient=patient%5E12*"
measure "2021, CT" "from=20210101&to=20211231&modality=CT"
measure "finding present" "finding=true"
measure "status done, by patient descending" "status=done&sort=-patient"
measure "status queued" "status=queued"
