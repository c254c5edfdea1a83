#!/usr/bin/env bash
# A Debian trixie host with systemd as PID 1, Podman 5 and quadlet, booted with
# systemd-nspawn on this machine, for tests that need real `systemctl --user`, linger and
# reboots. Run as root.
#
#   systemd-host.sh build     build the root file system (cached as a tarball)
#   systemd-host.sh boot      boot it in the background; prints the leader PID
#   systemd-host.sh image TAR CONTEXT IMAGE
#                             import TAR as the base image and build IMAGE from the build
#                             context CONTEXT (a Containerfile and vendor/), with no network
#                             as the host's user, offline
#   systemd-host.sh user CMD  run CMD as the lingering user inside its user manager
#   systemd-host.sh poweroff  shut it down
#
# Settings each fix a failure measured on cgroup-v1-hybrid hosts without systemd as PID 1.
set -euo pipefail

cache_dir=${CLAUDE_WEB_TEST_CACHE:-/var/cache/claude-web-test}
state_dir=${CLAUDE_WEB_SYSTEMD_HOST_DIR:-/var/lib/claude-web-test/systemd-host}
root=$state_dir/root
tarball=$cache_dir/trixie-systemd-host.tar.zst
host_user=${CLAUDE_WEB_SYSTEMD_HOST_USER:-cw}
packages=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,systemd-container,podman,crun,conmon,uidmap,passt,netavark,aardvark-dns,catatonit,curl,procps,iproute2,ca-certificates,zstd

log() { printf '[systemd-host] %s\n' "$*" >&2; }
leader() { cat "$state_dir/leader" 2>/dev/null; }
# The recorded leader, if it is still a live systemd: after a machine's processes ended,
# its pid may be a zombie or another process's.
running() {
  local pid
  pid=$(leader) && [ -n "$pid" ] || return 1
  [ "$(ps -o stat=,comm= -p "$pid" 2>/dev/null | awk '$1 !~ /^Z/ { print $2 }')" = systemd ]
}
in_host() { nsenter -t "$(leader)" -a "$@"; }

ensure_host_packages() {
  local missing=()
  for p in debootstrap systemd-container zstd; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_root() {
  install -d "$root/etc/containers/containers.conf.d"
  cat >"$root/etc/containers/containers.conf.d/claude-web-test.conf" <<'CONF'
[containers]
pids_limit = 0
default_sysctls = []
keyring = false
CONF
  echo 'z /dev/net/tun 0666 root root -' >"$root/etc/tmpfiles.d/claude-web-test-tun.conf"
  install -d "$root/etc/systemd/system/multi-user.target.wants"
  ln -sf /lib/systemd/system/network-online.target "$root/etc/systemd/system/multi-user.target.wants/"
  chroot "$root" useradd -m -s /bin/bash "$host_user"
  install -d "$root/var/lib/systemd/linger"
  touch "$root/var/lib/systemd/linger/$host_user"
  echo claude-web-test-host >"$root/etc/hostname"
}

build() {
  ensure_host_packages
  if [ -s "$tarball" ]; then
    log "restoring $tarball"
    rm -rf "$root" && install -d "$root"
    tar --zstd -C "$root" -xf "$tarball"
    return
  fi
  log "debootstrap trixie with systemd and Podman (about a minute; cached afterwards)"
  rm -rf "$root" && install -d "$root"
  debootstrap --variant=minbase --include="$packages" trixie "$root" >/dev/null
  configure_root
  install -d "$cache_dir"
  tar --zstd -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
}

boot() {
  running || start
  user systemctl --user enable --now podman.socket 2>/dev/null
  leader
}

start() {
  [ -d "$root/etc" ] || build
  log "booting"
  SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 setsid systemd-nspawn -b -D "$root" --register=no --keep-unit \
    --console=passive ${CLAUDE_WEB_SYSTEMD_HOST_BIND:+--bind="$CLAUDE_WEB_SYSTEMD_HOST_BIND"} \
    >"$state_dir/console.log" 2>&1 </dev/null &
  local nspawn=$! pid=""
  for _ in $(seq 1 100); do
    pid=$(pgrep -P "$nspawn" -x systemd || true)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] || { log "no systemd came up; see $state_dir/console.log"; exit 1; }
  echo "$pid" >"$state_dir/leader"
  wait_running in_host systemctl is-system-running --wait
  wait_running in_host systemd-run --user -M "$host_user@" --wait --pipe --quiet --collect \
    systemctl --user is-system-running --wait
}

image() {
  local tar=$1 context=$2 image=$3 base=localhost/claude-web-base:bookworm
  local work=/home/$host_user/.cache/claude-web-image key have
  # The rootfs is named after its package list: rootfs-<suite>-<key>.tar.
  key=$(basename "$tar" .tar | sed 's/.*-//')
  install -d -o 1000 -g 1000 "$root/home/$host_user/.cache" "$root$work"
  have=$(user podman image inspect --format '{{index .Labels "claude-web.base"}}' "$base" 2>/dev/null || true)
  if [ "$have" != "$key" ]; then
    cp "$tar" "$root$work/base.tar" && chown 1000:1000 "$root$work/base.tar"
    user podman import --quiet --change "LABEL claude-web.base=$key" "$work/base.tar" "$base" >/dev/null
    rm -f "$root$work/base.tar"
  fi
  rm -rf "$root$work/context"
  cp -r "$context" "$root$work/context" && chown -R 1000:1000 "$root$work/context"
  user podman build --quiet --network=none --build-arg BASE_IMAGE="$base" \
    --build-arg IMAGE_VERSION="$(cat "$context/VERSION")" -t "$image" \
    -f "$work/context/Containerfile" "$work/context" >/dev/null
  rm -rf "$root$work/context"
  # An image the build replaced under its tag is left untagged (1.37 GB each time).
  user podman image prune -f >/dev/null
}

# Until the manager's bus exists, `is-system-running --wait` fails at once instead of waiting.
wait_running() {
  local state
  for _ in $(seq 1 300); do
    state=$("$@" 2>/dev/null || true)
    case "$state" in running | degraded) return ;; esac
    sleep 0.2
  done
  log "not running after 60 s (last state: ${state:-none}): $*"
  exit 1
}

user() {
  running || { log "the host is not running"; exit 1; }
  in_host systemd-run --user -M "$host_user@" --wait --pipe --quiet --collect "$@"
}

poweroff() {
  running || return 0
  local pid
  pid=$(leader)
  in_host systemctl poweroff || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  rm -f "$state_dir/leader"
}

install -d "$state_dir"
command=${1:-}
shift || true
case "$command" in
  build) build ;;
  boot) boot ;;
  user) user "$@" ;;
  image) image "$@" ;;
  poweroff) poweroff ;;
  *) echo "usage: $0 build|boot|image TAR CONTEXT IMAGE|user CMD...|poweroff" >&2; exit 2 ;;
esac
