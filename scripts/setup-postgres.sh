#!/usr/bin/env bash
# Sets up a local PostgreSQL for the integration tests (Debian 12, run as root).
# Idempotent: safe to run again; it reuses the role, database and password it created before.
# The last line of output is `TEST_DATABASE_URL=…`, so callers can do:
#   eval "export $(sudo bash scripts/setup-postgres.sh | tail -n 1)"
set -euo pipefail

ROLE=wizard_test
DATABASE=wizard_test
CLUSTER=main
# The password is generated once and kept root-only, so reruns print the same URL.
PASSWORD_FILE="${WIZARD_TEST_PASSWORD_FILE:-/etc/sspr-writeback-wizard/test-db.password}"

log() { printf '%s\n' "$*" >&2; }

if [[ "$(id -u)" -ne 0 ]]; then
  log "setup-postgres: run as root (it installs packages and acts as the postgres user)."
  exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "setup-postgres: installing postgresql…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >&2
fi

# Newest installed server version, rather than assuming Debian 12's 15.
VERSION="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1)"
if [[ -z "$VERSION" ]]; then
  log "setup-postgres: no PostgreSQL server found under /usr/lib/postgresql."
  exit 1
fi

if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
  log "setup-postgres: creating cluster $VERSION/$CLUSTER…"
  pg_createcluster "$VERSION" "$CLUSTER" >&2
fi

STATUS="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $4 }')"
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $3 }')"
if [[ "$STATUS" != online* ]]; then
  log "setup-postgres: starting cluster $VERSION/$CLUSTER on port $PORT…"
  # Containers have no systemd; --skip-systemctl-redirect makes pg_ctlcluster start the server itself.
  # Exit code 2 means "already running" (a race with another starter), which is fine.
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start >&2 || [[ $? -eq 2 ]]
fi

for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    break
  fi
  sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
  log "setup-postgres: PostgreSQL did not become ready on 127.0.0.1:$PORT; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
  exit 1
fi

if [[ -s "$PASSWORD_FILE" ]]; then
  PASSWORD="$(cat "$PASSWORD_FILE")"
else
  # Hex keeps the password URL-safe without escaping.
  PASSWORD="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
  install -d -m 700 "$(dirname "$PASSWORD_FILE")"
  (umask 077 && printf '%s' "$PASSWORD" >"$PASSWORD_FILE")
fi

# Local socket auth is peer, so act as the postgres OS user. psql variables (:'pw') quote the password
# safely; they are not interpolated inside DO blocks, hence the existence checks in shell.
as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }

if [[ "$(psql_admin -tAc "select 1 from pg_roles where rolname = '$ROLE'")" == 1 ]]; then
  psql_admin -v pw="$PASSWORD" -f - <<SQL
alter role $ROLE with login password :'pw';
SQL
else
  psql_admin -v pw="$PASSWORD" -f - <<SQL
create role $ROLE with login password :'pw';
SQL
fi

if [[ "$(psql_admin -tAc "select 1 from pg_database where datname = '$DATABASE'")" != 1 ]]; then
  # Owning the database lets the tests create and drop their own throwaway schemas.
  as_postgres createdb -p "$PORT" -O "$ROLE" "$DATABASE"
fi

log "setup-postgres: PostgreSQL $VERSION ready; role and database '$DATABASE' exist."
echo "TEST_DATABASE_URL=postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
