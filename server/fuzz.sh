#!/usr/bin/env bash
# Long fuzzing run of the network-facing parsers (docs/fuzzing.md): each harness in turn under Jazzer's
# standalone driver for a given time, seeded with its checked-in inputs (and, for the structure check, the
# pydicom test corpus), with a small heap and a bounded input length.
#
#   server/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]      default 600 s each, all four harnesses
#
# Growing corpora go to server/target/fuzz/corpus/<harness>, logs to server/target/fuzz/<harness>.log and
# crashing inputs to server/target/fuzz/findings/<harness>/ (crash-*, timeout-*, oom-*). A finding becomes a
# regression test by copying it into the harness's ...FuzzTestInputs/<method>/ folder under src/test/resources.
set -euo pipefail

cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
all=(DicomStructureFuzzTest PduFuzzTest MultipartRelatedReaderFuzzTest QidoParametersFuzzTest)
harnesses=("${@:-${all[@]}}")
PYDICOM_CORPUS=${PYDICOM_CORPUS:-/usr/lib/python3/dist-packages/pydicom/data/test_files}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
HEAP=${FUZZ_HEAP:-512m}

# Compile main and test classes and write the test classpath (no tests run).
../mvnw -B -q --no-transfer-progress test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/fuzz/classpath.txt
classpath="target/test-classes:target/classes:$(cat target/fuzz/classpath.txt)"

class_of() {
    case "$1" in
        DicomStructureFuzzTest) echo io.glassbox.server.ingest.DicomStructureFuzzTest ;;
        PduFuzzTest) echo io.glassbox.server.dicom.net.pdu.PduFuzzTest ;;
        MultipartRelatedReaderFuzzTest) echo io.glassbox.server.dicomweb.MultipartRelatedReaderFuzzTest ;;
        QidoParametersFuzzTest) echo io.glassbox.server.dicomweb.QidoParametersFuzzTest ;;
        *) echo "unknown harness $1 (one of: ${all[*]})" >&2; return 1 ;;
    esac
}

status=0
for harness in "${harnesses[@]}"; do
    class=$(class_of "$harness")
    inputs=$(dirname "src/test/resources/${class//.//}")/${harness}Inputs
    corpus=target/fuzz/corpus/$harness
    findings=target/fuzz/findings/$harness
    mkdir -p "$corpus" "$findings"
    seeds=("$corpus")
    for d in "$inputs"/*/; do seeds+=("$d"); done
    if [[ $harness == DicomStructureFuzzTest && -d $PYDICOM_CORPUS ]]; then
        seeds+=("$PYDICOM_CORPUS" ../../shared/samples/malformed)
    fi
    echo "== $harness: ${seconds}s, -Xmx$HEAP, inputs up to $MAX_LEN bytes, log target/fuzz/$harness.log"
    # Only Glassbox's own classes are instrumented for coverage (PixelMed is exercised, not steered by).
    if java -Xmx"$HEAP" -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
        --target_class="$class" --instrumentation_includes='io.glassbox.**' \
        --keep_going="${FUZZ_KEEP_GOING:-10}" -max_len="$MAX_LEN" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$findings/" "${seeds[@]}" >"target/fuzz/$harness.log" 2>&1; then
        echo "   no finding"
    else
        echo "   FINDING: see target/fuzz/$harness.log and $findings/"
        status=1
    fi
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb' \
        "target/fuzz/$harness.log" | awk '!seen[$0]++ { print "   " $0 }' || true
done
exit $status
