#!/usr/bin/env python3
"""dsbx's benchmark: dsbx against the docker CLI and the Docker API floor, side by side.

Run through `bench/run` (which builds the binaries and picks a scope); this script prepares what
each scenario needs on the local engine, times every column interleaved run by run, traces the
Docker API calls dsbx makes (through a counting proxy on a unix socket), cleans up, and writes the
Markdown report.

Timing: wall clock around each process (`time.perf_counter`), peak resident memory from `wait4`'s
rusage (`ru_maxrss`, the same figure `/usr/bin/time -v` prints as "Maximum resident set size").
The floor runs in one long-lived `dsbx-floor` process (warm connection); its wall time is measured
inside it, its peak memory is its VmHWM, reset before each request.
"""

import argparse
import shlex
import concurrent.futures
import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

IMAGE = "dsbx-test-busybox:latest"
CAPS = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL", "NET_BIND_SERVICE"]

FULL = dict(fast_runs=15, mid_runs=10, heavy_runs=4, batch_runs=3, warmup=1,
            exec_bytes=10 << 20, file_bytes=200 << 20, tree_files=2000, ls_sandboxes=100,
            gc_sandboxes=50, concurrent=16)
SMOKE = dict(fast_runs=1, mid_runs=1, heavy_runs=1, batch_runs=1, warmup=0,
             exec_bytes=64 << 10, file_bytes=1 << 20, tree_files=20, ls_sandboxes=5,
             gc_sandboxes=3, concurrent=4)


class Interrupted(Exception):
    pass


def on_term(_sig, _frame):
    raise Interrupted("terminated")


# ---------------------------------------------------------------- processes


def timed(argv, env, stdout=subprocess.DEVNULL, shell=False):
    """Runs one command; returns (seconds, peak RSS in KiB, exit code, stderr text, CPU seconds).

    The CPU time is the process's user + system time with that of the children it waited for
    (for a shell line: the commands in it), from the same `wait4` rusage."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(argv, env=env, stdout=stdout, stderr=err, stdin=subprocess.DEVNULL,
                             shell=shell, executable="/bin/bash" if shell else None)
        _, status, usage = os.wait4(p.pid, 0)
        secs = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return secs, usage.ru_maxrss, p.returncode, text, usage.ru_utime + usage.ru_stime


def run(argv, env, check=True, shell=False):
    p = subprocess.run(argv, env=env, capture_output=True, text=True, shell=shell,
                       executable="/bin/bash" if shell else None)
    if check and p.returncode != 0:
        raise RuntimeError(f"{argv if shell else ' '.join(argv)} failed ({p.returncode}): "
                           f"{p.stderr.strip() or p.stdout.strip()}")
    return p


def shlex_split(words):
    return shlex.split(words)


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


class Floor:
    """The long-lived dsbx-floor process: one JSON request per line."""

    def __init__(self, binary, env):
        self.p = subprocess.Popen([binary], env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        answer = self.request({"op": "ping"})
        if "error" in answer:
            raise RuntimeError(f"dsbx-floor: {answer['error']}")

    def request(self, req):
        try:
            with open(f"/proc/{self.p.pid}/clear_refs", "w") as f:
                f.write("5")  # resets VmHWM: the peak is this request's
        except OSError:
            pass
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError("dsbx-floor ended")
        answer = json.loads(line)
        answer["rss_kb"] = self.peak_kb()
        return answer

    def peak_kb(self):
        try:
            with open(f"/proc/{self.p.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()


# ---------------------------------------------------------------- API call tracing


class Tracer:
    """A unix-socket relay in front of the engine that records each request line and how long
    the engine took to start answering it. Used for one extra, untimed run of each dsbx command."""

    REQ = re.compile(rb"(GET|POST|PUT|DELETE|HEAD) (/[^ \r\n]*) HTTP/1\.[01]\r\n")

    def __init__(self, upstream, path):
        self.upstream = upstream
        self.path = path
        self.lock = threading.Lock()
        self.calls = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(64)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client):
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            up.connect(self.upstream)
        except OSError:
            client.close()
            return
        pending = []

        def forward(src, dst, requests):
            try:
                while True:
                    data = src.recv(1 << 16)
                    if not data:
                        break
                    now = time.perf_counter()
                    with self.lock:
                        if requests:
                            for m in self.REQ.finditer(data[:8192]):
                                call = {"method": m.group(1).decode(),
                                        "path": m.group(2).decode("utf-8", "replace"),
                                        "start": now, "answer": None}
                                self.calls.append(call)
                                pending.append(call)
                        elif data.startswith(b"HTTP/1.") and pending:
                            pending.pop(0)["answer"] = now
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (dst,):
                    try:
                        s.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass

        t = threading.Thread(target=forward, args=(up, client, False), daemon=True)
        t.start()
        forward(client, up, True)
        t.join(timeout=60)
        client.close()
        up.close()

    def take(self):
        with self.lock:
            calls, self.calls = self.calls, []
        return calls

    def close(self):
        self.server.close()


def simplify(path):
    path = path.split("?")[0]
    path = re.sub(r"^/v1\.\d+", "", path)
    path = re.sub(r"/containers/(?!json$|create$)[^/]+", "/containers/{c}", path)
    path = re.sub(r"/exec/[^/]+", "/exec/{e}", path)
    path = re.sub(r"/images/.+/json", "/images/{i}/json", path)
    path = re.sub(r"/volumes/[^/]+", "/volumes/{v}", path)
    path = re.sub(r"/networks/[^/]+", "/networks/{n}", path)
    return path


# ---------------------------------------------------------------- the bench


class Bench:
    def __init__(self, args):
        self.args = args
        self.p = SMOKE if args.smoke else FULL
        self.scope = args.scope
        self.work = tempfile.mkdtemp(prefix="dsbx-bench-")
        self.dsbx = os.path.abspath(args.dsbx)
        self.docker = shutil.which("docker")
        state = os.path.join(self.work, "state")
        config = os.path.join(self.work, "config.toml")
        with open(config, "w") as f:
            f.write(f'image = "{IMAGE}"\n')
        self.env = dict(os.environ)
        self.env.update(DSBX_SCOPE=self.scope, DSBX_STATE_DIR=state, DSBX_CONFIG=config,
                        NO_COLOR="1")
        for k in ("DSBX_IMAGE", "DSBX_URL_TEMPLATE"):
            self.env.pop(k, None)
        host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        self.upstream = host[len("unix://"):] if host.startswith("unix://") else None
        self.tracer = None
        if self.upstream:
            self.tracer = Tracer(self.upstream, os.path.join(self.work, "trace.sock"))
        self.helper_volumes_before = self.helper_volumes()
        self.floor = Floor(os.path.abspath(args.floor), self.env)
        # The engine path column: the same dsbx command with the channel switched off.
        self.engine_env = dict(self.env, DSBX_CHANNEL="off")
        self.results = []
        self.sandbox = None
        self.user_sandbox = None
        self.helper_prefix = None

    # -- helpers

    def d(self, *words):
        return [self.dsbx, *words]

    def container(self, sid):
        return f"dsbx-{sid}"

    def helper_volumes(self):
        out = run(["docker", "volume", "ls", "-q", "--filter", "label=dsbx.managed=true"],
                  self.env, check=False).stdout
        return set(out.split())

    def init(self, *extra):
        p = run(self.d("init", "--image", IMAGE, *extra), self.env)
        return p.stdout.strip()

    def init_many(self, n, *extra):
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            return list(pool.map(lambda _: self.init(*extra), range(n)))

    def docker_exec(self, *cmd):
        return run(["docker", "exec", self.container(self.sandbox), *cmd], self.env)

    def trace(self, argv, shell=False):
        """One untimed run of a dsbx command through the tracing relay."""
        if not self.tracer:
            return None
        env = dict(self.env, DOCKER_HOST=f"unix://{self.tracer.path}")
        self.tracer.take()
        secs, _, code, _, _ = timed(argv, env, shell=shell)
        time.sleep(0.05)
        calls = self.tracer.take()
        if code != 0:
            return None
        t0 = calls[0]["start"] if calls else 0
        return {"secs": secs, "calls": [
            {"call": f"{c['method']} {simplify(c['path'])}",
             "at_ms": (c["start"] - t0) * 1000,
             "answer_ms": None if c["answer"] is None else (c["answer"] - c["start"]) * 1000}
            for c in calls]}

    def probe(self, argv, what):
        """None when the dsbx command works; else why it is not measured."""
        p = run(argv, self.env, check=False)
        if p.returncode == 0:
            return None
        first = (p.stderr.strip().splitlines() or [""])[0]
        if "not built yet" in first:
            return f"not measured: `dsbx {what}` not built in this build"
        return f"not measured: `dsbx {what}` failed its probe (exit {p.returncode}: {first})"

    # -- the measuring loop

    def measure(self, sc):
        """Runs the scenario's columns interleaved, `runs` times, after `warmup` untimed rounds."""
        columns = []
        if sc.get("dsbx") and not sc.get("skip"):
            columns.append("dsbx")
        if sc.get("engine") and not sc.get("skip"):
            columns.append("engine")
        if sc.get("docker"):
            columns.append("docker")
        if sc.get("floor"):
            columns.append("floor")
        samples = {c: [] for c in columns}
        cpu = {c: [] for c in columns}
        rss = {c: 0 for c in columns}
        errors = {}
        runs = sc["runs"]
        warm = sc.get("warmup", self.p["warmup"])
        for i in range(warm + runs):
            order = columns[i % len(columns):] + columns[:i % len(columns)] if columns else []
            for col in order:
                if col in errors:
                    continue
                if sc.get("prepare"):
                    sc["prepare"]()
                if col == "floor":
                    answer = self.floor.request(sc["floor"]())
                    if "error" in answer:
                        errors[col] = answer["error"]
                        continue
                    secs, kb, used = answer["secs"], answer["rss_kb"], None
                else:
                    cmd = sc[col]
                    shell = isinstance(cmd, str)
                    env = self.engine_env if col == "engine" else self.env
                    secs, kb, code, err, used = timed(cmd, env, shell=shell)
                    if code != 0:
                        errors[col] = f"exit {code}: {(err.strip().splitlines() or [''])[-1]}"
                        continue
                if sc.get("check"):
                    problem = sc["check"](col)
                    if problem:
                        errors[col] = problem
                        continue
                if i >= warm:
                    samples[col].append(secs)
                    rss[col] = max(rss[col], kb)
                    if used is not None:
                        cpu[col].append(used)
        out = {"name": sc["name"], "goal": sc.get("goal", ""), "runs": runs,
               "skip": sc.get("skip"), "floor_label": sc.get("floor_label", "engine floor"),
               "errors": errors, "cols": {}}
        for col in columns:
            xs = samples[col]
            if xs and col not in errors:
                out["cols"][col] = {"median": statistics.median(xs), "min": min(xs),
                                    "max": max(xs), "n": len(xs), "rss_kb": rss[col]}
                if cpu[col]:
                    out["cols"][col]["cpu"] = statistics.median(cpu[col])
        if not sc.get("skip") and sc.get("dsbx") and sc.get("trace", True):
            cmd = sc["dsbx"]
            if sc.get("prepare"):
                sc["prepare"]()
            out["trace"] = self.trace(cmd, shell=isinstance(cmd, str))
        self.results.append(out)
        print(f"  {sc['name']}: " + ", ".join(
            f"{c} {v['median'] * 1000:.1f} ms" for c, v in out["cols"].items())
            + (f" [{sc['skip']}]" if sc.get("skip") else "")
            + "".join(f" [{c} failed: {e}]" for c, e in errors.items()), file=sys.stderr)
        return out

    # -- scenarios

    def scenarios(self):
        # --only GROUP: one group of scenarios alone (e.g. `gc` to check a fix), with none of the
        # others' preparation.
        groups = {"ls": self.ls_scenario, "gc": self.gc_scenario,
                  "snapshot": self.snapshot_scenarios, "download": self.download_scenarios,
                  "exec": self.exec_scenarios,
                  "pool": lambda: itertools.chain(self.pool_scenarios(self.docker_run()),
                                                  self.burst_scenario(self.docker_run())),
                  "upload": lambda: self.file_scenarios(
                      self.user_sandbox, self.container(self.user_sandbox), downloads=False)}
        if getattr(self.args, "only", None):
            yield from groups[self.args.only]()
            return
        p = self.p
        q = sh_quote
        yield dict(name="`dsbx --version` start-up", runs=p["fast_runs"] * 2,
                   dsbx=self.d("--version"), docker=["docker", "--version"],
                   goal="reported only (no floor: nothing to call)", trace=False,
                   skip=self.probe(self.d("--version"), "--version"))

        yield from self.exec_scenarios()

        docker_run = self.docker_run()
        init_kill_skip = self.probe_init_kill()
        yield dict(name="`init` + `kill`", runs=p["mid_runs"],
                   dsbx=f"id=$({q(self.dsbx)} init --image {IMAGE}) && "
                        f"{q(self.dsbx)} kill \"$id\" >/dev/null",
                   docker=f"c=$({docker_run}) && docker rm -f \"$c\" >/dev/null",
                   floor=lambda: {"op": "init_kill", "image": IMAGE, "scope": self.scope,
                                  "helper": self.dsbx, "network": "dsbx"},
                   skip=init_kill_skip, goal="dsbx ≤ 0.9× docker (`docker run -d` + `docker rm -f`)")

        # Files as the sandbox's user (what agents do): uploads go through the helper, over the
        # channel (dsbx column) or the engine's exec path (engine column).
        usid = self.user_sandbox
        yield from self.file_scenarios(usid, self.container(usid))

        yield from self.ls_scenario()
        yield from self.gc_scenario()
        yield from self.snapshot_scenarios()
        yield from self.pool_scenarios(docker_run)
        yield from self.burst_scenario(docker_run)

    def exec_scenarios(self):
        """Issue 18's exec goals: one `true`, 10 MiB of stdout, 16 at once (`--only exec`)."""
        p = self.p
        sid = self.sandbox
        c = self.container(sid)
        q = sh_quote
        exec_skip = self.probe(self.d("exec", sid, "true"), "exec")
        yield dict(name="`exec ID true`", runs=p["fast_runs"],
                   dsbx=self.d("exec", sid, "true"), engine=self.d("exec", sid, "true"),
                   docker=["docker", "exec", c, "true"],
                   floor=lambda: {"op": "exec", "container": c, "cmd": ["true"]},
                   skip=exec_skip,
                   goal="dsbx ≤ 10 ms and ≤ 0.2× docker")

        n = p["exec_bytes"]
        yield dict(name=f"`exec` writing {human_bytes(n)} to stdout", runs=p["mid_runs"],
                   dsbx=self.d("exec", sid, "head", "-c", str(n), "/dev/zero"),
                   engine=self.d("exec", sid, "head", "-c", str(n), "/dev/zero"),
                   docker=["docker", "exec", c, "head", "-c", str(n), "/dev/zero"],
                   floor=lambda: {"op": "exec", "container": c,
                                  "cmd": ["head", "-c", str(n), "/dev/zero"]},
                   skip=exec_skip,
                   goal="dsbx ≤ 0.5× docker")

        k = p["concurrent"]
        many = "pids=(); for i in $(seq {k}); do {cmd} & pids+=($!); done; " \
               "rc=0; for p in \"${{pids[@]}}\"; do wait $p || rc=1; done; exit $rc"
        yield dict(name=f"{k} concurrent `exec ID true`", runs=p["mid_runs"],
                   dsbx=many.format(k=k, cmd=f"{q(self.dsbx)} exec {sid} true"),
                   engine=many.format(k=k, cmd=f"{q(self.dsbx)} exec {sid} true"),
                   docker=many.format(k=k, cmd=f"docker exec {c} true"),
                   floor=lambda: {"op": "exec", "container": c, "cmd": ["true"], "n": k},
                   skip=exec_skip,
                   goal="dsbx ≤ 0.25× docker")

    def download_scenarios(self):
        # The downloads of file_scenarios alone (their files are made, the uploads not run).
        usid = self.user_sandbox
        for sc in self.file_scenarios(usid, self.container(usid)):
            if sc["name"].startswith("download"):
                yield sc

    def probe_init_kill(self):
        p = run(self.d("init", "--image", IMAGE), self.env, check=False)
        if p.returncode != 0:
            return f"not measured: `dsbx init` failed its probe ({p.stderr.strip()})"
        return self.probe(self.d("kill", p.stdout.strip()), "kill")

    def file_scenarios(self, sid, c, downloads=True):
        p = self.p
        local = os.path.join(self.work, "files")
        os.makedirs(local, exist_ok=True)
        big = os.path.join(local, "big.bin")
        with open(big, "wb") as f:
            left = p["file_bytes"]
            while left:
                chunk = os.urandom(min(left, 1 << 20))
                f.write(chunk)
                left -= len(chunk)
        tree = os.path.join(local, "tree")
        for i in range(p["tree_files"]):
            d = os.path.join(tree, f"d{i % 20:02d}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"f{i:04d}.txt"), "wb") as f:
                f.write(os.urandom(512 + (i * 37) % 3584))
        small = os.path.join(local, "probe.txt")
        with open(small, "w") as f:
            f.write("probe\n")
        out = os.path.join(self.work, "out")
        up_skip = self.probe(self.d("upload", sid, small, "/tmp/probe.txt"), "upload")
        down_skip = self.probe(
            self.d("download", sid, "/etc/passwd", os.path.join(self.work, "probe-passwd")),
            "download")
        size = human_bytes(p["file_bytes"])
        goal = "dsbx ≤ 0.8× `docker cp`, peak memory < 64 MiB"
        tree_goal = "dsbx ≤ 0.5× `docker cp`, peak memory < 64 MiB"

        def clear_remote():
            run(["docker", "exec", c, "rm", "-rf", "/tmp/up"], self.env)
            run(["docker", "exec", c, "mkdir", "-m", "777", "/tmp/up"], self.env)

        def clear_local():
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)

        def remote_size(path, want):
            def check(col):
                ok = run(["docker", "exec", c, "test", "-e", path], self.env, check=False)
                if ok.returncode != 0:
                    return f"{col} left no {path} in the sandbox"
                if not want:
                    return None
                got = int(run(["docker", "exec", c, "du", "-s", "-k", path],
                              self.env).stdout.split()[0])
                return None if got >= want else f"{col}: {path} holds {got} KiB, not {want}"
            return check

        def local_exists(path):
            def check(col):
                return None if os.path.exists(path) else f"{col} left no {path}"
            return check

        big_kb = p["file_bytes"] // 1024
        kib = os.path.join(local, "one.txt")
        content = ("x" * 63 + "\n") * 16
        with open(kib, "w") as f:
            f.write(content)
        write_skip = self.probe(self.d("files", "write", sid, "/tmp/probe.txt", "x"), "files write")
        def clear_written():
            # docker cp writes as root, and /tmp is sticky: the user could not replace its file.
            run(["docker", "exec", c, "rm", "-f", "/tmp/w.txt"], self.env)

        yield dict(name="`files write` of a 1 KiB file", runs=p["fast_runs"],
                   prepare=clear_written,
                   dsbx=self.d("files", "write", sid, "/tmp/w.txt", content),
                   engine=self.d("files", "write", sid, "/tmp/w.txt", content),
                   docker=["docker", "cp", kib, f"{c}:/tmp/w.txt"],
                   check=remote_size("/tmp/w.txt", 0), skip=write_skip,
                   goal="dsbx ≤ 10 ms")
        yield dict(name=f"upload a {size} file", runs=p["heavy_runs"], prepare=clear_remote,
                   dsbx=self.d("upload", sid, big, "/tmp/up/big.bin"),
                   engine=self.d("upload", sid, big, "/tmp/up/big.bin"),
                   docker=["docker", "cp", big, f"{c}:/tmp/up/big.bin"],
                   floor=lambda: {"op": "upload", "id": sid, "local": big, "remote_dir": "/tmp/up"},
                   check=remote_size("/tmp/up/big.bin", big_kb), skip=up_skip, goal=goal)
        # stdin has no size up front: dsbx spools it to a temp file to write the tar header, and
        # that spool must keep memory flat too. The docker column is the nearest same job.
        yield dict(name=f"upload a {size} file through stdin", runs=p["heavy_runs"],
                   prepare=clear_remote,
                   dsbx=f"{sh_quote(self.dsbx)} upload {sid} - /tmp/up/big.bin < {sh_quote(big)}",
                   docker=f"docker exec -i {c} sh -c 'cat > /tmp/up/big.bin' < {sh_quote(big)}",
                   check=remote_size("/tmp/up/big.bin", big_kb), skip=up_skip,
                   goal="peak memory < 64 MiB (docker column: `docker exec -i C sh -c 'cat > F'`)")
        yield dict(name=f"upload a {p['tree_files']:,}-file tree", runs=p["heavy_runs"],
                   prepare=clear_remote,
                   dsbx=self.d("upload", sid, tree, "/tmp/up/tree"),
                   engine=self.d("upload", sid, tree, "/tmp/up/tree"),
                   docker=["docker", "cp", tree, f"{c}:/tmp/up/tree"],
                   floor=lambda: {"op": "upload", "id": sid, "local": tree, "remote_dir": "/tmp/up"},
                   check=remote_size(f"/tmp/up/tree/d00/f0000.txt", 0), skip=up_skip,
                   goal=tree_goal)
        if not downloads:  # `--only upload`
            return
        # What the downloads read: put there by docker cp, whatever dsbx upload can do.
        run(["docker", "exec", c, "mkdir", "-p", "/tmp/src"], self.env)
        run(["docker", "cp", big, f"{c}:/tmp/src/big.bin"], self.env)
        run(["docker", "cp", tree, f"{c}:/tmp/src/tree"], self.env)
        yield dict(name=f"download a {size} file", runs=p["heavy_runs"], prepare=clear_local,
                   dsbx=self.d("download", sid, "/tmp/src/big.bin", f"{out}/big.bin"),
                   engine=self.d("download", sid, "/tmp/src/big.bin", f"{out}/big.bin"),
                   docker=["docker", "cp", f"{c}:/tmp/src/big.bin", f"{out}/big.bin"],
                   floor=lambda: {"op": "download", "id": sid, "remote": "/tmp/src/big.bin",
                                  "local_dir": out},
                   check=local_exists(f"{out}/big.bin"), skip=down_skip, goal=goal)
        yield dict(name=f"download a {p['tree_files']:,}-file tree", runs=p["heavy_runs"],
                   prepare=clear_local,
                   dsbx=self.d("download", sid, "/tmp/src/tree", f"{out}/tree"),
                   engine=self.d("download", sid, "/tmp/src/tree", f"{out}/tree"),
                   docker=["docker", "cp", f"{c}:/tmp/src/tree", f"{out}/tree"],
                   floor=lambda: {"op": "download", "id": sid, "remote": "/tmp/src/tree",
                                  "local_dir": out},
                   check=local_exists(f"{out}/tree/d00/f0000.txt"), skip=down_skip,
                   goal=tree_goal)

    def ls_scenario(self):
        n = self.p["ls_sandboxes"]
        have = len(self.scope_containers())
        print(f"  creating {n - have} sandboxes for ls", file=sys.stderr)
        self.init_many(max(0, n - have))
        count = len(self.scope_containers())

        def check(col):
            return None if count == n else f"scope holds {count} sandboxes, not {n}"
        yield dict(name=f"`ls` with {n} sandboxes", runs=self.p["fast_runs"],
                   dsbx=self.d("ls"),
                   docker=["docker", "ps", "-a", "--filter", "label=dsbx.managed=true",
                           "--filter", f"label=dsbx.scope={self.scope}"],
                   floor=lambda: {"op": "ls", "scope": self.scope}, check=check,
                   skip=self.probe(self.d("ls"), "ls"), goal="one list call")

    def gc_scenario(self):
        n = self.p["gc_sandboxes"]
        run(self.d("kill", "--all"), self.env)
        skip = self.probe(self.d("gc"), "gc")

        def prepare():
            run(self.d("kill", "--all"), self.env)  # also forgets what the docker loop left
            self.init_many(n, "--timeout", "1s")
            deadline = time.time() + 120
            while self.scope_containers(running=True):
                if time.time() > deadline:
                    raise RuntimeError("expired sandboxes did not stop within 120 s")
                time.sleep(0.2)

        def check(col):
            left = self.scope_containers()
            return None if not left else f"{col} left {len(left)} sandboxes"
        loop = ("for c in $(docker ps -aq --filter label=dsbx.managed=true "
                f"--filter label=dsbx.scope={self.scope} --filter status=exited); "
                "do docker rm -f \"$c\" >/dev/null || exit 1; done")
        yield dict(name=f"`gc` of {n} expired (stopped) sandboxes", runs=self.p["batch_runs"],
                   warmup=0, prepare=prepare, dsbx=self.d("gc"), docker=loop,
                   floor=lambda: {"op": "gc", "scope": self.scope}, check=check, skip=skip,
                   goal="dsbx ≤ 0.5× a `docker rm -f` loop")

    def snapshot_scenarios(self):
        """Issue 21's goals: a snapshot of a sandbox holding a 10 MiB change, `fork` to one
        running sandbox, `fork -n 4`; the docker columns are `docker commit` (which pauses too)
        and `docker commit` + `docker run -d` from the image, hardened as dsbx's."""
        p = self.p
        src = self.init()
        c = self.container(src)
        run(["docker", "exec", c, "sh", "-c", "head -c 10485760 /dev/urandom > /tmp/change"],
            self.env)
        skip = self.probe(self.d("snapshot", src), "snapshot")
        fork_skip = skip or self.probe(self.d("fork", src), "fork")
        paused = os.path.join(self.work, "snapshot-paused.jsonl")

        def reset():
            """Removes every fork and image of earlier runs; the source stays."""
            rows = run(["docker", "ps", "-a", "--filter", f"label=dsbx.scope={self.scope}",
                        "--format", "{{.ID}} {{.Names}}"], self.env).stdout.split("\n")
            ids = [r.split()[0] for r in rows if r.strip() and r.split()[1] != c]
            if ids:
                run(["docker", "rm", "-f", "-v", *ids], self.env)
            self.remove_scope_images()

        # The docker column's containers must not pass for sandboxes: the image carries the
        # source's dsbx labels (a commit keeps them), so its containers override `dsbx.managed`.
        docker_run = ("docker run -d --init --cap-drop ALL "
                      + " ".join(f"--cap-add {cap}" for cap in CAPS)
                      + " --security-opt no-new-privileges --memory 2g --cpus 2"
                      " --pids-limit 1024 --network dsbx --label dsbx.managed=bench"
                      f" --label dsbx.scope={self.scope} --entrypoint sleep \"$img\" 1d")
        commit = f"img=$(docker commit {c})"
        q = sh_quote
        out = self.measure(dict(
            name="`snapshot` of a sandbox with a 10 MiB change", runs=p["mid_runs"],
            prepare=reset,
            dsbx=f"{q(self.dsbx)} --json snapshot {src} >> {q(paused)}",
            docker=["docker", "commit", c], skip=skip,
            goal="≤ 250 ms, the source paused ≤ 200 ms of it (docker column: `docker commit`)"))
        try:
            with open(paused) as f:
                ms_paused = [json.loads(line)["paused_ms"] for line in f if line.strip()]
            if ms_paused:
                out["paused_ms"] = statistics.median(ms_paused)
                out["goal"] += f"; paused median {out['paused_ms']:.0f} ms"
        except (OSError, ValueError, KeyError, TypeError):
            pass
        self.measure(dict(
            name="`fork ID` to a running sandbox (id printed)", runs=p["mid_runs"],
            prepare=reset, dsbx=self.d("fork", src),
            docker=f"{commit} && {docker_run} >/dev/null", skip=fork_skip,
            goal="≤ 0.6 s (docker column: `docker commit` + `docker run -d`)"))
        many = (f"{commit} && pids=(); for i in 1 2 3 4; do {docker_run} >/dev/null & "
                "pids+=($!); done; rc=0; for p in \"${pids[@]}\"; do wait $p || rc=1; done; "
                "exit $rc")
        self.measure(dict(
            name="`fork ID -n 4`", runs=p["batch_runs"], prepare=reset,
            dsbx=self.d("fork", src, "-n", "4"), docker=many, skip=fork_skip,
            goal="≤ 1.5 s for all four (docker column: `docker commit` + 4 parallel `docker run -d`)"))
        reset()
        return
        yield  # a generator, like the other scenario groups: measured above, in order

    def side_env(self, name, config):
        """Shell words running dsbx with a state directory and config of its own (same scope)."""
        d = os.path.join(self.work, name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "config.toml")
        with open(path, "w") as f:
            f.write(config)
        words = f"env DSBX_CONFIG={sh_quote(path)} DSBX_STATE_DIR={sh_quote(os.path.join(d, 'state'))} "
        return path, words + sh_quote(self.dsbx)

    def remove_except_main(self, label=None):
        """Removes the scope's containers (those with `label` only, when given) but the main
        sandbox."""
        args = ["docker", "ps", "-a", "--filter", f"label=dsbx.scope={self.scope}",
                "--format", "{{.ID}} {{.Names}}"]
        if label:
            args[3:3] = ["--filter", f"label={label}"]
        rows = run(args, self.env).stdout.split("\n")
        keep = self.container(self.sandbox)
        ids = [r.split()[0] for r in rows if r.strip() and r.split()[1] != keep]
        if ids:
            run(["docker", "rm", "-f", "-v", *ids], self.env)

    def docker_run(self):
        """The docker column's `init`: `docker run -d` with dsbx's hardening."""
        return ("docker run -d --init --cap-drop ALL "
                + " ".join(f"--cap-add {cap}" for cap in CAPS)
                + " --security-opt no-new-privileges --memory 2g --cpus 2"
                " --pids-limit 1024 --network dsbx"
                f" --label dsbx.scope={self.scope} --label dsbx.bench=docker"
                f" {IMAGE} sleep 1d")

    def pool_scenarios(self, docker_run):
        """Issue 19: `init` claiming a warm sandbox, alone and followed by an exec. Each run
        starts from a full pool (refilled, untimed, in `prepare`); the docker column is a plain
        `docker run -d` for scale."""
        p = self.p
        size = 2
        config, pdsbx = self.side_env("pool", f'image = "{IMAGE}"\n[pool]\nsize = {size}\n')
        claimed = os.path.join(self.work, "pool", "claimed")
        skip = None
        probe = run(shlex_split(pdsbx) + ["pool", "fill", "--wait"], self.env, check=False)
        if probe.returncode != 0:
            skip = f"not measured: `dsbx pool fill` failed its probe ({probe.stderr.strip()})"

        def prepare():
            try:
                with open(claimed) as f:
                    ids = [self.container(i) for i in f.read().split()]
            except OSError:
                ids = []
            if ids:
                run(["docker", "rm", "-f", "-v", *ids], self.env, check=False)
            open(claimed, "w").close()
            self.remove_except_main("dsbx.bench=docker")
            run(shlex_split(pdsbx) + ["pool", "fill", "--wait"], self.env)

        q = sh_quote
        yield dict(name="`init` from a warm pool", runs=p["fast_runs"], prepare=prepare,
                   dsbx=f"{pdsbx} init >> {q(claimed)}",
                   docker=f"{docker_run} >/dev/null", skip=skip,
                   goal="≤ 40 ms (moonshot 20 ms); docker column: `docker run -d`")
        yield dict(name="`init` from the pool then `exec ID true`", runs=p["fast_runs"],
                   prepare=prepare,
                   dsbx=f"id=$({pdsbx} init) && echo $id >> {q(claimed)} && {pdsbx} exec $id true",
                   docker=f"c=$({docker_run}) && docker exec $c true", skip=skip,
                   goal="≤ 50 ms in all; docker column: `docker run -d` + `docker exec`")
        prepare()
        with open(config, "w") as f:
            f.write(f'image = "{IMAGE}"\n')
        run(shlex_split(pdsbx) + ["pool", "drain"], self.env, check=False)

    def burst_scenario(self, docker_run):
        """Issue 19: 50 concurrent cold inits, all of which must succeed, against the same
        burst of `docker run -d`."""
        k = 50 if not self.args.smoke else 4
        _, bdsbx = self.side_env("burst", f'image = "{IMAGE}"\n')
        many = ("pids=(); for i in $(seq {k}); do {cmd} >/dev/null & pids+=($!); done; "
                "rc=0; for p in \"${{pids[@]}}\"; do wait $p || rc=1; done; exit $rc")

        def prepare():
            self.remove_except_main()

        def check(col):
            rows = run(["docker", "ps", "-a", "--filter", f"label=dsbx.scope={self.scope}",
                        "--format", "{{.Names}}"], self.env).stdout.split()
            n = len([r for r in rows if r != self.container(self.sandbox)])
            return None if n >= k else f"{col} made {n} containers, not {k}"
        yield dict(name=f"{k} concurrent cold `init`s", runs=self.p["batch_runs"], warmup=0,
                   prepare=prepare, dsbx=many.format(k=k, cmd=f"{bdsbx} init"),
                   docker=many.format(k=k, cmd=docker_run), check=check, trace=False,
                   goal="all succeed; wall time ≤ 1.0× the same burst of `docker run -d`")
        prepare()

    def remove_scope_images(self):
        """Snapshots and docker commits of this run: they all carry its scope's label."""
        images = run(["docker", "image", "ls", "-q", "--filter",
                      f"label=dsbx.scope={self.scope}"], self.env, check=False).stdout.split()
        for image in sorted(set(images)):
            run(["docker", "rmi", "-f", image], self.env, check=False)

    def scope_containers(self, running=False):
        args = ["docker", "ps", "-q", "--filter", f"label=dsbx.scope={self.scope}"]
        if not running:
            args.insert(2, "-a")
        return run(args, self.env).stdout.split()

    # -- the whole run

    def go(self):
        print(f"dsbx bench: scope {self.scope}, work dir {self.work}", file=sys.stderr)
        self.sandbox = self.init()
        self.user_sandbox = self.init("--user", "user")
        mounts = run(["docker", "inspect", "-f", "{{range .Mounts}}{{.Name}} {{end}}",
                      self.container(self.sandbox)], self.env).stdout.split()
        for name in mounts:
            if name.startswith("dsbx-helper-"):
                self.helper_prefix = name.rsplit("-", 1)[0]  # the marker's name
        for sc in self.scenarios():
            self.measure(sc)

    def cleanup(self):
        try:
            self.floor.close()
        except Exception:
            pass
        ids = run(["docker", "ps", "-aq", "--filter", f"label=dsbx.scope={self.scope}"],
                  self.env, check=False).stdout.split()
        if ids:
            run(["docker", "rm", "-f", "-v", *ids], self.env, check=False)
        self.remove_scope_images()
        nets = run(["docker", "network", "ls", "-q", "--filter",
                    f"label=dsbx.scope={self.scope}"], self.env, check=False).stdout.split()
        for net in nets:
            run(["docker", "network", "rm", net], self.env, check=False)
        # The release binary's helper volumes (marker and data), made for this build alone. A
        # debug build's are the test suite's too, so the smoke mode leaves them.
        if self.helper_prefix and self.args.profile == "release":
            for vol in sorted(self.helper_volumes(), reverse=True):
                if vol.startswith(self.helper_prefix) and vol not in self.helper_volumes_before:
                    run(["docker", "volume", "rm", vol], self.env, check=False)
        if self.tracer:
            self.tracer.close()
        shutil.rmtree(self.work, ignore_errors=True)


# ---------------------------------------------------------------- report


def human_bytes(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} B"


def ms(x):
    """Seconds, shown in ms below one second."""
    if x >= 10:
        return f"{x:.1f} s"
    if x >= 1:
        return f"{x:.2f} s"
    return f"{x * 1000:.1f} ms" if x * 1000 >= 10 else f"{x * 1000:.2f} ms"


def cell(col):
    if not col:
        return "–"
    return f"{ms(col['median'])} ({ms(col['min'])}–{ms(col['max'])})"


def machine(env, args):
    def out(argv):
        p = run(argv, env, check=False)
        return p.stdout.strip() or "?"
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{mem_kb / (1 << 20):.1f} GiB",
        "kernel": platform.release(),
        "engine": out(["docker", "version", "--format",
                       "{{.Server.Version}} (API {{.Server.APIVersion}})"]),
        "client": out(["docker", "version", "--format",
                       "{{.Client.Version}} (API {{.Client.APIVersion}})"]) + " at "
                  + (shutil.which("docker") or "?"),
        "load": "%.1f %.1f %.1f" % os.getloadavg(),
        "dsbx": out([args.dsbx, "--version"]) + f" ({args.profile} build"
                + (f", commit {args.commit}" if args.commit else "") + ")",
    }


def ratio(a, b):
    if not a or not b:
        return None
    return a["median"] / b["median"]


def fmt_ratio(r):
    return "–" if r is None else f"{r:.2f}×"


def verdict(res):
    """Whether the goal was met, from this run's figures."""
    if res["skip"]:
        return "not measured"
    cols = res["cols"]
    d = cols.get("dsbx")
    if not d:
        return "failed"
    name = res["name"]
    rd, rf = ratio(d, cols.get("docker")), ratio(d, cols.get("floor"))
    if name.startswith("`files write`"):
        return "met" if d["median"] <= 0.010 else "missed"
    if name == "`exec ID true`":
        ok = d["median"] <= 0.010 and rd is not None and rd <= 0.2
        return "met" if ok else "missed"
    if "concurrent cold" in name:
        return "met" if rd is not None and rd <= 1.0 else "missed"
    if name.startswith("`init` from a warm pool"):
        return "met" if d["median"] <= 0.040 else "missed"
    if name.startswith("`init` from the pool then"):
        return "met" if d["median"] <= 0.050 else "missed"
    if "concurrent" in name:
        return "met" if rd is not None and rd <= 0.25 else "missed"
    if "exec" in name:
        return "met" if rd is not None and rd <= 0.5 else "missed"
    if name.startswith("`init`"):
        return "met" if rd is not None and rd <= 0.9 else "missed"
    if "through stdin" in name:
        return "met" if d["rss_kb"] < 64 * 1024 else "missed"
    if name.startswith(("upload", "download")):
        limit = 0.5 if "tree" in name else 0.8
        ok = rd is not None and rd <= limit and d["rss_kb"] < 64 * 1024
        return "met" if ok else "missed"
    if name.startswith("`gc`"):
        return "met" if rd is not None and rd <= 0.5 else "missed"
    if name.startswith("`snapshot`"):
        paused = res.get("paused_ms")
        ok = d["median"] <= 0.25 and (paused is None or paused <= 200)
        return "met" if ok else "missed"
    if name.startswith("`fork ID -n 4`"):
        return "met" if d["median"] <= 1.5 else "missed"
    if name.startswith("`fork ID`"):
        return "met" if d["median"] <= 0.6 else "missed"
    if name.startswith("`ls`"):
        calls = [c["call"] for c in (res.get("trace") or {}).get("calls", [])]
        lists = sum(1 for c in calls if c.startswith("GET /containers/json"))
        return "met" if lists == 1 else f"missed ({lists} list calls)"
    return "reported"


def report(results, info, args, elapsed):
    lines = []
    w = lines.append
    w("# Benchmarks")
    w("")
    w("Rerun everything with one command (builds dsbx in release mode, prepares what it needs on "
      "the local engine, runs every scenario, cleans up, rewrites this file):")
    w("")
    w("```sh")
    w("bench/run            # full run, about 10 minutes on 2 cores; `bench/run --smoke`: 1 tiny run")
    w("```")
    w("")
    w(f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} in {elapsed / 60:.1f} min"
      f"{' (SMOKE MODE: one tiny iteration, not a measurement)' if args.smoke else ''}.")
    w("")
    w("## Machine")
    w("")
    w(f"- {info['nproc']} CPUs ({info['cpu']}), {info['memory']} memory, Linux {info['kernel']}")
    w(f"- Docker engine {info['engine']}; docker client {info['client']}")
    w(f"- {info['dsbx']}")
    if info.get("load"):
        w(f"- load average (1, 5, 15 min) when the run began: {info['load']}"
          + (f"; when it ended: {info['load_end']}" if info.get("load_end") else "")
          + ". The machine is shared: where min and max lie far apart, other work interfered, "
          "and a ratio of medians is only as good as that spread.")
    w("")
    w("## Results")
    w("")
    w("Median wall time (min–max) over the runs shown; dsbx, docker and floor runs interleaved "
      "(the order rotates each round) after one untimed warm-up round. Ratios are of medians. "
      "Peak memory is the maximum resident set size of the process (tree) over the runs. "
      "*dsbx* goes over the sandbox's channel where it can; *engine path* is the same command "
      "with `DSBX_CHANNEL=off` (the engine's exec and archive paths).")
    w("")
    w("| scenario | runs | dsbx | engine path | docker CLI | floor | dsbx/docker | engine path/docker | dsbx/floor | peak RSS dsbx / engine path / docker / floor | goal | verdict |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        c = r["cols"]
        d = c.get("dsbx")
        dsbx_cell = r["skip"] if r["skip"] else (cell(d) if d else
                                                  f"failed: {r['errors'].get('dsbx', '?')}")
        dock = c.get("docker")
        dock_cell = cell(dock) if dock else (f"failed: {r['errors']['docker']}"
                                             if "docker" in r["errors"] else "–")
        fl = c.get("floor")
        fl_cell = cell(fl) if fl else (f"failed: {r['errors']['floor']}"
                                       if "floor" in r["errors"] else "–")
        if fl and r["floor_label"] != "engine floor":
            fl_cell += f" *{r['floor_label']}*"
        eng = c.get("engine")
        eng_cell = cell(eng) if eng else (f"failed: {r['errors']['engine']}"
                                          if "engine" in r["errors"] else "–")
        rss = " / ".join(f"{x['rss_kb'] / 1024:.1f} MiB" if x else "–"
                         for x in (d, eng, dock, fl))
        w(f"| {r['name']} | {r['runs']} | {dsbx_cell} | {eng_cell} | {dock_cell} | {fl_cell} | "
          f"{fmt_ratio(ratio(d, dock))} | {fmt_ratio(ratio(eng, dock))} | "
          f"{fmt_ratio(ratio(d, fl))} | {rss} | {r['goal']} | {verdict(r)} |")
    w("")
    w("## Where dsbx's time goes (API calls traced)")
    w("")
    w("One extra, untimed run of each measured dsbx command through a relay on a unix socket that "
      "records every request and how long the engine took to start answering it (the relay adds "
      "its own latency, so the total is a little above the table's). The time not spent waiting "
      "for an answer is dsbx's own: process start-up, config and state files, output.")
    w("")
    traced = [r for r in results if r.get("trace")]
    if not traced:
        w("No dsbx command was traced in this run.")
    for r in traced:
        t = r["trace"]
        waited = sum(c["answer_ms"] or 0 for c in t["calls"])
        w(f"- {r['name']}: {len(t['calls'])} calls in {t['secs'] * 1000:.1f} ms, "
          f"{waited:.1f} ms of it waiting for the engine's answers: "
          + ", ".join(f"`{c['call']}` {c['answer_ms']:.1f} ms" if c["answer_ms"] is not None
                      else f"`{c['call']}`" for c in t["calls"]))
    w("")
    missed = [r for r in results if verdict(r).startswith("missed")]
    if missed:
        w("## Goals missed in this run, and why (from the figures and the trace above)")
        w("")
    for r in missed:
        w(f"- {r['name']}: " + explain(r))
    if missed:
        w("")
    return "\n".join(lines)


def explain(r):
    """A missed goal's profile: where dsbx's time went, against docker's and the floor's."""
    c = r["cols"]
    d, dock, fl = c.get("dsbx"), c.get("docker"), c.get("floor")
    parts = [f"dsbx {ms(d['median'])}"]
    if dock:
        parts.append(f"docker {ms(dock['median'])} ({fmt_ratio(ratio(d, dock))})")
    if fl:
        parts.append(f"floor {ms(fl['median'])} ({fmt_ratio(ratio(d, fl))})")
    text = ", ".join(parts) + ". "
    if r["name"].startswith(("upload", "download")) and d["rss_kb"] >= 64 * 1024:
        text += f"Peak memory {d['rss_kb'] / 1024:.1f} MiB is over 64 MiB. "
    if fl and d["median"] >= fl["median"]:
        text += (f"{ms(d['median'] - fl['median'])} of dsbx's median is spent outside "
                 "the engine calls the floor makes. ")
        if d.get("cpu") is not None:
            text += (f"dsbx's own CPU time (user + system, from `wait4`) was {ms(d['cpu'])} "
                     "per run (median)")
            if dock and dock.get("cpu") is not None:
                text += f", docker's {ms(dock['cpu'])}"
            text += ". "
    elif fl:
        text += ("The floor, which makes the same calls with no process start, was slower than "
                 "dsbx here: the engine's own time varied more than dsbx's overhead. ")
    t = r.get("trace")
    if t and t["calls"]:
        calls = sorted((x for x in t["calls"] if x["answer_ms"] is not None),
                       key=lambda x: -x["answer_ms"])
        waited = sum(x["answer_ms"] for x in calls)
        top = ", ".join(f"`{x['call']}` {x['answer_ms']:.0f} ms" for x in calls[:3])
        text += (f"In the traced run the engine's answers took {waited:.0f} of "
                 f"{t['secs'] * 1000:.0f} ms; the largest: {top}.")
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsbx")
    ap.add_argument("--floor")
    ap.add_argument("--scope")
    ap.add_argument("--out", required=True)
    ap.add_argument("--notes", help="Markdown appended to the report (analysis, method)")
    ap.add_argument("--json-out")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", choices=["ls", "gc", "snapshot", "exec", "upload", "download", "pool"],
                    help="run one group of scenarios alone")
    ap.add_argument("--profile", default="release")
    ap.add_argument("--commit", default="")
    ap.add_argument("--render", metavar="RESULTS_JSON",
                    help="only rewrite the report from a saved --json-out file")
    ap.add_argument("--elapsed", type=float, default=0.0, help="with --render: seconds taken")
    args = ap.parse_args()
    if args.render:
        with open(args.render) as f:
            saved = json.load(f)
        text = report(saved["results"], saved["machine"], args,
                      saved.get("elapsed", args.elapsed))
        if args.notes and os.path.exists(args.notes):
            with open(args.notes) as f:
                text += "\n" + f.read()
        with open(args.out, "w") as f:
            f.write(text)
        return 0
    if not (args.dsbx and args.floor and args.scope):
        ap.error("--dsbx, --floor and --scope are needed (unless --render)")
    signal.signal(signal.SIGTERM, on_term)
    started = time.time()
    bench = Bench(args)
    try:
        info = machine(bench.env, args)
        bench.go()
    finally:
        bench.cleanup()
    info["load_end"] = "%.1f %.1f %.1f" % os.getloadavg()
    text = report(bench.results, info, args, time.time() - started)
    if args.notes and os.path.exists(args.notes):
        with open(args.notes) as f:
            text += "\n" + f.read()
    with open(args.out, "w") as f:
        f.write(text)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"machine": info, "results": bench.results,
                       "elapsed": time.time() - started}, f, indent=1)
    # A dsbx command that fails its probe is broken, not "not measured": the smoke run in CI must
    # fail on it, or a broken exec/gc would pass there unnoticed.
    failed = [r["name"] for r in bench.results
              if (r["skip"] and "failed its probe" in r["skip"])
              or (not r["skip"] and (r["errors"] or "dsbx" not in r["cols"]))]
    print(f"wrote {args.out}", file=sys.stderr)
    if failed:
        print("failed: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
