#!/usr/bin/env bash
# Measures the committed hyperdense-lesion model on the held-out test slices and writes
# docs/plugin-ct-hyperdense-lesion-report.md and docs/plugin-ct-hyperdense-lesion-maps.png (and prints the report).
# Needs Debian's invesalius-examples package. Extra arguments go to LesionDetectorReport, e.g. --per-class 150.
# One PyTorch thread by default (THREADS=n to change): comparable runs on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl plugins/ct-hyperdense-lesion -am install -DskipTests
./mvnw -B -q -pl plugins/ct-hyperdense-lesion dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cd plugins/ct-hyperdense-lesion
exec java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${THREADS:-1}" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "target/classes:$(cat target/classpath.txt)" \
  io.glassbox.plugins.hyperdenselesion.report.LesionDetectorReport --docs ../../docs "$@"
