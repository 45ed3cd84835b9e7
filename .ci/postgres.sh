#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on loopback for the API tests on the Postgres store.
#
#   eval "$(.ci/postgres.sh)"     # exports BEATPLAN_TEST_DATABASE_URL
#
# Installs Debian's `postgresql` when missing (needs root and apt), creates a cluster with
# initdb in $BEATPLAN_PG_DIR (default /tmp/beatplan-pg) owned by the `postgres` user, listening
# only on 127.0.0.1:$BEATPLAN_PG_PORT (default 55432), and a role `beatplan` (password login,
# CREATEDB: the test harness creates and drops one database per test app) owning a database
# `beatplan`. Running it again reuses a running cluster. Logs go to stderr; stdout is only the
# `export` line(s), so `eval` is safe. Stop it with:
#   runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D /tmp/beatplan-pg/data stop
set -euo pipefail

PG_DIR="${BEATPLAN_PG_DIR:-/tmp/beatplan-pg}"
PG_PORT="${BEATPLAN_PG_PORT:-55432}"
PG_ROLE=beatplan
PG_PASSWORD="${BEATPLAN_PG_PASSWORD:-beatplan-ci}"
log() { echo "postgres.sh: $*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [[ -z "$(pg_bin)" || ! -x "$(pg_bin)/initdb" ]]; then
  log "installing postgresql (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN="$(pg_bin)"
[[ -x "$BIN/initdb" ]] || { log "initdb not found under /usr/lib/postgresql/*/bin"; exit 1; }
id postgres >/dev/null 2>&1 || { log "no postgres user (the postgresql package creates it)"; exit 1; }

if [[ "$(id -u)" == 0 ]]; then
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; } # already an unprivileged user that can own the cluster
fi

DATA="$PG_DIR/data"
mkdir -p "$PG_DIR"
[[ "$(id -u)" == 0 ]] && chown postgres:postgres "$PG_DIR"
chmod 700 "$PG_DIR"

if [[ ! -s "$DATA/PG_VERSION" ]]; then
  log "initdb $DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >&2
  cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

if as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  log "cluster already running in $DATA"
else
  log "starting the cluster on 127.0.0.1:$PG_PORT"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start >&2
fi

psql_admin() { as_pg "$BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != 1 ]]; then
  psql_admin -c "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
else
  psql_admin -c "ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
fi
if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_ROLE'")" != 1 ]]; then
  psql_admin -c "CREATE DATABASE $PG_ROLE OWNER $PG_ROLE"
fi

URL="postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_ROLE"
# Check the URL works over TCP with the password, as the tests will use it.
PGPASSWORD="$PG_PASSWORD" "$BIN/psql" "$URL" -qAt -c 'SELECT 1' >/dev/null
log "ready: $URL"
echo "export BEATPLAN_TEST_DATABASE_URL='$URL'"
