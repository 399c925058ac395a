#!/bin/sh
# usage: host-down.sh DIR N: stops what host-up.sh started and removes the namespace and its link.
d=$1
ns=dsbxr$2
for pidfile in "$d/sshd.pid" "$d/dockerd.pid"; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$pidfile"
done
grep -E " ($d)[^ ]* " /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
ip netns del "$ns" 2>/dev/null
ip link del "${ns}h" 2>/dev/null
exit 0
