"""`gust local` and the topology conf: a bad value, or an implausible task
count, stops the topology before it runs, with the key (or component), the
value and a non-zero exit; values Storm accepts as text run.
"""
import os
import subprocess
import tempfile
import unittest

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
GUST = os.path.join(BUILD, "tools", "gust")

FLUX = """name: "conf"
config:
{config}
spouts:
  - id: "words"
    className: "org.apache.storm.testing.TestWordSpout"
    parallelism: 1
bolts:
  - id: "count"
    className: "org.apache.storm.testing.TestWordCounter"
    parallelism: {parallelism}
streams:
  - from: "words"
    to: "count"
    grouping:
      type: SHUFFLE
"""


def run_flux(config, parallelism=1):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "conf.yaml")
        with open(path, "w") as f:
            f.write(FLUX.format(config=config, parallelism=parallelism))
        return subprocess.run([GUST, "local", path, "--duration", "1"], capture_output=True,
                              text=True, timeout=120)


class GustConf(unittest.TestCase):
    def test_bad_values_exit_non_zero_naming_key_and_value(self):
        cases = [
            ("  topology.message.timeout.secs: 10000000000",
             "'topology.message.timeout.secs' must be an integer from 1 to 2147483647 "
             "(got 10000000000)"),
            ("  topology.acker.executors: 4294967296",
             "'topology.acker.executors' must be an integer from 0 to 2147483647 (got 4294967296)"),
            ("  topology.tick.tuple.freq.secs: -1",
             "'topology.tick.tuple.freq.secs' must be an integer from 0 to 2147483647 (got -1)"),
            ("  topology.max.spout.pending: -10",
             "'topology.max.spout.pending' must be an integer from 0 to 2147483647 (got -10)"),
            ("  topology.debug: \"yes\"", "'topology.debug' must be true or false (got \"yes\")"),
        ]
        for config, message in cases:
            with self.subTest(config=config):
                r = run_flux(config)
                self.assertNotEqual(r.returncode, 0, r.stderr)
                self.assertIn(message, r.stderr)

    def test_implausible_parallelism_is_refused_naming_component_and_limit(self):
        r = run_flux("  topology.debug: false", parallelism=1000000)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("bolt 'count': 1000000 tasks are more than gust runs for one component "
                      "(topology.gust.max.component.tasks: 1024)", r.stderr)

    def test_numeric_strings_run_as_storm_reads_them(self):
        r = run_flux("  topology.message.timeout.secs: \"20\"\n  topology.max.spout.pending: \"50\"")
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
