#!/bin/sh
# usage: btrfs-engine-down.sh DIR: stops the test's dockerd and removes its mounts and loop device.
d=$1
if [ -f "$d/dockerd.pid" ]; then
  pid=$(cat "$d/dockerd.pid")
  kill "$pid" 2>/dev/null
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null
fi
# Anything dockerd mounted below the test's directories, deepest first.
grep -E " ($d)[^ ]* " /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
rm -f "$d/img"
exit 0
