#!/bin/sh
# Entrypoint of the svclab image: `entrypoint.sh APP [ARGS...]` runs node apps/APP/dist/main.js.
#   help         lists the apps in this image
# With POD_CIDR=10.244.N.0/24 (node containers) it first adds the pod addresses the node-agent
# hands out (.2 upwards, POD_IP_COUNT of them, default 32) on eth0 as /32, so the other containers
# on the compose network reach them (needs NET_ADMIN).
set -eu
app="${1:-help}"
[ $# -gt 0 ] && shift

if [ -n "${POD_CIDR:-}" ]; then
  prefix="${POD_CIDR%.*}"
  dev="${POD_DEV:-eth0}"
  i=2
  last=$(( 1 + ${POD_IP_COUNT:-32} ))
  while [ "$i" -le "$last" ]; do
    ip addr add "$prefix.$i/32" dev "$dev" 2>/dev/null || ip addr show dev "$dev" | grep -q " $prefix.$i/32 " \
      || { echo "entrypoint: cannot add $prefix.$i/32 on $dev (NET_ADMIN?)" >&2; exit 1; }
    i=$((i + 1))
  done
fi

case "$app" in
  help)
    echo "usage: APP [ARGS...]; apps in this image:"
    for d in /app/apps/*/dist/main.js; do d="${d#/app/apps/}"; echo "  ${d%%/*}"; done
    exit 0
    ;;
esac
main="/app/apps/$app/dist/main.js"
if [ ! -f "$main" ]; then
  # Exit 0 so that `restart: on-failure` leaves it stopped; `docker compose ps` shows it exited.
  echo "{\"level\":\"error\",\"msg\":\"app is not built into this image\",\"app\":\"$app\",\"path\":\"$main\"}" >&2
  exit 0
fi
exec node "$main" "$@"
