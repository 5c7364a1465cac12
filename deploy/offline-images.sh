#!/usr/bin/env bash
# Builds every image of the compose cluster with NO container registry:
#   1. installs docker.io, docker-compose and debootstrap when missing (apt-get),
#   2. starts dockerd when no engine answers,
#   3. debootstraps a minimal Debian bookworm (the mirror apt already uses),
#   4. copies this machine's own node, nats-server and redis-server (+ the libraries ldd names) in
#      and `docker import`s svclab/base-node, then builds svclab/nats and svclab/redis on it,
#   5. builds the app image from deploy/Dockerfile with BASE_IMAGE=svclab/base-node, from a
#      context that already holds node_modules and every dist/ (no network inside the build).
# Steps whose output exists are skipped (the rootfs, the base images, an app image built from the
# same sources); --rebuild redoes all of them.
#
#   deploy/offline-images.sh [--rebuild] [--no-build]
#
# Env: SVCLAB_IMAGE, SVCLAB_BASE_IMAGE, SVCLAB_NATS_IMAGE, SVCLAB_REDIS_IMAGE (image names),
#      SVCLAB_CACHE_DIR (rootfs cache, default /var/cache/svclab), DEBIAN_MIRROR (override the mirror).
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
repo=$(cd "$(dirname "$0")/.." && pwd)
rebuild=false
build_ws=true
for a in "$@"; do
  case $a in
    --rebuild) rebuild=true ;;
    --no-build) build_ws=false ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "offline-images: unknown argument $a" >&2; exit 2 ;;
  esac
done

app_image=${SVCLAB_IMAGE:-svclab/svclab:latest}
base_image=${SVCLAB_BASE_IMAGE:-svclab/base-node:latest}
nats_image=${SVCLAB_NATS_IMAGE:-svclab/nats:latest}
redis_image=${SVCLAB_REDIS_IMAGE:-svclab/redis:latest}
cache=${SVCLAB_CACHE_DIR:-/var/cache/svclab}
rootfs=$cache/rootfs-bookworm
log() { printf 'offline-images: %s\n' "$*" >&2; }
SUDO=
[[ $(id -u) -ne 0 ]] && SUDO=sudo

# --- 1. tools ------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then missing+=(docker-compose); fi
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- 2. engine -----------------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/svclab-dockerd.log)"
  $SUDO sh -c 'nohup dockerd >/var/log/svclab-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 /var/log/svclab-dockerd.log >&2; log "dockerd did not start"; exit 1; }
fi
has_image() { docker image inspect "$1" >/dev/null 2>&1; }

# --- 3. rootfs -----------------------------------------------------------------------------
mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local m
  m=$(grep -hs -E '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -1 || true)
  [[ -z $m ]] && m=$(grep -hs -E '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' | grep -v -- '-security' | head -1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}
if $rebuild; then $SUDO rm -rf "$rootfs"; fi
if [[ ! -x $rootfs/bin/sh ]]; then
  url=$(mirror)
  log "debootstrap bookworm from $url into $rootfs (about a minute)"
  $SUDO mkdir -p "$cache"
  $SUDO rm -rf "$rootfs.tmp"
  $SUDO debootstrap --variant=minbase --include=iproute2,iptables,curl,dnsutils,ca-certificates,procps \
    bookworm "$rootfs.tmp" "$url" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }
  $SUDO rm -rf "$rootfs.tmp/var/cache/apt/archives/"*.deb "$rootfs.tmp/var/lib/apt/lists/"*
  $SUDO mv "$rootfs.tmp" "$rootfs"
fi

# Copies binaries and every library ldd names into a rootfs at the same paths.
copy_bins() {
  local dest=$1; shift
  local b lib
  for b in "$@"; do
    $SUDO mkdir -p "$dest$(dirname "$b")"
    $SUDO cp -L "$b" "$dest$b"
    for lib in $(ldd "$b" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib/{print $1}'); do
      [[ -e $dest$lib ]] && continue
      $SUDO mkdir -p "$dest$(dirname "$lib")"
      $SUDO cp -L "$lib" "$dest$lib"
    done
  done
}

# --- 4. base images ------------------------------------------------------------------------
if $rebuild || ! has_image "$base_image"; then
  node_bin=$(command -v node)
  log "importing $base_image (bookworm + $node_bin $(node --version))"
  stage=$(mktemp -d "$cache/base.XXXXXX")
  trap '$SUDO rm -rf "$stage"' EXIT
  $SUDO cp -a "$rootfs/." "$stage/"
  copy_bins "$stage" "$node_bin"
  [[ $node_bin == /usr/bin/node ]] || $SUDO ln -sf "$node_bin" "$stage/usr/bin/node"
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  if [[ -d $npm_dir && -f $npm_dir/bin/npm-cli.js ]]; then
    $SUDO mkdir -p "$stage/usr/lib/node_modules"
    $SUDO cp -a "$npm_dir" "$stage/usr/lib/node_modules/npm"
    $SUDO ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/bin/npm"
    $SUDO ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/bin/npx"
  fi
  $SUDO tar -C "$stage" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["node"]' - "$base_image" >/dev/null
  $SUDO rm -rf "$stage"
  trap - EXIT
fi

# `docker build` with the legacy builder (no BuildKit, no buildx needed); its output only on failure.
quiet_build() {
  local out
  out=$(mktemp)
  if ! DOCKER_BUILDKIT=0 docker build "$@" >"$out" 2>&1; then
    tail -40 "$out" >&2
    rm -f "$out"
    log "docker build $* failed"
    return 1
  fi
  rm -f "$out"
}

# An image FROM the base image holding these binaries (+ libs): built from a tar context.
bin_image() {
  local image=$1; shift
  local ctx
  ctx=$(mktemp -d)
  mkdir -p "$ctx/root"
  copy_bins "$ctx/root" "$@"
  printf 'FROM %s\nCOPY root/ /\n' "$base_image" >"$ctx/Dockerfile"
  quiet_build -t "$image" "$ctx"
  rm -rf "$ctx"
}
if $rebuild || ! has_image "$nats_image"; then
  log "building $nats_image ($(command -v nats-server))"
  bin_image "$nats_image" "$(command -v nats-server)"
fi
if $rebuild || ! has_image "$redis_image"; then
  log "building $redis_image ($(command -v redis-server))"
  bin_image "$redis_image" "$(command -v redis-server)" "$(command -v redis-cli)"
fi

# --- 5. app image --------------------------------------------------------------------------
cd "$repo"
if $build_ws; then
  if [[ ! -d node_modules ]]; then log "npm ci"; npm ci --no-audit --no-fund; fi
  log "building the workspaces (turbo)"
  npx turbo run build --continue --output-logs=errors-only >&2 \
    || log "some workspaces failed to build: apps without dist/main.js exit at once in the image"
fi
# What the image is made of: every dist/, deploy/, the manifests and the lock file.
hash=$( { find apps packages -path '*/node_modules' -prune -o -path '*/dist/*' -type f -print; find deploy -type f; \
  ls package.json package-lock.json apps/*/package.json packages/*/package.json; } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "svclab.context-hash"}}' "$app_image" 2>/dev/null || true)
if $rebuild || [[ $have != "$hash" ]]; then
  log "building $app_image from deploy/Dockerfile (BASE_IMAGE=$base_image, context $hash)"
  # The context is a tar of the work tree as it is (node_modules and dist included, no .git), so
  # the build needs no network; the legacy builder reads it from stdin.
  # Build and test tools that no app imports at run time stay out (a third of node_modules).
  dev_only=(typescript @turbo turbo esbuild @esbuild @rolldown rolldown lightningcss-linux-x64-gnu prettier
    eslint @eslint @typescript-eslint eslint-plugin-unicorn @kubernetes vitest @vitest vite .cache)
  excludes=()
  for d in "${dev_only[@]}"; do excludes+=("--exclude=./node_modules/$d"); done
  tar -C "$repo" -c --exclude=./.git --exclude=./.turbo --exclude=./.svclab --exclude=./coverage \
    --exclude=./.bench "${excludes[@]}" --exclude='*.tsbuildinfo' . \
    | quiet_build -f deploy/Dockerfile --build-arg "BASE_IMAGE=$base_image" --label "svclab.context-hash=$hash" -t "$app_image" -
  # Earlier app images are left untagged: drop those (only ours, by label).
  docker image prune -f --filter label=svclab.context-hash >/dev/null 2>&1 || true
else
  log "$app_image is up to date ($hash)"
fi
log "images: $base_image $nats_image $redis_image $app_image"
