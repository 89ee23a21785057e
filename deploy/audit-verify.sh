#!/usr/bin/env bash
# Verifies the audit trail's hash chain and its head file, with the server running or stopped (docs/audit.md).
# Reads the server's settings: GLASSBOX_DB_URL (required when the server's database is the embedded one, whose
# address only the running server knows: use GET /api/audit/verify then), GLASSBOX_DB_USER, GLASSBOX_DB_PASSWORD,
# GLASSBOX_DATA_DIR (default ./data). Prints the result as JSON; exits 0 when the chain is intact, 1 when it names
# the first record altered, inserted or removed (or a truncated tail), 2 when it could not verify.
set -euo pipefail
cd "$(dirname "$0")/.."
app=server/target/quarkus-app
if [[ ! -f $app/quarkus-run.jar ]]; then
  echo "audit-verify: $app is not built (run deploy/build.sh)" >&2
  exit 2
fi
exec java -cp "$app/app/*:$app/lib/main/*" io.glassbox.server.audit.AuditVerifyCommand
