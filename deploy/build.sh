#!/usr/bin/env bash
# Builds the server (all modules, tests skipped) when its runnable jar is missing or older than any pom.xml,
# source file, migration or web viewer file in the repository; otherwise does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=server/target/quarkus-app/quarkus-run.jar

newer_source() {
  find . \( -name .git -o -name target -o -name node_modules -o -path ./data \) -prune -o \
    -type f \( -name pom.xml -o -path '*/src/*' -o -path './db/migrations/*' -o -path './.mvn/*' \
    -o -path './web-viewer/*' \) \
    -newer "$JAR" -print -quit
}

if [ -f "$JAR" ] && [ -z "$(newer_source)" ]; then
  exit 0
fi
echo "[build] building the server (./mvnw -B -q package -DskipTests)" >&2
./mvnw -B -q package -DskipTests
[ -f "$JAR" ] || { echo "[build] ERROR: the build did not produce $JAR" >&2; exit 1; }
