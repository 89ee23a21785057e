#!/usr/bin/env bash
# Ingest benchmark: the same CT series (GenerateCtSeries, 512x512 16-bit) stored into Glassbox, Debian's Orthanc
# (SQLite, fresh) and dcmtk's storescp, side by side in one run:
#   C-STORE over 1 association, C-STORE over 4 associations in parallel (the set split in 4),
#   STOW-RS in batches (Glassbox and Orthanc), QIDO-RS of the instances of the series (median of a few runs).
# Every peer is started fresh on 127.0.0.1 with free ports for every measurement, and each measurement is
# verified (the peer really holds every instance) before its number is printed.
#
# Usage: bench/ingest.sh            (from anywhere; docs/benchmarks.md shows the numbers)
# Environment (all optional):
#   BENCH_COUNT=500  BENCH_SEED=1  BENCH_STOW_BATCH=50  BENCH_QIDO_RUNS=5
#   BENCH_WARMUP=0                  instances of another study sent through the same door, untimed, before each
#                                   measurement (every peer alike): steady state rather than a just-started process
#   BENCH_DIR=/tmp/glassbox-bench   where the generated set is cached and the peers keep their data
#   BENCH_TIME_LIMIT=1200           seconds for the whole run; BENCH_CLIENT_TIMEOUT=300 for one client command
#   BENCH_PEERS="glassbox orthanc storescp"   which peers to measure
#   GLASSBOX_JAR=server/target/quarkus-app/quarkus-run.jar
#   BENCH_PG="-h 127.0.0.1 -U postgres"     how psql/createdb reach the PostgreSQL that Glassbox uses
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COUNT=${BENCH_COUNT:-500}
WARMUP=${BENCH_WARMUP:-0}
SEED=${BENCH_SEED:-1}
STOW_BATCH=${BENCH_STOW_BATCH:-50}
QIDO_RUNS=${BENCH_QIDO_RUNS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/glassbox-bench}
TIME_LIMIT=${BENCH_TIME_LIMIT:-1200}
CLIENT_TIMEOUT=${BENCH_CLIENT_TIMEOUT:-300}
PEERS=${BENCH_PEERS:-glassbox orthanc storescp}
GLASSBOX_JAR=${GLASSBOX_JAR:-$ROOT/server/target/quarkus-app/quarkus-run.jar}
read -r -a PG <<< "${BENCH_PG:--h 127.0.0.1 -U postgres}"
PIXELMED_JAR=/usr/share/java/pixelmed-20220618.jar
ORTHANC_DICOMWEB=/usr/share/orthanc/plugins/libOrthancDicomWeb.so
# Every acceptor gets the same maximum PDU (Glassbox's default), so the senders cut the data the same way.
MAX_PDU=116794
# dcmtk (storescu, storescp, and Orthanc, which is built on dcmtk) disables Nagle's algorithm when this is set;
# Glassbox sets TCP_NODELAY on its sockets itself.
export TCP_NODELAY=1
export PGOPTIONS='-c client_min_messages=warning'   # no NOTICE from dropdb --if-exists

RUN_DIR=$BENCH_DIR/run-$$
mkdir -p "$RUN_DIR/logs"
declare -a PEER_PIDS=()      # process groups we started (setsid): killed on exit
declare -a DATABASES=()      # PostgreSQL databases we created: dropped on exit
declare -A RESULT=()         # RESULT[peer/measurement] = number, or a text saying why there is none
declare -A CPU=()            # CPU[peer/measurement] = the peer's CPU milliseconds per instance
WATCHDOG=
DB=

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

stop_group() {
    local pid=$1
    kill -TERM -- "-$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    for pid in "${PEER_PIDS[@]}"; do stop_group "$pid"; done
    for db in "${DATABASES[@]}"; do dropdb "${PG[@]}" --if-exists "$db" 2>/dev/null; done
    [[ -n $WATCHDOG ]] && stop_group "$WATCHDOG"
    if [[ $rc -ne 0 ]]; then
        log "logs kept in $RUN_DIR/logs"
        find "$RUN_DIR" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
    else
        rm -rf "$RUN_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'log "stopped (time limit or signal)"; exit 124' TERM
setsid bash -c "sleep $TIME_LIMIT; kill -TERM $$" >/dev/null 2>&1 &
WATCHDOG=$!

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_until <seconds> <command...>: polls the command every 0.2 s
wait_until() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# json_eval <python expression of d>: evaluated on the JSON document d read from stdin, e.g. 'len(d)'
json_eval() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# peer_cpu_ticks: CPU time (clock ticks) used so far by the running peer's processes (reaped children included)
# and, for Glassbox, by the PostgreSQL backends serving its database (Orthanc's SQLite works inside Orthanc).
# Unlike a rate, it hardly depends on what else the machine is doing.
CLOCK_TICKS=$(getconf CLK_TCK)
peer_cpu_ticks() {
    local pids
    pids=$(pgrep -g "${PEER_PIDS[-1]}" || true)
    if [[ -n ${DB:-} ]]; then
        pids+=" $(psql "${PG[@]}" -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$DB'" || true)"
    fi
    # /proc/<pid>/stat after "(comm) ": utime, stime, cutime, cstime are the 12th to 15th fields
    for pid in $pids; do cat "/proc/$pid/stat" 2>/dev/null || true; done |
        awk '{ sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15 } END { print t + 0 }'
}
# cpu_per_instance <ticks before> <ticks after>: milliseconds per instance of the set
cpu_per_instance() { awk -v a="$1" -v b="$2" -v hz="$CLOCK_TICKS" -v n="$COUNT" 'BEGIN { printf "%.2f", (b - a) * 1000 / hz / n }'; }

now_ns() { date +%s%N; }
# rate <count> <start ns> <end ns>
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / ((b - a) / 1e9) }'; }

# ---------------------------------------------------------------------------------------------------------------
# The data set: generated once by the project's own tool, cached by count and seed.
SET_DIR=$BENCH_DIR/ct-set-n$COUNT-seed$SEED
WARMUP_DIR=$BENCH_DIR/ct-warmup-n$WARMUP-seed$((SEED + 1))
generate_set() {  # generate_set <dir> <count> <seed>
    local dir=$1 count=$2 seed=$3
    [[ -f $dir/.complete ]] && return
    [[ -f $PIXELMED_JAR ]] || die "PixelMed missing: apt-get install libpixelmed-java"
    local jar=$ROOT/bench/target/glassbox-bench.jar
    if [[ ! -f $jar ]]; then
        log "building the generator (bench module)"
        (cd "$ROOT" && ./mvnw -B -q -o -pl bench -am package -DskipTests) || die "could not build bench/"
    fi
    rm -rf "$dir"
    log "generating $count CT instances (seed $seed) into $dir"
    java -cp "$jar:$PIXELMED_JAR" io.glassbox.bench.GenerateCtSeries "$dir" "$count" "$seed" 1 >&2
    touch "$dir/.complete"
}

declare -a FILES=() QUARTER=() WARMUP_FILES=()
load_set() {
    mapfile -t FILES < <(find "$SET_DIR" -name '*.dcm' | sort)
    [[ ${#FILES[@]} -eq $COUNT ]] || die "expected $COUNT files in $SET_DIR, found ${#FILES[@]}"
    STUDY_UID=$(dcmdump +P StudyInstanceUID "${FILES[0]}" | sed -E 's/.*\[(.*)\].*/\1/')
    SERIES_UID=$(dcmdump +P SeriesInstanceUID "${FILES[0]}" | sed -E 's/.*\[(.*)\].*/\1/')
    SET_BYTES=$(du -cb "${FILES[@]}" | tail -1 | cut -f1)
    # The four parallel senders each get a contiguous quarter, as four modalities would send four series parts.
    local q=$(((COUNT + 3) / 4))
    for i in 0 1 2 3; do
        printf '%s\n' "${FILES[@]:i*q:q}" > "$RUN_DIR/quarter$i"
        QUARTER[i]=$RUN_DIR/quarter$i
    done
    if ((WARMUP > 0)); then
        mapfile -t WARMUP_FILES < <(find "$WARMUP_DIR" -name '*.dcm' | sort)
        [[ ${#WARMUP_FILES[@]} -eq $WARMUP ]] || die "expected $WARMUP files in $WARMUP_DIR, found ${#WARMUP_FILES[@]}"
    fi
}

# STOW-RS bodies, built before any clock starts and sent identically to every server.
BOUNDARY=glassbox-bench-boundary-7d1f0c
declare -a STOW_BODIES=() WARMUP_BODIES=()
build_stow_bodies() {  # build_stow_bodies <array name> <prefix> <files...>
    local -n bodies=$1
    local prefix=$2 dir=$RUN_DIR/stow-bodies n=0 body
    shift 2
    local -a files=("$@")
    mkdir -p "$dir"
    for ((i = 0; i < ${#files[@]}; i += STOW_BATCH)); do
        body=$dir/$prefix$n
        {
            for f in "${files[@]:i:STOW_BATCH}"; do
                printf -- '--%s\r\nContent-Type: application/dicom\r\n\r\n' "$BOUNDARY"
                cat "$f"
                printf '\r\n'
            done
            printf -- '--%s--\r\n' "$BOUNDARY"
        } > "$body"
        bodies+=("$body")
        n=$((n + 1))
    done
}

# ---------------------------------------------------------------------------------------------------------------
# Peers. start_<peer> <name> sets DICOM_PORT, HTTP_PORT, AE, PEER_DIR (and DB for Glassbox) and returns once the
# peer answers; stop_peer stops the last one started.
start_storescp() {
    PEER_DIR=$RUN_DIR/$1; mkdir -p "$PEER_DIR/out"
    DICOM_PORT=$(free_port); HTTP_PORT=; AE=STORESCP
    # --fork: one process per association, so four associations really run in parallel.
    setsid storescp --fork -aet "$AE" -pdu "$MAX_PDU" -od "$PEER_DIR/out" "$DICOM_PORT" \
        > "$RUN_DIR/logs/$1.log" 2>&1 &
    PEER_PIDS+=($!)
    wait_until 20 echoscu -aec "$AE" 127.0.0.1 "$DICOM_PORT" || die "storescp did not start (logs/$1.log)"
}

start_orthanc() {
    PEER_DIR=$RUN_DIR/$1; mkdir -p "$PEER_DIR"
    DICOM_PORT=$(free_port); HTTP_PORT=$(free_port); AE=ORTHANC
    cat > "$PEER_DIR/orthanc.json" <<EOF
{
  "Name": "glassbox-bench",
  "StorageDirectory": "$PEER_DIR/storage",
  "IndexDirectory": "$PEER_DIR/index",
  "StorageCompression": false,
  "HttpServerEnabled": true,
  "HttpPort": $HTTP_PORT,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomServerEnabled": true,
  "DicomAet": "$AE",
  "DicomPort": $DICOM_PORT,
  "MaximumPduLength": $MAX_PDU,
  "Plugins": [ "$ORTHANC_DICOMWEB" ],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false }
}
EOF
    setsid Orthanc "$PEER_DIR/orthanc.json" > "$RUN_DIR/logs/$1.log" 2>&1 &
    PEER_PIDS+=($!)
    wait_until 30 curl -sf "http://127.0.0.1:$HTTP_PORT/dicom-web/studies" || die "Orthanc did not start (logs/$1.log)"
}

# Glassbox may not have every door yet while it is being written: each check says which one is missing.
GLASSBOX_MISSING=
start_glassbox() {
    PEER_DIR=$RUN_DIR/$1; mkdir -p "$PEER_DIR/data"
    DICOM_PORT=$(free_port); HTTP_PORT=$(free_port); AE=GLASSBOX
    DB=glassbox_bench_$$_$1
    DB=${DB//-/_}
    dropdb "${PG[@]}" --if-exists "$DB"
    createdb "${PG[@]}" "$DB"
    DATABASES+=("$DB")
    GLASSBOX_DATA_DIR=$PEER_DIR/data \
    GLASSBOX_DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
    GLASSBOX_DICOM_PORT=$DICOM_PORT GLASSBOX_DICOM_BIND_ADDRESS=127.0.0.1 GLASSBOX_AE_TITLE=$AE \
    GLASSBOX_DICOM_MAX_PDU_LENGTH=$MAX_PDU \
    GLASSBOX_HTTP_PORT=$HTTP_PORT GLASSBOX_HTTP_HOST=127.0.0.1 \
        setsid java -jar "$GLASSBOX_JAR" > "$RUN_DIR/logs/$1.log" 2>&1 &
    PEER_PIDS+=($!)
    wait_until 90 curl -sf "http://127.0.0.1:$HTTP_PORT/q/health/ready" || die "Glassbox did not become ready (logs/$1.log)"
}

stop_peer() {
    local pid=${PEER_PIDS[-1]}
    stop_group "$pid"
    unset 'PEER_PIDS[-1]'
    rm -rf "$PEER_DIR"
    if [[ -n ${DB:-} ]]; then dropdb "${PG[@]}" --if-exists "$DB"; DB=; fi
}

# held <peer>: how many of the set's instances the running peer holds durably, by its own account.
held() {
    case $1 in
        storescp) find "$PEER_DIR/out" -type f | wc -l ;;
        orthanc) curl -sf "http://127.0.0.1:$HTTP_PORT/statistics" | json_eval 'd["CountInstances"]' || echo 0 ;;
        glassbox)
            # An index row whose file is on disk with the recorded size, for every instance.
            { psql "${PG[@]}" -d "$DB" -Atc "SELECT storage_path || '|' || size_bytes FROM instance" || true; } |
                while IFS='|' read -r path size; do
                    if [[ $(stat -c %s "$PEER_DIR/data/$path" 2>/dev/null) == "$size" ]]; then echo ok; fi
                done | wc -l ;;
    esac
}

# ---------------------------------------------------------------------------------------------------------------
# Measurements. Each one records RESULT[peer/what] as a number only when the peer then holds all $COUNT
# (plus the $WARMUP sent before the clock started).
record() {  # record <peer> <what> <rate> <cpu ms per instance>
    local n expected=$((COUNT + WARMUP))
    n=$(held "$1")
    if [[ $n -eq $expected ]]; then
        RESULT[$1/$2]=$3
        CPU[$1/$2]=$4
        log "$1 $2: $3 instances/s, $4 ms CPU per instance (verified: holds $n instances)"
    else
        RESULT[$1/$2]="FAIL ($n/$expected held)"
        log "$1 $2: FAILED, holds $n of $expected (logs/$1-$2.log)"
    fi
}

storescu_to() {  # storescu_to <log> <files...>
    local out=$1; shift
    timeout "$CLIENT_TIMEOUT" storescu -aet BENCH -aec "$AE" 127.0.0.1 "$DICOM_PORT" "$@" >> "$out" 2>&1
}

cstore_warmup() {  # cstore_warmup <peer>: the warm-up set over one association, untimed
    ((WARMUP > 0)) || return 0
    storescu_to "$RUN_DIR/logs/$1-warmup.log" "${WARMUP_FILES[@]}" || log "$1: warm-up storescu exited with $?"
}

cstore_one() {
    local peer=$1 what=cstore1 log=$RUN_DIR/logs/$1-cstore1.log start end c0 c1
    cstore_warmup "$peer"
    c0=$(peer_cpu_ticks)
    start=$(now_ns)
    storescu_to "$log" "${FILES[@]}" || log "$peer: storescu exited with $? (see logs/$peer-$what.log)"
    end=$(now_ns)
    c1=$(peer_cpu_ticks)
    record "$peer" "$what" "$(rate "$COUNT" "$start" "$end")" "$(cpu_per_instance "$c0" "$c1")"
}

cstore_four() {
    local peer=$1 what=cstore4 log=$RUN_DIR/logs/$1-cstore4.log start end c0 c1
    local -a pids=()
    local -a part
    cstore_warmup "$peer"
    c0=$(peer_cpu_ticks)
    start=$(now_ns)
    for i in 0 1 2 3; do
        mapfile -t part < "${QUARTER[i]}"
        storescu_to "$log.$i" "${part[@]}" &
        pids+=($!)
    done
    for i in 0 1 2 3; do wait "${pids[i]}" || log "$peer: storescu #$i exited with $? (see logs/$peer-$what.log.$i)"; done
    end=$(now_ns)
    c1=$(peer_cpu_ticks)
    record "$peer" "$what" "$(rate "$COUNT" "$start" "$end")" "$(cpu_per_instance "$c0" "$c1")"
}

post_stow() {  # post_stow <url> <log> <bodies...>: prints how many requests were not answered 200
    local url=$1 log=$2 code failed=0
    shift 2
    for body in "$@"; do
        code=$(curl -s -o "$RUN_DIR/stow-response.json" -w '%{http_code}' --max-time "$CLIENT_TIMEOUT" \
            -X POST -T "$body" -H 'Expect:' \
            -H "Content-Type: multipart/related; type=\"application/dicom\"; boundary=$BOUNDARY" \
            -H 'Accept: application/dicom+json' "$url") || true
        if [[ $code != 200 ]]; then
            failed=$((failed + 1))
            { echo "HTTP $code for $body"; cat "$RUN_DIR/stow-response.json"; echo; } >> "$log"
        fi
    done
    echo "$failed"
}

stow() {  # stow <peer> <url>
    local peer=$1 url=$2 log=$RUN_DIR/logs/$1-stow.log start end failed c0 c1
    ((WARMUP == 0)) || post_stow "$url" "$RUN_DIR/logs/$peer-warmup.log" "${WARMUP_BODIES[@]}" > /dev/null
    c0=$(peer_cpu_ticks)
    start=$(now_ns)
    failed=$(post_stow "$url" "$log" "${STOW_BODIES[@]}")
    end=$(now_ns)
    c1=$(peer_cpu_ticks)
    [[ $failed -eq 0 ]] || log "$peer: $failed STOW-RS requests were not answered 200 (logs/$peer-stow.log)"
    record "$peer" stow "$(rate "$COUNT" "$start" "$end")" "$(cpu_per_instance "$c0" "$c1")"
}

qido() {  # qido <peer> <url>: median ms over $QIDO_RUNS after one warm-up; every answer must list $COUNT instances
    local peer=$1 url=$2 body=$RUN_DIR/qido.json t n
    local -a times=()
    for ((r = 0; r <= QIDO_RUNS; r++)); do
        t=$(curl -s -o "$body" -w '%{http_code} %{time_total}' --max-time "$CLIENT_TIMEOUT" \
            -H 'Accept: application/dicom+json' "$url") || true
        n=$(json_eval 'len(d)' < "$body" 2>/dev/null || echo 0)
        if [[ ${t%% *} != 200 || $n -ne $COUNT ]]; then
            RESULT[$peer/qido]="FAIL (HTTP ${t%% *}, $n/$COUNT listed)"
            log "$peer qido: FAILED: HTTP ${t%% *}, $n of $COUNT instances listed"
            head -c 2000 "$body" > "$RUN_DIR/logs/$peer-qido.log" 2>/dev/null || true
            return
        fi
        ((r == 0)) || times+=("${t#* }")
    done
    RESULT[$peer/qido]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m * 1000 }')
    log "$peer qido: ${RESULT[$peer/qido]} ms median of $QIDO_RUNS ($COUNT instances listed every time)"
}

# ---------------------------------------------------------------------------------------------------------------
has_peer() { [[ " $PEERS " == *" $1 "* ]]; }

for tool in storescu storescp echoscu dcmdump curl psql createdb java /usr/bin/python3; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install dcmtk curl postgresql-client openjdk-17-jdk-headless python3)"
done
if has_peer orthanc; then
    command -v Orthanc >/dev/null || die "Orthanc not found (apt-get install orthanc)"
    [[ -f $ORTHANC_DICOMWEB ]] || die "Orthanc's DICOMweb plugin not found (apt-get install orthanc-dicomweb)"
fi
if has_peer glassbox && [[ ! -f $GLASSBOX_JAR ]]; then
    GLASSBOX_MISSING="$GLASSBOX_JAR not found (build: ./mvnw -B -q package -DskipTests)"
    log "SKIP Glassbox: $GLASSBOX_MISSING"
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
generate_set "$SET_DIR" "$COUNT" "$SEED"
((WARMUP == 0)) || generate_set "$WARMUP_DIR" "$WARMUP" "$((SEED + 1))"
load_set
build_stow_bodies STOW_BODIES body "${FILES[@]}"
((WARMUP == 0)) || build_stow_bodies WARMUP_BODIES warmup "${WARMUP_FILES[@]}"
log "set: $COUNT instances, $((SET_BYTES / 1024 / 1024)) MiB, study $STUDY_UID"

# Glassbox's doors, probed once on a fresh instance: a door that is not there yet is skipped, said so, not faked.
GLASSBOX_CSTORE=no GLASSBOX_STOW=no GLASSBOX_QIDO=no
if has_peer glassbox && [[ -z $GLASSBOX_MISSING ]]; then
    start_glassbox glassbox-probe
    if echoscu -aec "$AE" 127.0.0.1 "$DICOM_PORT" >/dev/null 2>&1; then GLASSBOX_CSTORE=yes
    else log "SKIP Glassbox C-STORE: no association accepted on its DICOM port (listener not in this build)"; fi
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: multipart/related; type="application/dicom"; boundary=x' \
        --data-binary $'--x--\r\n' "http://127.0.0.1:$HTTP_PORT/dicomweb/studies")
    if [[ $code != 404 && $code != 405 ]]; then GLASSBOX_STOW=yes
    else log "SKIP Glassbox STOW-RS: POST /dicomweb/studies answered $code (not in this build)"; fi
    # A QIDO-RS of a series it does not hold answers 200 with [] or 204 (PS3.18); a missing route answers 404.
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/dicom+json' \
        "http://127.0.0.1:$HTTP_PORT/dicomweb/studies/$STUDY_UID/series/$SERIES_UID/instances")
    if [[ $code == 200 || $code == 204 ]]; then GLASSBOX_QIDO=yes
    else log "SKIP Glassbox QIDO-RS: GET /dicomweb/studies/{s}/series/{se}/instances answered $code (not in this build)"; fi
    stop_peer
fi
runs() {  # runs <peer> <door>: whether to measure this peer through this door
    has_peer "$1" || return 1
    [[ $1 != glassbox ]] && return 0
    [[ -z $GLASSBOX_MISSING ]] || return 1
    case $2 in cstore) [[ $GLASSBOX_CSTORE == yes ]] ;; stow) [[ $GLASSBOX_STOW == yes ]] ;; qido) [[ $GLASSBOX_QIDO == yes ]] ;; esac
}

# Interleaved by measurement (not by peer), so a burst of load from elsewhere on the machine hurts no one peer alone.
for what in cstore1 cstore4; do
    for peer in glassbox orthanc storescp; do
        runs "$peer" cstore || continue
        "start_$peer" "$peer-$what"
        if [[ $what == cstore1 ]]; then cstore_one "$peer"; else cstore_four "$peer"; fi
        stop_peer
    done
done
for peer in glassbox orthanc; do
    runs "$peer" stow || continue
    "start_$peer" "$peer-stow"
    if [[ $peer == glassbox ]]; then base=http://127.0.0.1:$HTTP_PORT/dicomweb; else base=http://127.0.0.1:$HTTP_PORT/dicom-web; fi
    stow "$peer" "$base/studies"
    if runs "$peer" qido && [[ ${RESULT[$peer/stow]} != FAIL* ]]; then
        qido "$peer" "$base/studies/$STUDY_UID/series/$SERIES_UID/instances"
    fi
    stop_peer
done

# ---------------------------------------------------------------------------------------------------------------
cell() { local v=${RESULT[$1]:-}; if [[ -z $v ]]; then echo "—"; else echo "$v"; fi; }
ratio() {  # ratio <a> <b>: a/b when both are numbers
    local a=${RESULT[$1]:-} b=${RESULT[$2]:-}
    if [[ $a =~ ^[0-9.]+$ && $b =~ ^[0-9.]+$ ]]; then awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f×", a / b }'; else echo "—"; fi
}

cpu=$(lscpu | sed -nE 's/^Model name: *//p' | head -1)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "Glassbox ingest benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs ($cpu), $(uname -r)"
echo "glassbox $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(Orthanc --version 2>/dev/null | head -1), dcmtk $(storescu --version | sed -nE 's/.*storescu v([^ ]+).*/\1/p'), $(java -version 2>&1 | head -1)"
echo "load average (1/5/15 min) at start: $LOAD_START, at end: $LOAD_END — other work on the machine skews the numbers"
echo "set: $COUNT CT instances 512×512 16-bit, $((SET_BYTES / 1024 / 1024)) MiB; STOW-RS $STOW_BATCH per request; QIDO median of $QIDO_RUNS after 1 warm-up; max PDU $MAX_PDU everywhere"
if ((WARMUP > 0)); then echo "each peer first received $WARMUP instances of another study through the same door, untimed"
else echo "each peer measured from a fresh start (no warm-up traffic)"; fi
echo
echo "| measurement | Glassbox | Orthanc | storescp | Glassbox/Orthanc | Glassbox/storescp |"
echo "|---|---|---|---|---|---|"
echo "| C-STORE, 1 association (instances/s) | $(cell glassbox/cstore1) | $(cell orthanc/cstore1) | $(cell storescp/cstore1) | $(ratio glassbox/cstore1 orthanc/cstore1) | $(ratio glassbox/cstore1 storescp/cstore1) |"
echo "| C-STORE, 4 associations (instances/s) | $(cell glassbox/cstore4) | $(cell orthanc/cstore4) | $(cell storescp/cstore4) | $(ratio glassbox/cstore4 orthanc/cstore4) | $(ratio glassbox/cstore4 storescp/cstore4) |"
echo "| STOW-RS, $STOW_BATCH/request (instances/s) | $(cell glassbox/stow) | $(cell orthanc/stow) | — | $(ratio glassbox/stow orthanc/stow) | — |"
echo "| QIDO-RS, $COUNT instances of the series (ms) | $(cell glassbox/qido) | $(cell orthanc/qido) | — | $(ratio glassbox/qido orthanc/qido) | — |"
echo
echo "CPU time the peer itself used per instance (ms; Glassbox includes its PostgreSQL backends; lower is better):"
echo
echo "| measurement | Glassbox | Orthanc | storescp |"
echo "|---|---|---|---|"
for what in cstore1 cstore4 stow; do
    case $what in cstore1) label="C-STORE, 1 association" ;; cstore4) label="C-STORE, 4 associations" ;; stow) label="STOW-RS" ;; esac
    echo "| $label | ${CPU[glassbox/$what]:-—} | ${CPU[orthanc/$what]:-—} | ${CPU[storescp/$what]:-—} |"
done
echo
echo "Every number above is printed only after the peer was checked to hold all $COUNT instances (plus any warm-up"
echo "ones): Glassbox an index row plus a file of the recorded size for each, Orthanc /statistics, storescp the files"
echo "written; and for QIDO, every answer listed all $COUNT."
echo "storescp writes files only: it neither fsyncs nor indexes. Glassbox fsyncs each file and commits its index row"
echo "before answering success; Orthanc (Debian defaults, SQLite index) syncs its storage area (SyncStorageArea)."
echo "Targets: C-STORE Glassbox ≥ 3× Orthanc and ≥ 0.7× storescp; QIDO Glassbox time ≤ 0.2× Orthanc's."
[[ -z $GLASSBOX_MISSING ]] || echo "Glassbox not measured: $GLASSBOX_MISSING"
for door in cstore stow qido; do
    has_peer glassbox && [[ -z $GLASSBOX_MISSING ]] && ! runs glassbox "$door" && echo "Glassbox $door: not available in this build (skipped)"
done
exit 0
