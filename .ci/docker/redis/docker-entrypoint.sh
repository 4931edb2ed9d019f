#!/bin/sh
# A small stand-in for the official redis image's entrypoint (docker-library/redis): options and
# *.conf arguments go to redis-server, which runs as the redis user.
set -e
case "${1:-}" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
exec "$@"
