"""Unit tests of the benchmark's pure logic (`python3 -m unittest discover -s bench`); `bench/run
--smoke` runs them first."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def col(median, rss_kb=10_000):
    return {"median": median, "min": median, "max": median, "n": 1, "rss_kb": rss_kb}


def result(name, cols, trace=None, skip=None):
    return {"name": name, "cols": cols, "skip": skip, "errors": {}, "trace": trace}


class Simplify(unittest.TestCase):
    def test_ids_become_placeholders_but_list_and_create_stay(self):
        self.assertEqual(bench.simplify("/containers/json?all=true&filters=x"), "/containers/json")
        self.assertEqual(bench.simplify("/containers/create?name=dsbx-a"), "/containers/create")
        self.assertEqual(bench.simplify("/v1.41/containers/dsbx-abc/start"),
                         "/containers/{c}/start")
        self.assertEqual(bench.simplify("/exec/0123abcd/json"), "/exec/{e}/json")
        self.assertEqual(bench.simplify("/images/dsbx-test-busybox:latest/json"),
                         "/images/{i}/json")


class Formatting(unittest.TestCase):
    def test_sizes(self):
        self.assertEqual(bench.human_bytes(200 << 20), "200 MiB")
        self.assertEqual(bench.human_bytes(64 << 10), "64 KiB")
        self.assertEqual(bench.human_bytes(1000), "1000 B")

    def test_times(self):
        self.assertEqual(bench.ms(0.00512), "5.12 ms")
        self.assertEqual(bench.ms(0.0563), "56.3 ms")
        self.assertEqual(bench.ms(0.5973), "597.3 ms")
        self.assertEqual(bench.ms(2.345), "2.35 s")
        self.assertEqual(bench.ms(12.34), "12.3 s")


class Verdicts(unittest.TestCase):
    def test_exec_goals_of_the_channel(self):
        ok = result("`exec ID true`", {"dsbx": col(0.008), "docker": col(0.06)})
        self.assertEqual(bench.verdict(ok), "met")
        slow = result("`exec ID true`", {"dsbx": col(0.011), "docker": col(0.09)})
        self.assertEqual(bench.verdict(slow), "missed")
        many = "16 concurrent `exec ID true`"
        self.assertEqual(bench.verdict(result(many, {"dsbx": col(0.2), "docker": col(1)})), "met")
        self.assertEqual(bench.verdict(result(many, {"dsbx": col(0.3), "docker": col(1)})),
                         "missed")
        big = "`exec` writing 10 MiB to stdout"
        self.assertEqual(bench.verdict(result(big, {"dsbx": col(0.5), "docker": col(1)})), "met")
        self.assertEqual(bench.verdict(result(big, {"dsbx": col(0.6), "docker": col(1)})),
                         "missed")
        write = "`files write` of a 1 KiB file"
        self.assertEqual(bench.verdict(result(write, {"dsbx": col(0.009)})), "met")
        self.assertEqual(bench.verdict(result(write, {"dsbx": col(0.02)})), "missed")

    def test_files_need_memory_under_64_mib(self):
        cols = {"dsbx": col(1.0, rss_kb=70 * 1024), "docker": col(1.0)}
        self.assertEqual(bench.verdict(result("upload a 200 MiB file", cols)), "missed")
        cols = {"dsbx": col(0.8, rss_kb=20 * 1024), "docker": col(1.0)}
        self.assertEqual(bench.verdict(result("upload a 200 MiB file", cols)), "met")
        self.assertEqual(bench.verdict(result("upload a 2,000-file tree", cols)), "missed")
        cols = {"dsbx": col(0.5, rss_kb=20 * 1024), "docker": col(1.0)}
        self.assertEqual(bench.verdict(result("download a 2,000-file tree", cols)), "met")

    def test_gc_and_init(self):
        gc = {"dsbx": col(1.0), "docker": col(2.1)}
        self.assertEqual(bench.verdict(result("`gc` of 50 expired", gc)), "met")
        init = {"dsbx": col(0.6), "docker": col(0.6)}
        self.assertEqual(bench.verdict(result("`init` + `kill`", init)), "missed")

    def test_snapshot_and_fork_goals(self):
        snap = result("`snapshot` of a sandbox with a 10 MiB change", {"dsbx": col(0.2)})
        self.assertEqual(bench.verdict(snap), "met")
        snap["paused_ms"] = 230
        self.assertEqual(bench.verdict(snap), "missed")
        fork = "`fork ID` to a running sandbox (id printed)"
        self.assertEqual(bench.verdict(result(fork, {"dsbx": col(0.5)})), "met")
        self.assertEqual(bench.verdict(result(fork, {"dsbx": col(0.7)})), "missed")
        self.assertEqual(bench.verdict(result("`fork ID -n 4`", {"dsbx": col(1.4)})), "met")
        self.assertEqual(bench.verdict(result("`fork ID -n 4`", {"dsbx": col(1.6)})), "missed")

    def test_ls_counts_list_calls(self):
        trace = {"secs": 0.01, "calls": [{"call": "GET /_ping"}, {"call": "GET /containers/json"}]}
        self.assertEqual(bench.verdict(result("`ls` with 100", {"dsbx": col(0.01)}, trace)), "met")
        trace["calls"].append({"call": "GET /containers/json"})
        self.assertEqual(bench.verdict(result("`ls` with 100", {"dsbx": col(0.01)}, trace)),
                         "missed (2 list calls)")

    def test_unbuilt_and_failed(self):
        self.assertEqual(bench.verdict(result("`exec ID true`", {}, skip="not measured")),
                         "not measured")
        self.assertEqual(bench.verdict(result("`exec ID true`", {"docker": col(1)})), "failed")


class Explain(unittest.TestCase):
    def test_names_the_biggest_calls_and_the_time_outside_the_engine(self):
        trace = {"secs": 0.64, "calls": [
            {"call": "GET /_ping", "answer_ms": 0.3},
            {"call": "POST /containers/{c}/start", "answer_ms": 308.0},
            {"call": "PUT /containers/{c}/archive", "answer_ms": 43.1},
            {"call": "DELETE /containers/{c}", "answer_ms": 172.1}]}
        r = result("`init` + `kill`", {"dsbx": col(0.60), "docker": col(0.55),
                                       "floor": col(0.52)}, trace)
        text = bench.explain(r)
        self.assertIn("dsbx 600.0 ms, docker 550.0 ms (1.09×), floor 520.0 ms (1.15×)", text)
        self.assertIn("80.0 ms of dsbx's median is spent outside", text)
        self.assertIn("`POST /containers/{c}/start` 308 ms, `DELETE /containers/{c}` 172 ms, "
                      "`PUT /containers/{c}/archive` 43 ms", text)


class Runner(unittest.TestCase):
    def test_timed_reports_exit_code_and_memory(self):
        secs, kb, code, err, cpu = bench.timed(["sh", "-c", "echo oops >&2; exit 3"],
                                               dict(os.environ))
        self.assertEqual(code, 3)
        self.assertEqual(err.strip(), "oops")
        self.assertGreater(kb, 0)
        self.assertLess(secs, 10)
        self.assertGreaterEqual(cpu, 0)
        self.assertLessEqual(cpu, secs + 0.05)

    def test_run_rejects_an_unknown_argument(self):
        here = os.path.dirname(os.path.abspath(__file__))
        p = subprocess.run([os.path.join(here, "run"), "--bogus"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, "")
        self.assertIn("unknown argument `--bogus`", p.stderr)


if __name__ == "__main__":
    unittest.main()
