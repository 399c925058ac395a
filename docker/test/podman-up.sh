#!/usr/bin/env bash
# Starts Podman's Docker-compatible API service on a socket of its own and loads the busybox test
# image into Podman's store, for tests/podman.rs. Idempotent: a service that answers is kept.
# engine-up.sh runs it (after installing podman); tests/podman.rs runs it again before its tests.
#   socket: unix:///run/dsbx-podman/podman.sock (DSBX_PODMAN_SOCKET overrides)
# Podman's default ulimits (nproc) are refused on these machines ("error setting rlimit type 6:
# operation not permitted" at every start), so its containers.conf empties them.
set -euo pipefail
log() { printf 'podman-up: %s\n' "$*" >&2; }
dir=/run/dsbx-podman
socket=${DSBX_PODMAN_SOCKET:-$dir/podman.sock}
command -v podman >/dev/null 2>&1 || { log "podman is not installed (docker/test/engine-up.sh installs it)"; exit 1; }
mkdir -p "$dir"
conf=$dir/containers.conf
printf '[containers]\ndefault_ulimits = []\n' >"$conf"
export CONTAINERS_CONF=$conf
answers() { docker -H "unix://$socket" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! answers; then
  rm -f "$socket"
  log "starting podman system service on $socket"
  nohup podman system service --time 0 "unix://$socket" >/var/log/dsbx-podman.log 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do
    answers && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  answers || { tail -n 20 /var/log/dsbx-podman.log >&2; log "podman's service did not answer on $socket"; exit 1; }
fi
for image in dsbx-test-busybox:latest; do
  if ! podman image exists "$image"; then
    docker image inspect "$image" >/dev/null 2>&1 || { log "the Docker engine has no $image (run docker/test/engine-up.sh)"; exit 1; }
    log "loading $image into podman"
    docker save "$image" | podman load -q >/dev/null
  fi
done
log "podman $(podman version --format '{{.Server.Version}}' 2>/dev/null || podman --version) answers on $socket"
