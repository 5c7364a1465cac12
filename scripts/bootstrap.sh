#!/usr/bin/env bash
# Installs what this repository needs on a fresh Debian machine, skipping what is present:
# system packages with apt-get, npm dependencies with `npm ci`, then builds every workspace.
#   scripts/bootstrap.sh            runtime + test dependencies
#   scripts/bootstrap.sh --bench    also benchmark tools
set -euo pipefail
cd "$(dirname "$0")/.."

# g++, make and python3 build @svclab/udp-batch (node-gyp) during npm ci.
want=(nats-server:nats-server redis-server:redis-server dig:dnsutils kubectl:kubernetes-client
      iptables-restore:iptables ip:iproute2 curl:curl openssl:openssl g++:g++ make:make python3:python3)
if [[ ${1:-} == --bench ]]; then want+=(dnsperf:dnsperf knotd:knot wrk:wrk); fi

missing=()
for pair in "${want[@]}"; do
  bin=${pair%%:*} pkg=${pair#*:}
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$bin" >/dev/null 2>&1; then missing+=("$pkg"); fi
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # kubectl is optional: some Debian releases have no kubernetes-client package.
  for pkg in "${missing[@]}"; do
    $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null || echo "bootstrap: could not install $pkg" >&2
  done
fi

stamp=node_modules/.svclab-lock
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

echo "bootstrap: build"
npx turbo run build --output-logs=errors-only
