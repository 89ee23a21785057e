#!/usr/bin/env bash
# Sets up this machine for testing (deploy/setup.sh test: packages, the machine's PostgreSQL and the test
# database), runs the smoke test of the run command (deploy/smoke-run.sh), the whole Maven suite (./mvnw verify
# over all modules, which builds the server), then the viewer's end-to-end test against that build
# (npm run e2e in web-viewer: the demo study through the worklist and review in Chromium; screenshots in
# web-viewer/target/e2e). The output ends with the end-to-end test's "N passed, M failed"; the exit status is
# non-zero when anything failed.
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

e2e_status=0
if [ $maven_status -eq 0 ]; then
  (cd web-viewer && npm run --silent e2e) || e2e_status=$?
fi

[ $maven_status -ne 0 ] && exit $maven_status
[ $smoke_status -ne 0 ] && exit 1
[ $e2e_status -ne 0 ] && exit $e2e_status
exit 0
