#!/usr/bin/env bash
# Prepares a Debian 12 machine for the integration tests, idempotently, as root:
#   - the packages the tests use (Podman and its rootless helpers, debootstrap, Chromium,
#     faketime for the shifted-clock run);
#   - a rootless Podman user whose libpod API socket is served;
#   - an offline base image (a debootstrap rootfs imported into Podman, cached on disk);
#   - the workspace image, built from the project's Containerfile on that base;
#   - a Debian trixie host booted with systemd-nspawn (systemd-host.sh) whose lingering
#     user has Podman 5 with quadlet, podman.socket, and the same workspace image.
# Prints `PODMAN_SOCKET=...` for the test user last.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
test_user=${CLAUDE_WEB_TEST_USER:-claude-web-test}
cache_dir=${CLAUDE_WEB_TEST_CACHE:-/var/cache/claude-web-test}
suite=bookworm
base_image=localhost/claude-web-base:$suite
workspace_image=${CLAUDE_WEB_TEST_IMAGE:-localhost/claude-web-workspace:latest}
# Every package the Containerfile wants, so that the image builds with no network.
base_packages=bash,tmux,git,curl,ca-certificates,tini,procps,less,python3,vim,nano,openssh-client,ripgrep,jq,build-essential,sudo
base_key=$(printf '%s' "$suite:$base_packages" | sha256sum | cut -c1-12)
rootfs=$cache_dir/rootfs-$suite-$base_key.tar

log() { printf '[provision] %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { echo "provision-host.sh must run as root" >&2; exit 1; }

install_packages() {
  local wanted=(podman runc uidmap slirp4netns fuse-overlayfs debootstrap catatonit tini chromium faketime)
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Settings measured as necessary on hosts without systemd as PID 1, with cgroups v1 hybrid
# and without CAP_SYS_RESOURCE for root.
write_podman_config() {
  local home=$1 nproc
  # Every process of every container counts against the account's RLIMIT_NPROC: 1024 runs
  # out under the test suite's load ("Cannot fork"). Higher than a limit of the processes
  # that start containers is refused, so 16384 or that limit, whichever is lower.
  nproc=$(runuser -u "$test_user" -- bash -c 'ulimit -Hu')
  [ "$nproc" = unlimited ] || [ "$nproc" -gt 16384 ] && nproc=16384
  install -d -o "$test_user" -g "$test_user" "$home/.config" "$home/.config/containers"
  write_if_changed "$home/.config/containers/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=$nproc:$nproc"]
# Every container would hold a kernel session keyring; an account may have 200 keys.
keyring = false

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  write_if_changed "$home/.config/containers/storage.conf" <<CONF
[storage]
driver = "overlay"
CONF
  chown "$test_user:" "$home/.config/containers/"*.conf
}

# Leaves the file, and its time, alone when its content is already what stdin says.
write_if_changed() {
  local wanted
  wanted=$(cat)
  [ -f "$1" ] && [ "$(cat "$1")" = "$wanted" ] && return 0
  printf '%s\n' "$wanted" >"$1"
}

as_user() {
  local uid home
  uid=$(id -u "$test_user")
  home=$(getent passwd "$test_user" | cut -d: -f6)
  # Podman re-executes itself in the current directory, which the user may not enter.
  (cd "$home" && runuser -u "$test_user" -- env -i HOME="$home" USER="$test_user" \
    PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="/run/user/$uid" "$@")
}

prepare_user() {
  id "$test_user" >/dev/null 2>&1 || { log "creating user $test_user"; useradd -m -s /bin/bash "$test_user"; }
  local uid home
  uid=$(id -u "$test_user")
  home=$(getent passwd "$test_user" | cut -d: -f6)
  install -d -m 700 -o "$test_user" -g "$test_user" "$home" "/run/user/$uid" "/run/user/$uid/podman"
  write_podman_config "$home"
  # slirp4netns needs the tun device; Debian ships it 0600.
  [ -e /dev/net/tun ] && chmod 666 /dev/net/tun
}

socket_path() { echo "/run/user/$(id -u "$test_user")/podman/podman.sock"; }

answers() { curl -fsS --max-time 2 --unix-socket "$1" http://d/_ping >/dev/null 2>&1; }

api_running() { pgrep -u "$test_user" -f 'podman system service' >/dev/null; }
signal_api() { pkill "-$1" -u "$test_user" -f 'podman system service' || true; }

# Whether the service is gone within `tenths` tenths of a second.
api_gone_within() {
  for _ in $(seq 1 "$1"); do
    api_running || return 0
    sleep 0.1
  done
  return 1
}

# A run that was cut short can leave the service killed, stopped (the outage tests freeze
# it with SIGSTOP) or mid-shutdown; a stopped one still holds Podman's locks, and a new
# service would wait on them. So every old one is gone before a new one starts.
stop_api() {
  api_running || return 0
  log "stopping the libpod API service for $test_user"
  signal_api CONT
  signal_api TERM
  api_gone_within 100 && return 0
  signal_api KILL
  api_gone_within 50 || true
}

# A machine whose processes all ended while its files stayed (a run cut short, a machine
# restored) leaves Podman's rootless state pointing at a user namespace that is gone: every
# podman command then fails with "invalid internal status". `podman system migrate` makes a
# new one (and marks stopped the containers whose processes are gone anyway).
reset_lost_namespace() {
  as_user podman ps -q >/dev/null 2>&1 && return 0
  log "resetting Podman's user namespace for $test_user: its processes are gone"
  as_user podman system migrate >/dev/null
}

start_api() {
  local sock service_log home
  sock=$(socket_path)
  service_log="/run/user/$(id -u "$test_user")/podman/service.log"
  home=$(getent passwd "$test_user" | cut -d: -f6)
  # The service reads its configuration once: one older than its configuration is replaced.
  if answers "$sock" && ! [ "$home/.config/containers/containers.conf" -nt "$service_log" ]; then
    return 0
  fi
  stop_api
  reset_lost_namespace
  log "starting the libpod API service for $test_user"
  rm -f "$sock"
  as_user setsid podman system service --time=0 "unix://$sock" \
    >"$service_log" 2>&1 </dev/null &
  # Its first start on a new account sets up storage, which takes a while on a busy machine.
  for _ in $(seq 1 600); do
    answers "$sock" && return
    sleep 0.1
  done
  echo "the libpod API did not come up on $sock within a minute; its log:" >&2
  tail -n 20 "$service_log" >&2
  exit 1
}

build_base_image() {
  local tarball=$rootfs have
  have=$(as_user podman image inspect --format '{{index .Labels "claude-web.base"}}' "$base_image" 2>/dev/null || true)
  [ "$have" = "$base_key" ] && return
  if [ ! -s "$tarball" ]; then
    log "debootstrap $suite (cached afterwards in $tarball)"
    local root
    root=$(mktemp -d)
    debootstrap --variant=minbase --include="$base_packages" "$suite" "$root" >/dev/null
    install -d "$cache_dir"
    tar -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  log "importing $base_image"
  chmod 644 "$tarball"
  as_user podman import --quiet --change "LABEL claude-web.base=$base_key" "$tarball" "$base_image" >/dev/null
}

# The project's own step fetches what the image needs from npm into a build context; the
# build itself gets no network.
stage_image_context() {
  context=$cache_dir/image-context
  log "fetching the workspace image's npm parts into $context"
  node "$repo/bin/claude-web.js" image context "$context" >&2
}

# The build context is copied where the unprivileged user can read it.
build_workspace_image() {
  local ctx
  ctx=$(as_user mktemp -d)
  cp -r "$context/." "$ctx/"
  chown -R "$test_user:" "$ctx"
  log "building $workspace_image from the Containerfile, with no network"
  as_user podman build --quiet --network=none --build-arg BASE_IMAGE="$base_image" \
    --build-arg IMAGE_VERSION="$(cat "$ctx/VERSION")" \
    -t "$workspace_image" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
  # An image the build replaced under its tag is left untagged (1.37 GB each time).
  as_user podman image prune -f >/dev/null
}

install_packages
prepare_user
start_api
build_base_image
stage_image_context
build_workspace_image
log "booting the systemd test host"
"$here/systemd-host.sh" boot >/dev/null
"$here/systemd-host.sh" image "$rootfs" "$context" "$workspace_image"
echo "PODMAN_SOCKET=$(socket_path)"
