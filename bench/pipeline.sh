#!/usr/bin/env bash
# Inference pipeline benchmark (PipelineBench): the packaged server with the built-in plugin on the CPU, the
# machine's PostgreSQL (a database of its own, dropped afterwards), the demo head CT sent with storescu. Prints,
# measured in one run: last C-STORE response -> SC, PM and SR queryable, minus the quiet time, for one slice and
# for the 108-slice series; where the time goes per image; the explanation's overhead over plain inference in
# the server path; studies per minute. docs/benchmarks.md has the numbers.
#
# Usage: bench/pipeline.sh     (builds what is missing first)
# Environment (optional): BENCH_ROUNDS=3  BENCH_BURST=10  BENCH_QUIET=1  BENCH_DIR=/tmp/glassbox-pipeline-bench
#   BENCH_DB=glassbox_bench_pipeline  GLASSBOX_APP=server/target/quarkus-app (another build's, to compare two)
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
APP=${GLASSBOX_APP:-server/target/quarkus-app}
if [[ ! -f $APP/quarkus-run.jar || ! -f bench/target/glassbox-bench.jar ]]; then
    ./mvnw -B -q --no-transfer-progress install -DskipTests
fi
PLUGIN_JAR=$(ls "$APP"/plugins/builtin/glassbox-plugin-ct-hyperdense-lesion-*/glassbox-plugin-ct-hyperdense-lesion-*.jar | head -1)
PIXELMED_JAR=/usr/share/java/pixelmed-20220618.jar
JACKSON=$(ls "$APP"/lib/main/com.fasterxml.jackson.core.jackson-*.jar | tr '\n' ':')
WORK=${BENCH_DIR:-/tmp/glassbox-pipeline-bench}/run-$$
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
echo "[pipeline-bench] $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); work in $WORK" >&2
java -cp "bench/target/glassbox-bench.jar:$JACKSON$PIXELMED_JAR" io.glassbox.bench.PipelineBench \
    "$APP/quarkus-run.jar" "$PLUGIN_JAR" "$PIXELMED_JAR" "$WORK"
