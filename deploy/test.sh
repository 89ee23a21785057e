#!/usr/bin/env bash
# Sets up this machine for testing (deploy/setup.sh test: packages, the machine's PostgreSQL and the test
# database), runs the smoke test of the run command (deploy/smoke-run.sh), then the whole Maven suite
# (./mvnw verify over all modules). The output ends with Maven's test summary; the exit status is non-zero when
# anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash deploy/setup.sh test || { echo "[test] ERROR: deploy/setup.sh test failed" >&2; exit 1; }

smoke_status=0
bash deploy/smoke-run.sh || smoke_status=$?
if [ $smoke_status -ne 0 ]; then
  echo "[test] the smoke test of the run command FAILED (see above); running the Maven suite anyway" >&2
fi

./mvnw -B --no-transfer-progress verify
maven_status=$?

[ $maven_status -ne 0 ] && exit $maven_status
[ $smoke_status -ne 0 ] && exit 1
exit 0
