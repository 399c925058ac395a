#!/bin/sh
# usage: btrfs-engine-up.sh DIR: a dockerd of the test's own, storage driver btrfs on a loop-mounted
# btrfs with quotas (so --storage-opt size= works), its own data root, exec root, pidfile and socket
# below DIR, and no bridge, iptables or masquerading (it must never touch the shared engine's
# networks; see below). tests/disk.rs runs it; btrfs-engine-down.sh undoes it.
set -e
d=$1
truncate -s 1200M "$d/img"
mkfs.btrfs -q "$d/img" >/dev/null
mkdir -p "$d/mnt" "$d/exec"
# A loop mount made by mount(8) detaches its loop device when unmounted.
mount -o loop "$d/img" "$d/mnt"
btrfs quota enable "$d/mnt"
# In a network namespace of its own: a dockerd started with `--bridge none` deletes the host's
# `docker0` at start-up (seen here: the shared engine's default bridge vanished each time this
# ran), and nothing this engine does to links may reach the shared engine's.
nohup unshare --net dockerd --data-root "$d/mnt/data" --exec-root "$d/exec" --pidfile "$d/dockerd.pid" \
  --host "unix://$d/d.sock" --storage-driver btrfs --bridge none --iptables=false --ip-masq=false \
  --containerd-namespace "dsbxbt" --containerd-plugins-namespace "dsbxbt-plugins" \
  >"$d/dockerd.log" 2>&1 &
for i in $(seq 1 120); do
  docker -H "unix://$d/d.sock" version >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "dockerd did not come up" >&2; tail -20 "$d/dockerd.log" >&2; exit 1
