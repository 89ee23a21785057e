#!/usr/bin/env bash
# Trains the hyperdense-lesion detector and writes its weights, digest and training record into the plugin's
# resources (plugins/ct-hyperdense-lesion/src/main/resources/io/glassbox/plugins/hyperdenselesion/).
# Needs Debian's invesalius-examples package (the head CT). Extra arguments go to TrainLesionDetector, e.g.
#   plugins/ct-hyperdense-lesion/train.sh --epochs 10 --seed 20260701
# One PyTorch thread by default: deterministic, and polite on a shared machine (THREADS=n to change).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl plugins/ct-hyperdense-lesion -am install -DskipTests
./mvnw -B -q -pl plugins/ct-hyperdense-lesion dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cd plugins/ct-hyperdense-lesion
exec java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${THREADS:-1}" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "target/classes:$(cat target/classpath.txt)" \
  io.glassbox.plugins.hyperdenselesion.training.TrainLesionDetector "$@"
