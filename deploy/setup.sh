#!/usr/bin/env bash
# Prepares a Debian 12 machine for Glassbox. Idempotent: installs only what is missing, and touches
# nothing (no apt-get update, no root) when everything is already there.
#
#   deploy/setup.sh run    what running the server needs
#   deploy/setup.sh test   everything the test suite needs, plus a running PostgreSQL with the test database
#   deploy/setup.sh demo   what running needs, plus what deploy/demo.sh needs
#
# To add a package, append it to the array of the mode that needs it (test and demo modes install RUN_PACKAGES too).
set -euo pipefail

# Running: the JDK, PixelMed (the build installs Debian's jars into ~/.m2), dcmtk (echoscu/storescu are handy
# against a running server), util-linux (unshare: the embedded PostgreSQL runs through `unshare -U` as root).
RUN_PACKAGES=(
  openjdk-17-jdk-headless
  libpixelmed-java
  libpixelmed-imageio-java
  dcmtk
  fonts-dejavu-core
  util-linux
)

# Testing: real DICOM peers and validators, the pydicom test corpus, the machine's PostgreSQL the Quarkus tests
# use, curl and procps for the smoke test of the run command, Chromium for the viewer's end-to-end test
# (web-viewer/e2e, driven by playwright-core: Debian's browser, never a downloaded one), jing for the audit XML
# against the PS3.15 schema.
TEST_PACKAGES=(
  orthanc
  orthanc-dicomweb
  python3
  python3-pydicom
  dicom3tools
  jing
  invesalius-examples
  postgresql
  curl
  procps
  chromium
)

# The demo (deploy/demo.sh): the head CT its study is made from (storescu, which sends it, is dcmtk's: RUN_PACKAGES).
DEMO_PACKAGES=(
  invesalius-examples
)

# The database the Quarkus tests use (application.properties, %test profile); GLASSBOX_TEST_DB_URL may name another
# database on the same server, which is then created too.
TEST_DATABASE=glassbox_test
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres

log() { printf '[setup] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# Installs the packages among "$@" that are missing; sets JUST_INSTALLED to those it installed.
JUST_INSTALLED=()
install_missing() {
  local missing=() package
  for package in "$@"; do
    is_installed "$package" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  JUST_INSTALLED=("${missing[@]}")
}

just_installed() {
  local package
  for package in "${JUST_INSTALLED[@]}"; do [ "$package" = "$1" ] && return 0; done
  return 1
}

psql_as_admin() {
  psql -X -w -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 "$@"
}

# The machine's PostgreSQL: running, reachable on 127.0.0.1:5432 as postgres without a password (trust), and
# holding the test database(s).
ensure_test_postgres() {
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$version" ] || die "no PostgreSQL cluster under /etc/postgresql (is the postgresql package installed?)"

  if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    log "starting PostgreSQL $version/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 60 || die "PostgreSQL $version/main did not come up on $PG_HOST:$PG_PORT"
  fi

  if ! psql_as_admin -c 'SELECT 1' >/dev/null 2>&1; then
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    # Only a cluster this script has just installed is opened up; an existing one is the administrator's.
    just_installed postgresql || die "cannot connect to $PG_HOST:$PG_PORT as $PG_USER without a password. Allow it \
(in $hba, before the other host lines: 'host all $PG_USER 127.0.0.1/32 trust', then reload), or point the tests \
at another server with GLASSBOX_TEST_DB_URL"
    log "fresh PostgreSQL: trusting $PG_USER from 127.0.0.1 (test machine only)"
    as_root sed -i "1i host all $PG_USER 127.0.0.1/32 trust  # added by glassbox deploy/setup.sh for the tests" "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    sleep 1
    psql_as_admin -c 'SELECT 1' >/dev/null || die "still cannot connect as $PG_USER after trusting 127.0.0.1"
  fi

  local databases=("$TEST_DATABASE") url_database
  if [ -n "${GLASSBOX_TEST_DB_URL:-}" ]; then
    url_database=${GLASSBOX_TEST_DB_URL##*/}
    url_database=${url_database%%\?*}
    [ "$url_database" != "$TEST_DATABASE" ] && databases+=("$url_database")
  fi
  local database
  for database in "${databases[@]}"; do
    if [ "$(psql_as_admin -Atc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
      log "creating database $database"
      psql_as_admin -c "CREATE DATABASE \"$database\""
    fi
  done
}

# The viewer (web-viewer/) is built by Maven with the machine's Node.js and npm: Vite 8 and Vitest 4 need Node.js
# 20.19 or newer. Debian 12's own nodejs is 18, so where no Node.js is installed Debian's is tried and, being too old,
# refused with what to do; a machine that already has a newer one (NodeSource's, say, which ships npm itself) keeps it.
NODE_MINIMUM=20.19.0
ensure_node() {
  if ! command -v node >/dev/null 2>&1; then
    install_missing nodejs npm
  fi
  command -v npm >/dev/null 2>&1 || install_missing npm
  local version
  version=$(node --version 2>/dev/null | sed 's/^v//')
  if [ "$(printf '%s\n%s\n' "$NODE_MINIMUM" "$version" | sort -V | head -n 1)" != "$NODE_MINIMUM" ]; then
    die "Node.js $version is too old to build the viewer: install Node.js $NODE_MINIMUM or newer with npm (e.g. the \
nodejs package of NodeSource's Debian repository), then run this again"
  fi
}

mode=${1:-}
case "$mode" in
  run)
    install_missing "${RUN_PACKAGES[@]}"
    ensure_node
    ;;
  test)
    install_missing "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    ensure_test_postgres
    ensure_node
    ;;
  demo)
    install_missing "${RUN_PACKAGES[@]}" "${DEMO_PACKAGES[@]}"
    ensure_node
    ;;
  *)
    echo "usage: $0 run|test|demo" >&2
    exit 2
    ;;
esac
