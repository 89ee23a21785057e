#!/usr/bin/env bash
# Sends a demo study to a running Glassbox server over C-STORE and follows the AI job it sets off: the whole flow
# (ingest, study quiet, routing rule, job, results) within a minute. Start the server first (deploy/run.sh); then,
# from another terminal:
#
#   deploy/demo.sh
#
# The study: a contiguous run of 20 held-out slices (1.5 mm apart, no gap: viewers build a volume from it) of the
# real head CT the ct-hyperdense-lesion plugin was trained on (InVesalius's example, Debian's invesalius-examples;
# not a patient), with synthetic lesions in every other held-out test slice, as one CT
# series written by DemoStudy (plugins/ct-hyperdense-lesion, package ...demo) into a temporary folder that is kept,
# ground-truth.json beside the images. Arguments go to DemoStudy: --seed N, --all-slices (all 108 slices).
#
# Where the server is, from the variables the server itself reads: HTTP at GLASSBOX_URL (default
# http://127.0.0.1:$GLASSBOX_HTTP_PORT, port 8080), DICOM on port $GLASSBOX_DICOM_PORT (11112) of the same host, AE title
# $GLASSBOX_AE_TITLE (GLASSBOX). DEMO_TIMEOUT_SECONDS (120) bounds the wait for the job.
#
# When no routing rule names the plugin, it adds one (CT, HEAD, per series) to the server's rules and says so.
# Exit status: 0 when the plugin's job succeeded; non-zero when something failed or the job did not finish in time.
set -euo pipefail
cd "$(dirname "$0")/.."

URL=${GLASSBOX_URL:-http://127.0.0.1:${GLASSBOX_HTTP_PORT:-8080}}
URL=${URL%/}
DICOM_PORT=${GLASSBOX_DICOM_PORT:-11112}
AE_TITLE=${GLASSBOX_AE_TITLE:-GLASSBOX}
TIMEOUT=${DEMO_TIMEOUT_SECONDS:-120}
PIXELMED=/usr/share/java/pixelmed.jar
DEMO=io.glassbox.plugins.hyperdenselesion.demo

log() { printf '[demo] %s\n' "$*"; }
die() { printf '[demo] ERROR: %s\n' "$*" >&2; exit 1; }

# The DICOM host is the HTTP host: scheme, user, path and port taken off; brackets off an IPv6 literal.
host=${URL#*://}
host=${host%%/*}
host=${host##*@}
case "$host" in
  \[*) host=${host%%]*}; host=${host#[} ;;
  *) host=${host%:*} ;;
esac

for arg in "$@"; do
  [ "$arg" != --out ] || die "demo.sh chooses the output folder itself; pass DemoStudy's other options only"
done

bash deploy/setup.sh demo

# The plugin jar as the build stages it for the server (server/pom.xml: quarkus-app/plugins/builtin/<zip's folder>).
# Built only when missing: a server started from this checkout runs out of that folder, and rebuilding under it
# (deploy/build.sh rebuilds whenever a source is newer) could break it; deploy/run.sh rebuilds at its next start.
find_jars() {
  local plugin=glassbox-plugin-ct-hyperdense-lesion
  shopt -s nullglob
  jars=(server/target/quarkus-app/plugins/builtin/"$plugin"-*/"$plugin"-*.jar)
  shopt -u nullglob
}
find_jars
if [ ${#jars[@]} -eq 0 ]; then
  log "no built plugin here yet: building (deploy/build.sh)"
  bash deploy/build.sh
  find_jars
fi
[ ${#jars[@]} -eq 1 ] || die "expected one built ct-hyperdense-lesion plugin jar, found ${#jars[@]}: ${jars[*]:-none}"
[ -f "$PIXELMED" ] || die "$PIXELMED is missing: apt-get install libpixelmed-java (deploy/setup.sh run installs it)"
CLASSPATH_DEMO="${jars[0]}:$PIXELMED"

demo() { java -cp "$CLASSPATH_DEMO" "$DEMO.$1" "${@:2}"; }

log "server: $URL (HTTP), $AE_TITLE@$host:$DICOM_PORT (DICOM)"
demo DemoClient ensure-rule "$URL"

OUT=$(mktemp -d "${TMPDIR:-/tmp}/glassbox-demo.XXXXXX")
log "writing the demo study: java -cp $CLASSPATH_DEMO $DEMO.DemoStudy --out $OUT${*:+ $*}"
demo DemoStudy --out "$OUT" "$@"
STUDY=$(demo DemoClient study-uid "$OUT")
FILES=("$OUT"/*.dcm)

log "sending ${#FILES[@]} CT images: storescu -aet DEMO -aec $AE_TITLE +sd +sp '*.dcm' $host $DICOM_PORT $OUT"
storescu -aet DEMO -aec "$AE_TITLE" +sd +sp '*.dcm' "$host" "$DICOM_PORT" "$OUT" \
  || die "storescu could not store the study (is the server's DICOM port $DICOM_PORT, AE title $AE_TITLE?)"
demo DemoClient series "$URL" "$STUDY"

cat <<EOF
[demo] Sent. What happens next:
  1. Once nothing has arrived for the server's GLASSBOX_QUIET_SECONDS (5 s by default), the study is ready.
  2. The routing rule queues a job for plugin glassbox.ct-hyperdense-lesion; a worker runs it over the series.
  3. Its results go into the same study as new series (AI-generated Secondary Capture, Parametric Map and
     Structured Report):
       $URL/api/studies/$STUDY/results
       $URL/api/jobs?study=$STUDY
       $URL/dicomweb/studies/$STUDY/series
     Ground truth to compare them with (which instances carry a lesion, where, how large):
       $OUT/ground-truth.json
[demo] Following the job (at most $TIMEOUT s):
EOF
demo DemoClient await-job "$URL" "$STUDY" "$TIMEOUT" "$OUT/ground-truth.json"
