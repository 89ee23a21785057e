#!/usr/bin/env bash
# Sets up this machine for running Glassbox (deploy/setup.sh run), builds it if needed, and runs it in the
# foreground with the embedded defaults: data under ./data, HTTP on 8080, DICOM on 11112 (AE title GLASSBOX), and
# an embedded PostgreSQL under the data directory unless GLASSBOX_DB_URL names a server.
#
# Settings are the GLASSBOX_* environment variables listed in README.md; they reach the server unchanged.
# JAVA_OPTS adds JVM options (for example JAVA_OPTS=-Xmx4g). Arguments are passed to the server.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/setup.sh run
bash deploy/build.sh

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java ${JAVA_OPTS:-} -jar server/target/quarkus-app/quarkus-run.jar "$@"
