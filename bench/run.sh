#!/usr/bin/env bash
# Runs bench/workspaces.ts where each driver really runs, as root on a machine prepared by
# test/harness/provision-host.sh: the quadlet driver as the lingering user of the systemd
# test host (Podman 5), the libpod driver as the rootless test user here (Podman 4.3).
#   bench/run.sh [rounds]
# bench/cleanup.ts, a sweep over many workspaces, runs on the rootless test user's Podman:
#   bench/run.sh cleanup [count]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = cleanup ]; then
  uid=$(id -u "${CLAUDE_WEB_TEST_USER:-claude-web-test}")
  cd "$repo" && exec env PODMAN_SOCKET="/run/user/$uid/podman/podman.sock" \
    node --import tsx bench/cleanup.ts "${2:-500}"
fi
rounds=${1:-5}
host_script=$repo/test/harness/systemd-host.sh
state=${CLAUDE_WEB_SYSTEMD_HOST_DIR:-/var/lib/claude-web-test/systemd-host}
test_user=${CLAUDE_WEB_TEST_USER:-claude-web-test}

# The checkout, as `npm ci` left it, hard-linked where the account can read it.
place() {
  # `cp -a` copies the checkout directory's own mode, which may be private (mktemp -d).
  rm -rf "$1" && mkdir -p "$1" && cp -al "$repo/." "$1/" && chmod 755 "$1" && rm -f "$1/.env"
}

"$host_script" boot >/dev/null
place "$state/root/home/cw/claude-web-bench"
install -m 755 "$(command -v node)" "$state/root/usr/local/bin/node"
# The test host has no cgroup controllers to enforce limits with.
"$host_script" user sh -c "cd ~/claude-web-bench && WORKSPACE_DRIVER=quadlet CONTAINER_MEMORY=none \
  CONTAINER_CPUS=none CONTAINER_PIDS_LIMIT=none node --import tsx bench/workspaces.ts $rounds"
rm -rf "$state/root/home/cw/claude-web-bench"

uid=$(id -u "$test_user")
home=$(getent passwd "$test_user" | cut -d: -f6)
place "$home/claude-web-bench"
(cd "$home" && runuser -u "$test_user" -- env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin \
  XDG_RUNTIME_DIR="/run/user/$uid" WORKSPACE_DRIVER=libpod \
  sh -c "cd $home/claude-web-bench && node --import tsx bench/workspaces.ts $rounds")
rm -rf "$home/claude-web-bench"
