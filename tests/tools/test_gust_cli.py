"""Every gust subcommand as a user meets it in the first hour.

Bad numbers on the command line of `gust local`, `gust demo`,
`gust kafka-mock` and `gust kafka-console` are refused before anything
starts: exit status 2 and one error line naming the option and the value.
Everything gust prints on stderr has one format (date time, level, module,
component:task or "-", message): a short run of the Python WordCount,
whose children send multilang log commands and whose LogInfoBolt logs
totals, a Kafka topology on the embedded broker, and the Kafka tools.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_gust_local import GUST, SOURCE, run  # noqa: E402

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (ERROR|WARN|INFO|DEBUG) +"
                      r"[\w.-]+ (?P<task>\S+:\d+|-) \S.*$")

BAD_NUMBERS = {
    "local": [("--duration", "-1"), ("--duration", "nan"), ("--threads", "0")],
    "demo": [("--duration", "-1"), ("--duration", "nan"), ("--duration", "inf"),
             ("--duration", "1e300"), ("--parallelism", "0"), ("--parallelism", "100000"),
             ("--parallelism", "2x")],
    "kafka-mock": [("--brokers", "0"), ("--brokers", "-3"), ("--brokers", "4294967297"),
                   ("--brokers", "many"), ("--topic", "words:0"), ("--topic", "words:-1"),
                   ("--topic", "words:4294967296"), ("--topic", "words:four")],
    "kafka-console": [("--partition", "-1"), ("--partition", "2147483648"), ("--max", "-1"),
                      ("--max", "1.5"), ("--idle", "-1"), ("--idle", "nan"), ("--idle", "inf")],
    "kill": [("--wait", "-1"), ("--wait", "soon"), ("--wait", "2147483648")],
    "rebalance": [("--wait", "-1"), ("--num-workers", "0"), ("--num-workers", "1.5")],
    "monitor": [("--interval", "0"), ("--interval", "nan"), ("--count", "-1")],
}


def tasks_of(stderr, test):
    """The component:task column of every line; fails on a line of another format."""
    columns = []
    for line in stderr.splitlines():
        m = LOG_LINE.match(line)
        test.assertIsNotNone(m, "not in the log format: %r" % line)
        columns.append((m.group("task"), line))
    return columns


class GustCommandLine(unittest.TestCase):
    def test_bad_numbers_are_refused_naming_option_and_value(self):
        flux = os.path.join(SOURCE, "examples", "flux", "wordcount.yaml")
        extra = {"local": [flux], "kafka-console": ["consume", "-b", "127.0.0.1:9", "-t", "t"],
                 "kill": ["wc"], "rebalance": ["wc"], "monitor": ["wc"]}
        for command, cases in BAD_NUMBERS.items():
            for option, value in cases:
                args = [command, "%s=%s" % (option, value), *extra.get(command, [])]
                r = run(*args, timeout=60)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn("%s '%s'" % (option, value), r.stderr, args)
                self.assertEqual(r.stdout, "", args)
                self.assertEqual(len(tasks_of(r.stderr, self)), 1, r.stderr)

    def test_kafka_mock_control_refuses_bad_numbers(self):
        mock = subprocess.Popen([GUST, "kafka-mock", "--brokers", "2", "--control"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertRegex(mock.stdout.readline(), r"^127\.0\.0\.1:\d+,")  # the bootstrap address
            answers = []
            for command in ("down x", "topic t:0", "up 1"):
                mock.stdin.write(command + "\n")
                mock.stdin.flush()
                answers.append(mock.stdout.readline().rstrip("\n"))
        finally:
            mock.terminate()
            _, err = mock.communicate(timeout=60)
        self.assertRegex(answers[0], r"^error: broker 'x' is not a whole number from 1 ")
        self.assertRegex(answers[1], r"^error: topic 't:0': the partition count '0' ")
        self.assertEqual(answers[2], "ok")
        self.assertEqual(mock.returncode, 0, err)
        tasks_of(err, self)

    def test_every_line_of_a_multilang_run_has_the_log_format(self):
        r = run("local", os.path.join(SOURCE, "examples", "flux", "shell", "python_wordcount.yaml"),
                "--duration", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        columns = tasks_of(r.stderr, self)
        # the children's log commands and LogInfoBolt's lines name their task
        shell_logs = [t for t, line in columns if "ShellLog pid:" in line]
        self.assertTrue(shell_logs, r.stderr)
        self.assertTrue(all(re.fullmatch(r"count:\d+", t) for t in shell_logs), shell_logs)
        totals = [t for t, line in columns if "stream: totals" in line]
        self.assertTrue(totals, r.stderr)
        self.assertTrue(all(re.fullmatch(r"log:\d+", t) for t in totals), totals)
        launched = [t for t, line in columns if "launched subprocess" in line]
        self.assertEqual(len(launched), 5, r.stderr)
        self.assertNotIn("-", launched)

    def test_kafka_lines_have_the_log_format(self):
        env = dict(os.environ, KAFKA_BOOTSTRAP="embedded")
        r = subprocess.run([GUST, "local", "--env-filter", "--duration", "2",
                            os.path.join(SOURCE, "examples", "flux", "shell", "kafka_spout.yaml")],
                           capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        spout = [t for t, line in tasks_of(r.stderr, self) if "kafka spout 'kafka-spout'" in line]
        self.assertTrue(spout, r.stderr)
        self.assertTrue(all(re.fullmatch(r"kafka-spout:\d+", t) for t in spout), spout)

        with tempfile.TemporaryDirectory() as d:
            address = os.path.join(d, "bootstrap")
            mock = subprocess.Popen([GUST, "kafka-mock", "--topic", "words:2", "--bootstrap-file", address],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                bootstrap = mock.stdout.readline().strip()
                self.assertRegex(bootstrap, r"^127\.0\.0\.1:\d+$")
                p = subprocess.run([GUST, "kafka-console", "produce", "-b", bootstrap, "-t", "words"],
                                   input="k\tone\ntwo\n", capture_output=True, text=True, timeout=60)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("produced 2 record(s) to words", p.stderr)
                tasks_of(p.stderr, self)
                c = subprocess.run([GUST, "kafka-console", "consume", "-b", bootstrap, "-t", "words",
                                    "--max", "2"], capture_output=True, text=True, timeout=60)
                self.assertEqual(c.returncode, 0, c.stderr)
                self.assertEqual(sorted(line.split("\t")[3] for line in c.stdout.splitlines()), ["one", "two"])
                tasks_of(c.stderr, self)
            finally:
                mock.terminate()
                _, err = mock.communicate(timeout=60)
            self.assertEqual(mock.returncode, 0, err)
            self.assertIn("stopped", err)
            tasks_of(err, self)

        d = run("demo", "--duration", "0.5", "--parallelism", "1")
        self.assertEqual(d.returncode, 0, d.stderr)
        self.assertIn("counted", d.stdout)
        tasks_of(d.stderr, self)


if __name__ == "__main__":
    unittest.main(verbosity=2)
