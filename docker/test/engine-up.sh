#!/usr/bin/env bash
# Makes a Docker engine reachable on this machine and builds the images the tests use.
# Idempotent: a second run finds everything in place and does nothing.
#
# What it does, each step only when needed (as root on Debian):
#   1. installs Debian's docker.io, busybox-static and debootstrap; zsh, fish, elvish and man-db
#      (tests of the generated completions and man pages); docker-registry (a real registry the
#      image tests run themselves) and apache2-utils (htpasswd); curl and openssl (proxy tests);
#   2. starts dockerd in the background when nothing answers on the socket, and waits for it;
#   3. builds `dsbx-test-busybox` (FROM scratch, static busybox, /tmp, /home/user, a non-root user);
#   4. builds `dsbx-test-debian` from `debootstrap --variant=minbase bookworm`, also tagged
#      `debian:bookworm-slim` so Dockerfiles can build FROM it with no registry;
#   5. starts Podman's Docker-compatible API service (podman-up.sh) and loads the busybox image
#      into Podman's store (tests/podman.rs).
# Between steps 1 and 2 it installs the official MCP Python SDK with pip (tests/mcp.rs runs it as
# a real client of `dsbx mcp`).
set -euo pipefail

log() { printf 'engine-up: %s\n' "$*" >&2; }
here=$(cd "$(dirname "$0")" && pwd)
socket=/var/run/docker.sock

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || need_pkgs+=(busybox-static)
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
# tests/generated.rs loads the committed completions in each shell and renders the man pages.
for tool in zsh fish elvish; do command -v "$tool" >/dev/null 2>&1 || need_pkgs+=("$tool"); done
command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1 || need_pkgs+=(man-db)
# tests/images.rs runs its own registry, with htpasswd auth.
command -v docker-registry >/dev/null 2>&1 || need_pkgs+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need_pkgs+=(apache2-utils)
# tests/proxy.rs fetches through the proxy and makes a self-signed certificate.
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
# tests/disk.rs runs a dockerd of its own on a loop-mounted btrfs.
command -v mkfs.btrfs >/dev/null 2>&1 || need_pkgs+=(btrfs-progs)
# tests/podman.rs runs dsbx on Podman's Docker-compatible API service (podman-up.sh starts it);
# tests/remote.rs makes a remote host with an sshd (and uses ssh, ip and nsenter).
command -v podman >/dev/null 2>&1 || need_pkgs+=(podman)
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need_pkgs+=(openssh-client)
command -v ip >/dev/null 2>&1 || need_pkgs+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need_pkgs+=(util-linux)
# bench/run (its smoke mode runs in CI) is Python.
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# tests/mcp.rs drives `dsbx mcp` with the official MCP Python SDK (`mcp` on PyPI) and checks its
# tool schemas with jsonschema. pip refuses a system Python it does not manage (PEP 668) unless told.
if ! python3 -c 'import mcp, jsonschema' >/dev/null 2>&1; then
  log "installing the MCP Python SDK (pip: mcp, jsonschema)"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
  fi
  export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  python3 -m pip install -q mcp jsonschema >/dev/null 2>&1 \
    || python3 -m pip install -q --break-system-packages mcp jsonschema >/dev/null
  python3 -c 'import mcp, jsonschema' || { log "the MCP Python SDK did not install"; exit 1; }
fi

engine_answers() { docker -H "unix://$socket" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! engine_answers; then
  log "starting dockerd"
  # containerd and dockerd log to a file so CI output stays readable.
  nohup dockerd --host "unix://$socket" >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 120); do
    engine_answers && break
    sleep 0.5
  done
  engine_answers || { log "dockerd did not answer within 60 s; see /var/log/dockerd.log"; tail -n 30 /var/log/dockerd.log >&2; exit 1; }
fi
log "engine $(docker version --format '{{.Server.Version}}') answers on $socket"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

if ! image_exists dsbx-test-busybox:latest; then
  log "building dsbx-test-busybox"
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  cp /bin/busybox "$ctx/busybox"
  cp "$here/busybox.Dockerfile" "$ctx/Dockerfile"
  docker build -q -t dsbx-test-busybox:latest "$ctx" >/dev/null
  rm -rf "$ctx"
  trap - EXIT
fi

if ! image_exists dsbx-test-debian:latest; then
  log "building dsbx-test-debian with debootstrap (about a minute)"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/tmp/debootstrap.log 2>&1 \
    || { tail -n 30 /tmp/debootstrap.log >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' - dsbx-test-debian:latest >/dev/null
  rm -rf "$root"
  trap - EXIT
fi
if ! image_exists debian:bookworm-slim; then
  docker tag dsbx-test-debian:latest debian:bookworm-slim
fi
# Podman's API service on its own socket, with the busybox test image in its store.
bash "$here/podman-up.sh"
log "ready: dsbx-test-busybox, dsbx-test-debian (= debian:bookworm-slim); podman on /run/dsbx-podman/podman.sock"
