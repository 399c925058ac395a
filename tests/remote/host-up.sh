#!/bin/sh
# usage: host-up.sh DIR N: a "remote" machine on this one, for tests/remote.rs. A network namespace
# `dsbxrN` joined to this one by a veth pair (10.231.N.1 here, 10.231.N.2 there), running
#   - a dockerd of its own (data root, exec root, pidfile and socket below DIR, its own containerd
#     namespaces), serving TLS on 10.231.N.2:2376 with certificates made here by openssl, and its
#     unix socket DIR/d.sock for the test's own checks;
#   - an sshd on 10.231.N.2:22 that lets root in with DIR/id_ed25519 and points the docker CLI of
#     its sessions (`docker system dial-stdio`) at that dockerd;
# and `ssh` wrappers for the client side (DIR/ssh-good, DIR/ssh-unknown-host, DIR/ssh-no-key, each
# a directory to put first on PATH) that read a config of the test's own, never ~/.ssh.
# The test images are copied in from the shared engine. host-down.sh undoes all of it.
set -eu
d=$1
n=$2
ns=dsbxr$n
here=10.231.$n.1
there=10.231.$n.2
fail() { echo "remote test host: $*" >&2; exit 1; }
for tool in ip nsenter dockerd docker openssl ssh ssh-keygen /usr/sbin/sshd; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing (docker/test/engine-up.sh installs it)"
done
# A namespace left by a run that was killed goes first.
sh "$(dirname "$0")/host-down.sh" "$d" "$n" 2>/dev/null || true

ip netns add "$ns"
ip link add "${ns}h" type veth peer name "${ns}r"
ip link set "${ns}r" netns "$ns"
ip addr add "$here/30" dev "${ns}h"
ip link set "${ns}h" up
ip netns exec "$ns" ip addr add "$there/30" dev "${ns}r"
ip netns exec "$ns" ip link set "${ns}r" up
ip netns exec "$ns" ip link set lo up

# Certificates: a CA, the engine's (for its address), dsbx's, and a second CA that signs the
# wrong ones (tls-wrong-ca: trusts only the other CA; tls-wrong-cert: a client the engine refuses).
cd "$d"
mk_ca() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=$1" -keyout "$1-key.pem" -out "$1.pem" 2>/dev/null; }
mk_cert() { # name ca ext
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
    -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2-key.pem" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
mk_ca ca
mk_ca other-ca
mk_cert server ca "subjectAltName=IP:$there
extendedKeyUsage=serverAuth"
mk_cert client ca "extendedKeyUsage=clientAuth"
mk_cert stranger other-ca "extendedKeyUsage=clientAuth"
mkdir -p tls-good tls-wrong-ca tls-wrong-cert
cp ca.pem tls-good/ca.pem; cp client.pem tls-good/cert.pem; cp client-key.pem tls-good/key.pem
cp other-ca.pem tls-wrong-ca/ca.pem; cp client.pem tls-wrong-ca/cert.pem; cp client-key.pem tls-wrong-ca/key.pem
cp ca.pem tls-wrong-cert/ca.pem; cp stranger.pem tls-wrong-cert/cert.pem; cp stranger-key.pem tls-wrong-cert/key.pem

# The engine: iptables off (docker-proxy publishes ports), everything it makes stays in "$ns".
mkdir -p "$d/data" "$d/exec"
# nsenter, not `ip netns exec`: that one remounts /sys, hiding the cgroup mounts dockerd needs.
nohup nsenter --net="/run/netns/$ns" dockerd --data-root "$d/data" --exec-root "$d/exec" \
  --pidfile "$d/dockerd.pid" --host "unix://$d/d.sock" --host "tcp://$there:2376" \
  --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/server.pem" --tlskey "$d/server-key.pem" \
  --iptables=false --ip-masq=false \
  --containerd-namespace "$ns" --containerd-plugins-namespace "$ns-plugins" \
  >"$d/dockerd.log" 2>&1 &
daemon=$!
up=no
for _ in $(seq 1 120); do
  docker -H "unix://$d/d.sock" version >/dev/null 2>&1 && { up=yes; break; }
  kill -0 "$daemon" 2>/dev/null || break
  sleep 0.5
done
[ "$up" = yes ] || { tail -20 "$d/dockerd.log" >&2; fail "its dockerd did not answer within 60 s"; }
for image in dsbx-test-busybox:latest; do
  docker image inspect "$image" >/dev/null 2>&1 || fail "the shared engine has no $image (run docker/test/engine-up.sh)"
  docker save "$image" | docker -H "unix://$d/d.sock" load -q >/dev/null || fail "cannot load $image into its engine"
done

# sshd, with keys of its own; `SetEnv` points the sessions' docker CLI at this host's engine.
ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$d/id_ed25519"
cp "$d/id_ed25519.pub" "$d/authorized_keys"
mkdir -p /run/sshd
cat >"$d/sshd_config" <<CONF
ListenAddress $there
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv DOCKER_HOST=unix://$d/d.sock
CONF
nsenter --net="/run/netns/$ns" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" || fail "sshd did not start: $(tail -3 "$d/sshd.log")"
printf '%s %s\n' "$there" "$(cut -d' ' -f1,2 "$d/host_key.pub")" >"$d/known_hosts"
: >"$d/known_hosts_empty"
wrapper() { # dir identity known_hosts
  mkdir -p "$d/$1"
  cat >"$d/$1/ssh_config" <<CONF
Host *
  IdentityFile $2
  IdentitiesOnly yes
  UserKnownHostsFile $3
  GlobalKnownHostsFile /dev/null
  IdentityAgent none
CONF
  printf '#!/bin/sh\nexec %s -F %s "$@"\n' "$(command -v ssh)" "$d/$1/ssh_config" >"$d/$1/ssh"
  chmod +x "$d/$1/ssh"
}
wrapper ssh-good "$d/id_ed25519" "$d/known_hosts"
wrapper ssh-unknown-host "$d/id_ed25519" "$d/known_hosts_empty"
wrapper ssh-no-key "$d/no_such_key" "$d/known_hosts"
# The good wrapper must get in, or every ssh test would fail for the host's sake.
out=$("$d/ssh-good/ssh" -o BatchMode=yes -o ConnectTimeout=5 "root@$there" docker version --format '{{.Server.Version}}' 2>&1) \
  || fail "ssh to the test host fails: $out ($(tail -3 "$d/sshd.log"))"
echo "remote test host $ns up: engine $out"
