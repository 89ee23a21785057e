#!/usr/bin/env bash
# Result objects benchmark (ResultObjectsBench): what writing one analysis's series-level objects costs in the
# server's own code, without the server: the multi-frame Parametric Map of a 108-slice series of 512 x 512 slices,
# its Part 10 encoding, and the report (a measurement group and outline on every other slice). Prints medians.
# docs/benchmarks.md has the numbers.
#
# Usage: bench/results.sh [slices] [size]     (default 108 512; compiles the server's classes when missing)
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [[ ! -d server/target/classes/io/glassbox/server/results ]]; then
    ./mvnw -B -q --no-transfer-progress compile -pl db,server
fi
PIXELMED_JAR=/usr/share/java/pixelmed-20220618.jar
[[ -f $PIXELMED_JAR ]] || PIXELMED_JAR=$(ls ~/.m2/repository/com/pixelmed/pixelmed/20220618/pixelmed-20220618.jar)
HEADER=/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm   # Debian python3-pydicom
echo "[results-bench] load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -Xmx2g -cp "server/target/classes:$PIXELMED_JAR" bench/results/ResultObjectsBench.java "$HEADER" "${1:-108}" "${2:-512}"
