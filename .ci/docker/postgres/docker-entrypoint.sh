#!/usr/bin/env bash
# A small stand-in for the official postgres image's entrypoint (docker-library/postgres): on first
# start, initdb with POSTGRES_USER/POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust), create
# POSTGRES_DB, run /docker-entrypoint-initdb.d/*.sql|*.sh on a socket-only server; then exec the
# command as the postgres user. Arguments starting with "-" are options for postgres.
set -Eeuo pipefail
[[ "${1:-}" == -* ]] && set -- postgres "$@"
[[ "${1:-}" == postgres ]] || exec "$@"

if [[ $(id -u) -eq 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}" "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
    echo "Error: Database is uninitialized and superuser password is not specified." >&2
    echo "       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust)." >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  pw=()
  [[ -n "${POSTGRES_PASSWORD:-}" ]] && pw=(--pwfile="$pwfile")
  initdb --username="$POSTGRES_USER" "${pw[@]}" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all $POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
  export PGUSER="$POSTGRES_USER" PGPORT="${PGPORT:-5432}" PGHOST=/var/run/postgresql
  pg_ctl -D "$PGDATA" -w -o "$(printf '%q ' "${@:2}") -c listen_addresses='' -p $PGPORT" start
  if [[ "$POSTGRES_DB" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 -q --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 -q --dbname "$POSTGRES_DB" -f "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  unset PGUSER PGHOST
  echo 'PostgreSQL init process complete; ready for start up.'
fi
exec "$@"
