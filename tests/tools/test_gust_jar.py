"""`gust jar --local` as a user runs it: real JVMs running real jars.

The Java WordCount example runs and every sentence it emitted is acked and
counted; a user's own class and every kind of engine value reach a Java bolt
as the spout sent them; a JVM that exits, halts, runs out of memory, or hangs
past topology.subprocess.timeout.secs (then killed) is started again, its
in-flight tuples fail and the topology goes on; a Java spout sitting at
topology.max.spout.pending whose JVM is killed emits again as soon as its
new instance opens (the dead instance's pending messages went with it),
well before the message timeout; resetTimeout keeps a slow
tuple tree from timing out in acker mode; acking trees that cross Java and multilang tasks ack and fail the
right messages in both reliability modes, and an exception thrown by a
Java bolt is reported with its component, task and Java stack trace; mains
that do not submit a topology, or throw, end the command with an error.
Timing never decides a result: the checks compare what the spout emitted
with what was acked, failed and counted, whatever the run managed (the
killed spout's bound, 60 s against a 300 s message timeout, only tells a
stall from progress).
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from run_summary import summary

SOURCE = os.environ.get("GUST_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")
EXAMPLES_JAR = os.path.join(BUILD, "examples", "java", "gust-java-examples.jar")
TESTS_JAR = os.path.join(BUILD, "tests", "java", "gust-java-tests.jar")
RESOURCES = os.path.join(SOURCE, "examples", "flux", "shell", "resources")
# A spout outside the JVM (gust's multilang host): 0, 1, 2, ... each its own
# message id; which were acked and which failed go to the file argv[1].
NUMBERS_SPOUT = """import sys
sys.path.insert(0, %r)
import multilang
record = open(sys.argv[1], "a", buffering=1)
n = [0]
def next_tuple():
    multilang.emit([n[0]], id=n[0])
    n[0] += 1
multilang.run_spout(next_tuple, ack=lambda i: record.write("acked %%s\\n" %% i),
                    fail=lambda i: record.write("failed %%s\\n" %% i))
"""
# The hold bolt of SpoutJvmKillTopology: the first spout instance's tuples
# wait unacked until a later instance's tuple comes; then all are acked.
HOLD_BOLT = """import sys
sys.path.insert(0, %r)
import multilang
held = []
def process(t):
    if t.values[0] == "first":
        held.append(t.id)
        return
    for i in held:
        multilang.ack(i)
    del held[:]
    multilang.ack(t.id)
multilang.run_bolt(process, auto_ack=False)
"""
RELAY = ("import sys; sys.path.insert(0, %r); import multilang; "
         "multilang.run_bolt(lambda t: multilang.emit([t.values[0]]))" % RESOURCES)


def gust_jar(*args, timeout=300):
    return subprocess.run([GUST, "jar", *args], capture_output=True, text=True, timeout=timeout)


def id_set(stdout, what):
    m = re.search(r"^numbers %s \[([0-9, ]*)\]$" % what, stdout, re.M)
    assert m, "no '%s' line in:\n%s" % (what, stdout)
    return {int(x) for x in m.group(1).split(",") if x.strip()}


class GustJarTest(unittest.TestCase):
    def test_java_wordcount_counts_every_word_of_every_acked_sentence(self):
        r = gust_jar("--local", EXAMPLES_JAR, "gust.examples.WordCountTopology", "3000",
                     "--local-ttl", "6")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"^sentence spout: emitted (\d+) acked (\d+) failed (\d+)$", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        emitted, acked, failed = map(int, m.groups())
        self.assertGreater(emitted, 0)
        self.assertEqual((acked, failed), (emitted, 0))
        totals = [int(t) for t in re.findall(r"^count count:\d+: total (\d+) distinct \d+$",
                                             r.stdout, re.M)]
        self.assertEqual(len(totals), 2, r.stdout)
        self.assertEqual(sum(totals), 7 * emitted)  # seven words a sentence
        rows = summary(r.stdout)
        self.assertEqual(rows["sentences"]["acked"], emitted)
        self.assertEqual(rows["count"]["acked"], 7 * emitted)
        self.assertEqual(rows["split"]["emitted"], 7 * emitted)
        # the tick-driven report went through SLF4J
        self.assertRegex(r.stderr, r"CountBolt - count:\d+: \d+ words, \d+ distinct")

    def check_exclamation(self, *mode):
        r = gust_jar("--local", EXAMPLES_JAR, "gust.examples.ExclamationTopology", "500", *mode,
                     "--local-ttl", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"^word spout: emitted (\d+) acked (\d+) failed (\d+)$", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        self.assertEqual(tuple(map(int, m.groups())), (500, 500, 0))
        # every word went through both bolts, each appending "!!!"
        made = re.findall(r"^exclaimed (\S+)$", r.stdout, re.M)
        self.assertEqual(len(made), 500)
        made_full = re.findall(r"^exclaimed ([a-z]+!!!!!!)$", r.stdout, re.M)
        self.assertEqual(len(made_full), 500, r.stdout[-2000:])
        rows = summary(r.stdout)
        for component in ("exclaim1", "exclaim2"):
            self.assertEqual((rows[component]["acked"], rows[component]["failed"]), (500, 0))
        self.assertEqual(rows["word"]["acked"], 500)

    def test_java_exclamation_chain_acks_each_word_after_both_bolts(self):
        self.check_exclamation()

    def test_java_exclamation_chain_in_acker_mode(self):
        self.check_exclamation("acker")

    def check_ack_fail(self, reliability, relay):
        args = ["--local", TESTS_JAR, "gust.tests.AckFailTopology", "200", reliability]
        if relay:
            args += ["python3", "-c", RELAY]
        r = gust_jar(*args, "--local-ttl", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        emitted = int(re.search(r"^numbers emitted (\d+)$", r.stdout, re.M).group(1))
        self.assertGreater(emitted, 0)
        acked, failed = id_set(r.stdout, "acked"), id_set(r.stdout, "failed")
        self.assertEqual(acked & failed, set())
        self.assertEqual(acked | failed, set(range(emitted)))
        self.assertEqual(failed, {n for n in range(emitted) if n % 5 == 0 or n % 7 == 0 or n % 11 == 0})
        rows = summary(r.stdout)
        self.assertEqual(rows["numbers"]["acked"], len(acked))
        self.assertEqual(rows["numbers"]["failed"], len(failed))
        booms = [n for n in range(emitted) if n % 11 == 0 and n % 5 and n % 7]
        self.assertEqual(rows["sink"]["errors"], len(booms))
        # the exception: component, task, message and the Java stack trace
        self.assertRegex(r.stderr, r"sink \(task \d+\) reported an error: execute threw "
                                   r"java.lang.IllegalStateException: boom at \d+\n"
                                   r"\s+at gust.tests.AckFailTopology\$Sink.execute")
        return r

    def test_acking_tree_across_java_and_multilang_in_acker_mode(self):
        self.check_ack_fail("acker", relay=True)

    def test_acking_tree_across_java_and_multilang_in_checkpoint_mode(self):
        self.check_ack_fail("checkpoint", relay=True)

    def test_acking_tree_of_java_tasks_only(self):
        self.check_ack_fail("acker", relay=False)

    def test_user_classes_and_engine_values_reach_java_bolts_as_sent(self):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.ValuesTopology", "--local-ttl", "4")
        self.assertEqual(r.returncode, 0, r.stderr)
        checked = re.findall(r"^checked (\d+) (.*)$", r.stdout, re.M)
        self.assertEqual(sorted(int(n) for n, _ in checked), list(range(50)), r.stdout)
        self.assertEqual({verdict for _, verdict in checked}, {"ok"}, r.stdout)
        self.assertEqual(summary(r.stdout)["source"]["acked"], 50)

    def test_one_anchor_emits_skip_the_collection_unless_a_subclass_may_see_them(self):
        api = os.path.join(BUILD, "java", "gust-storm.jar")
        r = subprocess.run(["java", "-cp", api + os.pathsep + TESTS_JAR, "gust.tests.CollectorPaths"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "paths ok"), r.stdout + r.stderr)

    def test_a_spouts_pending_message_ids_table_agrees_with_a_hash_map(self):
        api = os.path.join(BUILD, "java", "gust-storm.jar")
        r = subprocess.run(["java", "-cp", api + os.pathsep + TESTS_JAR, "gust.jvm.PendingMessagesCheck"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "pending ok"), r.stdout + r.stderr)

    def test_the_wire_reads_back_what_it_wrote_through_the_string_cache(self):
        api = os.path.join(BUILD, "java", "gust-storm.jar")
        r = subprocess.run(["java", "-cp", api + os.pathsep + TESTS_JAR, "gust.jvm.WireCheck"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "wire ok"), r.stdout + r.stderr)

    def test_storm_testing_components_ticks_and_a_sleeping_spout(self):
        # TestWordSpout sleeps 100 ms in every nextTuple
        r = gust_jar("--local", TESTS_JAR, "gust.tests.StormTestingTopology", "--local-ttl", "4")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"^report ticks (\d+) tuples (\d+) metric (\d+) highest \{(.*)\}$", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        ticks, tuples, metric = int(m.group(1)), int(m.group(2)), int(m.group(3))
        self.assertGreater(ticks, 0)
        self.assertGreater(tuples, 0)
        self.assertEqual(metric, tuples)
        highest = dict(kv.split("=") for kv in m.group(4).split(", "))
        self.assertLessEqual(set(highest), {"nathan", "mike", "jackson", "golda", "bertels"})
        self.assertEqual(sum(int(v) for v in highest.values()), tuples)  # the counters' last counts
        rows = summary(r.stdout)
        self.assertEqual(rows["words"]["emitted"], tuples)
        m = re.search(r"^report last word (\w+) mean count is a number (\w+)$", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        self.assertIn(m.group(1), highest)
        self.assertEqual(m.group(2), "true")
        self.assertIn("report v2 counter %d histogram %d meter %d timer %d" % (tuples, tuples, tuples, tuples),
                      r.stdout)
        # Storm's hash of a key list (Arrays.deepHashCode of ["a", 1L]: 31 * (31 + 97) + 1)
        self.assertIn("report streams {highest=[word, count]} key index %d" % ((31 * (31 + 97) + 1) % 5), r.stdout)
        # a metrics consumer registered as on Storm: recorded, not run, and said so
        honoured = re.search(r"Storm settings gust does not honour \(ignored\): (.*)", r.stderr)
        self.assertIsNotNone(honoured, r.stderr)
        self.assertLessEqual({"topology.metrics.consumer.register", "topology.component.resources.map",
                              "topology.component.cpu.pcore.percent",
                              "topology.component.resources.onheap.memory.mb",
                              "topology.component.resources.offheap.memory.mb"},
                             set(honoured.group(1).split(", ")))

    def test_a_topology_submitted_inactive_runs_with_its_spouts_deactivated(self):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.StormTestingTopology", "inactive", "--local-ttl", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("the topology starts deactivated (SubmitOptions: initial status INACTIVE)", r.stderr)
        m = re.search(r"^report ticks (\d+) tuples (\d+) ", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        self.assertGreater(int(m.group(1)), 0)  # the bolts run (ticks reach them)
        self.assertEqual(int(m.group(2)), 0)  # the spout was never asked for a tuple
        self.assertEqual(summary(r.stdout)["words"]["emitted"], 0)

    def test_lambda_spouts_and_bolts_run(self):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.LambdaTopology", "--local-ttl", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^lambda sink got W\d+ from upper$")  # upper-cased by the bi-consumer
        rows = summary(r.stdout)
        self.assertGreater(rows["words"]["emitted"], 0)
        self.assertGreater(rows["sink"]["executed"], 0)
        self.assertEqual(rows["upper"]["emitted"], rows["upper"]["executed"])

    def test_local_cluster_closed_by_main_stops_the_topology_before_its_ttl(self):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.LocalClusterMain", "2000", "--local-ttl", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("cluster closed", r.stdout)
        self.assertIn("topology 'local-cluster' killed by the main class", r.stderr)
        rows = summary(r.stdout)
        self.assertEqual(rows["counter"]["executed"], rows["words"]["emitted"])

    def check_jvm_failure(self, mode, reliability, symptom, how, jvm_opts=None, ttl=15):
        """The crash bolt makes the JVM fail once (n >= 20); the JVM is
        started again, the Java tasks open again, and the topology goes on
        (ttl: seconds for all that, the restarted JVM's start-up included)."""
        with tempfile.TemporaryDirectory() as tmp:
            record, marker = os.path.join(tmp, "record"), os.path.join(tmp, "marker")
            spout = os.path.join(tmp, "numbers.py")
            with open(spout, "w") as f:
                f.write(NUMBERS_SPOUT % RESOURCES)
            args = ["--local", TESTS_JAR, "gust.tests.JvmFailureTopology", mode, reliability, marker,
                    "python3", spout, record, "--local-ttl", str(ttl)]
            if jvm_opts:
                args += ["--jvm-opts", jvm_opts]
            r = gust_jar(*args)
            with open(record) as f:
                settled = [line.split() for line in f]
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("crash: %s" % mode, r.stdout)
        self.assertRegex(r.stderr, r"Java bolt crash \(task \d+\): %s.*; \d+ in-flight tuple\(s\) "
                                   r"failed; the task opens again" % symptom)
        self.assertRegex(r.stderr, r"the JVM hosting the Java tasks %s[^;\n]*; starting it again"
                                   % re.escape(how))
        self.assertRegex(r.stderr, r"crash \(task \d+\) opened again in the restarted JVM")
        self.assertRegex(r.stderr, r"sink \(task \d+\) opened again in the restarted JVM")
        acked = {int(n) for what, n in settled if what == "acked"}
        failed = {int(n) for what, n in settled if what == "failed"}
        self.assertEqual(acked & failed, set())
        lines = r.stdout.splitlines()
        sunk = {int(l.split()[1]) for l in lines if re.match(r"^sink \d+$", l)}
        self.assertLessEqual(acked, sunk)  # nothing acknowledged is lost
        self.assertNotIn(20, acked)  # the tuple the crash bolt held when its JVM went
        if reliability == "acker":
            self.assertIn(20, failed)
        # the topology goes on: tuples through the restarted JVM's tasks are acked
        restarted = lines.index("crash prepared again")
        after = {int(l.split()[1]) for l in lines[restarted:] if re.match(r"^sink \d+$", l)}
        self.assertGreater(len(after & acked), 0, r.stderr)
        self.assertGreater(min(after & acked), 20)
        rows = summary(r.stdout)
        self.assertEqual(rows["numbers"]["acked"], len(acked))
        return r

    def test_a_jvm_that_calls_system_exit_is_started_again(self):
        self.check_jvm_failure("exit", "acker", "the JVM host is gone", "exited with code 5")

    def test_a_jvm_that_halts_is_started_again_in_checkpoint_mode(self):
        self.check_jvm_failure("halt", "checkpoint", "the JVM host is gone", "exited with code 7")

    def test_a_jvm_that_halts_is_started_again(self):
        self.check_jvm_failure("halt", "acker", "the JVM host is gone", "exited with code 7")

    def test_a_java_task_that_hangs_past_the_subprocess_timeout_gets_its_jvm_killed(self):
        self.check_jvm_failure("hang", "acker",
                               r"the JVM host did not answer within 3000 ms "
                               r"\(topology.subprocess.timeout.secs\); the JVM hung: gust killed it",
                               "was killed by signal 9")

    def test_a_bolt_fed_inside_the_jvm_that_hangs_is_reported_by_the_task_feeding_it(self):
        self.check_jvm_failure("sink-hang", "acker",
                               r"the JVM host did not answer within 3000 ms "
                               r"\(topology.subprocess.timeout.secs\); the JVM hung: gust killed it "
                               r"\(SIGKILL\); crash runs the execute of the bolts it feeds inside the JVM "
                               r"\(sink\): the hang may be theirs",
                               "was killed by signal 9")

    def test_a_jvm_out_of_memory_exits_and_is_started_again(self):
        # filling the heap first takes a few collections: more time, so that a
        # loaded machine still sees tuples through the restarted JVM
        r = self.check_jvm_failure("oom", "acker", "the JVM host is gone",
                                   "exited with code 3 (an OutOfMemoryError", "-Xmx48m -XX:+UseSerialGC",
                                   ttl=25)
        self.assertIn("Terminating due to java.lang.OutOfMemoryError", r.stdout)  # the JVM says so

    def check_spout_jvm_killed(self, reliability, max_pending):
        """The Java spout sits at its max.spout.pending cap (the hold bolt,
        outside the JVM, keeps its tuples), its JVM is killed (SIGKILL),
        and the instance opened in the next JVM emits at once: the dead
        instance's pending messages went with it instead of holding the
        cap for topology.message.timeout.secs (300 s)."""
        with tempfile.TemporaryDirectory() as tmp:
            marker, bolt = os.path.join(tmp, "marker"), os.path.join(tmp, "hold.py")
            with open(bolt, "w") as f:
                f.write(HOLD_BOLT % RESOURCES)
            proc = subprocess.Popen([GUST, "jar", "--local", TESTS_JAR, "gust.tests.SpoutJvmKillTopology",
                                     reliability, str(max_pending), marker, "python3", bolt,
                                     "--local-ttl", "280"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            lines, errors, changed = [], [], threading.Condition()

            def collect(stream, into):
                for line in stream:
                    with changed:
                        into.append((time.monotonic(), line.rstrip("\n")))
                        changed.notify_all()

            readers = [threading.Thread(target=collect, args=(proc.stdout, lines)),
                       threading.Thread(target=collect, args=(proc.stderr, errors))]
            for t in readers:
                t.start()

            def wait_for(pattern, bound_s):
                """The time the first stdout line matching pattern came (None: not within bound_s)."""
                deadline = time.monotonic() + bound_s
                with changed:
                    while True:
                        for at, line in lines:
                            if re.match(pattern, line):
                                return at, line
                        left = deadline - time.monotonic()
                        if left <= 0 or proc.poll() is not None:
                            return None
                        changed.wait(min(left, 1))

            try:
                opened = wait_for(r"^source opened first pid \d+$", 120)
                self.assertIsNotNone(opened, errors)
                at_cap = wait_for(r"^source emitted first:%d$" % (max_pending - 1), 120)
                self.assertIsNotNone(at_cap, errors)
                time.sleep(2)  # at the cap: it emits nothing more
                os.kill(int(opened[1].split()[-1]), signal.SIGKILL)
                killed_at = time.monotonic()
                # a bound far below the message timeout; a hang guard, not a speed test
                progress = wait_for(r"^source acked again:0$", 60)
                self.assertIsNotNone(progress, "no ack for the new instance within 60 s "
                                     "of the kill:\n%s" % "\n".join(l for _, l in errors[-30:]))
                self.assertLess(progress[0] - killed_at, 60)
                print("%s, max.spout.pending %d: the new instance's first ack %.1f s after the kill"
                      % (reliability, max_pending, progress[0] - killed_at), file=sys.stderr)
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=120)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                    for t in readers:
                        t.join()
                    proc.stdout.close()
                    proc.stderr.close()
        out = [l for _, l in lines]
        err = "\n".join(l for _, l in errors)
        self.assertEqual(proc.returncode, 0, err)
        first = [l for l in out if l.startswith("source emitted first:")]
        self.assertEqual(len(first), max_pending)  # it sat at its cap until the kill
        self.assertRegex(err, r"Java spout source \(task \d+\): the JVM host is gone.*; the "
                              r"instance's %d pending message\(s\) are dropped with it" % max_pending)
        self.assertIn("source opened again", "\n".join(out))
        # the held first tuples, acked after the kill, reach no instance
        self.assertEqual([l for l in out if l.startswith("source unknown")], [])
        self.assertEqual([l for l in out if re.match(r"^source (acked|failed) first:", l)], [])
        again = {l.split(":")[1] for l in out if l.startswith("source acked again:")}
        self.assertGreater(len(again), 0)
        rows = summary("\n".join(out))
        self.assertEqual(rows["source"]["acked"], len(again))
        self.assertGreaterEqual(rows["source"]["failed"], max_pending)  # the dropped ones

    def test_a_spout_at_max_pending_whose_jvm_is_killed_goes_on_at_once(self):
        self.check_spout_jvm_killed("acker", 1)

    def test_a_spout_at_max_pending_whose_jvm_is_killed_goes_on_at_once_with_ten_pending(self):
        self.check_spout_jvm_killed("acker", 10)

    def test_a_spout_at_max_pending_whose_jvm_is_killed_goes_on_at_once_in_checkpoint_mode(self):
        self.check_spout_jvm_killed("checkpoint", 10)

    def reset_timeout_run(self, mode, reliability):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.ResetTimeoutTopology", mode, reliability,
                     "--local-ttl", "16")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("numbers emitted 5", r.stdout)
        return r, id_set(r.stdout, "acked"), id_set(r.stdout, "failed")

    def test_reset_timeout_keeps_a_slow_but_alive_tree_from_timing_out_in_acker_mode(self):
        # the bolt holds each tuple ten ticks (about 10 s) past a 6 s message timeout
        r, acked, failed = self.reset_timeout_run("reset", "acker")
        self.assertEqual((acked, failed), (set(range(5)), set()), r.stderr)
        # the same without resetTimeout times out: the test can fail
        r, acked, failed = self.reset_timeout_run("noreset", "acker")
        self.assertEqual((acked, failed), (set(), set(range(5))), r.stderr)

    def test_reset_timeout_is_harmless_in_checkpoint_mode(self):
        r, acked, failed = self.reset_timeout_run("reset", "checkpoint")
        self.assertEqual(acked | failed, set(range(5)))
        self.assertEqual(acked & failed, set())
        self.assertEqual(summary(r.stdout)["slow"]["errors"], 0, r.stderr)

    def check_task_ids(self, reliability):
        """Every list an emit returned names exactly the tasks that got the
        tuple (checked for the messages acked, whose tuples all arrived)."""
        r = gust_jar("--local", TESTS_JAR, "gust.tests.TaskIdsTopology", "40", reliability,
                     "--local-ttl", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        tasks = {c: [int(t) for t in ids.split(", ")]
                 for c, ids in re.findall(r"^tasks (\w+) \[([0-9, ]*)\]$", out, re.M)}
        sent = {(c, s, int(n)): [int(t) for t in ids.split(", ") if t]
                for c, s, n, ids in re.findall(r"^sent (\w+) (\w+) (\d+) \[([0-9, ]*)\]$", out, re.M)}
        got = {}
        for comp, task, source, stream, n in re.findall(r"^got (\w+) (\d+) (\w+):(\w+) (\d+)$", out, re.M):
            self.assertIn(int(task), tasks[comp])
            got.setdefault((source, stream, int(n)), []).append(int(task))
        acked = id_set(out.replace("source acked", "numbers acked"), "acked")
        self.assertEqual(acked, set(range(40)), r.stderr)
        keys = {}
        for n in range(40):
            ids = sent[("source", "default", n)]
            self.assertEqual(sorted(ids), sorted(got[("source", "default", n)]), n)
            # fields: one byfield task, the same for the same key; all: every toall task
            (by_key,) = set(ids) & set(tasks["byfield"])
            self.assertEqual(keys.setdefault(n % 5, by_key), by_key)
            self.assertLessEqual(set(tasks["toall"]), set(ids))
            self.assertEqual(len(set(ids) & set(tasks["relay"])), 1)
            self.assertEqual(ids.count(by_key), 1)
            if n:  # the lists of call 0 are read in call 1 (below)
                self.assertEqual(sent[("source", "nobody", n)], [])  # no subscriber
                self.assertEqual(sent[("source", "single", n)], [min(tasks["global"])])
            self.assertEqual(got[("source", "single", n)], [min(tasks["global"])])
            # a bolt's anchored emit: partial key, local-or-shuffle and none groupings
            relayed = sent[("relay", "default", n)]
            self.assertEqual(sorted(relayed), sorted(got[("relay", "default", n)]), n)
            self.assertEqual([len(set(relayed) & set(tasks[c])) for c in ("partial", "local", "none")],
                             [1, 1, 1])
        # the unread list emitted as a value reached the reporter resolved
        reports = {int(n): [int(t) for t in ids.split(", ") if t]
                   for n, ids in re.findall(r"^report (\d+) \[([0-9, ]*)\]$", out, re.M)}
        self.assertEqual({n for n in reports if n < 1000}, set(range(40)))
        # each one after an emit on the same stream with the same anchor
        self.assertEqual({n: ids for n, ids in reports.items() if n >= 2000},
                         {2000 + n: [] for n in range(40)})
        reports = {n: ids for n, ids in reports.items() if n < 2000}
        for n, ids in reports.items():
            emit = ("relay", "default", n) if n < 1000 else ("relay", "side", n - 1000)
            if emit in sent:  # the bolt's other thread prints after emitting the report
                self.assertEqual(ids, sent[emit])
        self.assertGreater(len([n for n in reports if n >= 1000]), 0)
        # emits on another thread of the bolt, their lists read there
        side = {n: ids for (c, s, n), ids in sent.items() if (c, s) == ("relay", "side")}
        self.assertGreater(len(side), 0)
        for n, ids in side.items():
            self.assertEqual(len(ids), 1)
            self.assertIn(ids[0], tasks["sidesink"])
            if ("relay", "side", n) in got:
                self.assertEqual(got[("relay", "side", n)], ids)
        # an emit anchored to a null tuple throws, and writes nothing
        self.assertIn("null anchor refused\n", out)
        self.assertNotIn("null anchor taken", out)
        # a list read in a later call than its emit's says why it is unknown
        self.assertRegex(out, r"late the task ids of an emit of source:\d+ are unknown: its call "
                              r"was answered before it was read")
        # an emit on a stream nobody subscribes to is known to reach nobody at once
        self.assertIn("late nobody 0\n", out)
        # never sent to gust, yet counted: 40 emits on each of default, nobody and single
        self.assertEqual(summary(out)["source"]["emitted"], 120, out)
        self.assertEqual(summary(out)["source"]["errors"], 0, r.stderr)

    def check_local_routes(self, reliability, local, variant="plain", ttl=5):
        """LocalRoutesTopology: relay -> sink (fields) and tally (shuffle), all
        Java; routed in the JVM unless local is "false".  Either way every
        spout tuple is settled as its tree says: failed when sink failed or
        threw on its copy, else acked once both consumers acked (sink's held
        tuples only on its next tick); the statistics count what each
        component did."""
        args = ["--local", TESTS_JAR, "gust.tests.LocalRoutesTopology", "2000", reliability,
                local or "true", variant]
        r = gust_jar(*args, "--local-ttl", str(ttl))
        self.assertEqual(r.returncode, 0, r.stderr)
        fed = "mid, sink, tally" if variant == "chain" else "sink, tally"
        routed_in_jvm = re.search(r"Java bolts fed inside the JVM \(local routes\): %s$" % fed,
                                  r.stderr, re.M)
        self.assertEqual(routed_in_jvm is not None, local != "false", r.stderr[-3000:])
        emitted = int(re.search(r"^numbers emitted (\d+)$", r.stdout, re.M).group(1))
        self.assertEqual(emitted, 2000)
        acked, failed = id_set(r.stdout, "acked"), id_set(r.stdout, "failed")
        expected_failed = {n for n in range(emitted)
                           if n % 5 == 0 or n % 11 == 0 or (variant == "keep" and n % 7 == 0)}
        self.assertEqual(failed, expected_failed)
        self.assertEqual(acked, set(range(emitted)) - expected_failed)
        self.assertNotIn("bad receivers", r.stdout)
        # TopologyContext's view of the subscriptions (tally's given as a Thrift Grouping)
        feeder = {"chain": "mid", "cycle": "ping"}.get(variant, "relay")
        if variant != "cycle":
            self.assertIn("%s targets {default>sink=fields[key], default>tally=shuffle}" % feeder, r.stdout)
        self.assertIn("tally sources {%s:default=shuffle}" % feeder, r.stdout)
        self.assertIn("sink input fields {%s={default=[n, key]%s}}"
                      % (feeder, ", out=[n, key]" if variant == "cycle" else ""), r.stdout)
        if variant == "chain":
            self.assertIn("relay targets {default>mid=shuffle}", r.stdout)
        # the fields grouping: each key went to one sink task, every key somewhere
        keys = [set(map(int, re.findall(r"\d+", k)))
                for k in re.findall(r"^sink task \d+ keys \[(.*)\]$", r.stdout, re.M)]
        self.assertEqual(len(keys), 3, r.stdout)
        self.assertEqual(sorted(k for ks in keys for k in ks), list(range(13)))
        tallies = re.findall(r"^tally task \d+ counted (\d+)$", r.stdout, re.M)
        self.assertEqual(sum(map(int, tallies)), emitted)
        rows = summary(r.stdout)
        self.assertEqual((rows["relay"]["emitted"], rows["relay"]["failed"]), (emitted, 0))
        if variant == "chain":
            self.assertEqual((rows["mid"]["executed"], rows["mid"]["emitted"], rows["mid"]["acked"],
                              rows["mid"]["failed"]), (emitted, emitted, emitted, 0))
        kept = {n for n in range(emitted) if variant == "keep" and n % 7 == 0 and n % 5 and n % 11}
        # an ack of relay whose local tree never completes stays with it (counted when it goes)
        self.assertEqual(rows["relay"]["acked"], emitted - len(kept))
        self.assertEqual((rows["sink"]["acked"], rows["sink"]["failed"]),
                         (len(acked), len(expected_failed) - len(kept)))
        self.assertGreaterEqual(rows["sink"]["executed"], emitted)  # and its ticks
        self.assertEqual((rows["tally"]["executed"], rows["tally"]["acked"]), (emitted, emitted))
        booms = [n for n in range(emitted) if n % 11 == 0 and n % 5]
        self.assertEqual(rows["sink"]["errors"], len(booms))
        self.assertRegex(r.stderr, r"sink \(task \d+\) reported an error: execute threw "
                                   r"java.lang.IllegalStateException: boom at \d+\n"
                                   r"\s+at gust.tests.LocalRoutesTopology\$Sink.execute")
        self.assertEqual((rows["numbers"]["acked"], rows["numbers"]["failed"]),
                         (len(acked), len(failed)))
        return r

    def test_local_routes_settle_spout_tuples_as_their_trees_say_in_checkpoint_mode(self):
        self.check_local_routes("checkpoint", None)

    def test_local_routes_settle_spout_tuples_as_their_trees_say_in_acker_mode(self):
        self.check_local_routes("acker", None)

    def test_local_routes_carry_what_a_bolt_emits_and_acks_from_its_own_thread(self):
        self.check_local_routes("checkpoint", None, "thread")

    def test_a_chain_of_bolts_fed_inside_the_jvm_settles_spout_tuples_as_their_trees_say(self):
        self.check_local_routes("acker", None, "chain")
        self.check_local_routes("checkpoint", None, "chain")

    def test_a_loop_of_java_bolts_stays_routed_by_gust_and_feeds_bolts_inside_the_jvm(self):
        r = self.check_local_routes("acker", None, "cycle")
        rows = summary(r.stdout)
        for loop in ("ping", "pong"):
            self.assertEqual(rows[loop]["failed"], 0)
        self.assertEqual(rows["ping"]["executed"], 4000)  # each tuple twice: from relay, from pong
        self.assertEqual(rows["pong"]["executed"], 2000)

    def test_a_tuple_a_local_consumer_never_acks_fails_its_spout_tuple_by_timeout(self):
        self.check_local_routes("acker", None, "keep", ttl=8)

    def test_the_same_topology_routed_through_gust_settles_the_same_tuples(self):
        self.check_local_routes("acker", "false")
        self.check_local_routes("checkpoint", "false")

    def check_task_hooks(self, reliability):
        """TaskHooksTopology: a hook from topology.auto.task.hooks on every task
        and one the gate bolt adds in prepare hear every emit (with the tasks
        it went to), execute, ack and fail of their task, and the spout's
        acks and fails."""
        r = gust_jar("--local", TESTS_JAR, "gust.tests.TaskHooksTopology", "500", reliability,
                     "--local-ttl", "4")
        self.assertEqual(r.returncode, 0, r.stderr)
        heard = {}
        for kind, component, counts in re.findall(r"^hook (\w+) (\w+):\d+ (.*)$", r.stdout, re.M):
            numbers = dict(zip(counts.split()[::2], map(int, counts.split()[1::2])))
            total = heard.setdefault((kind, component), {})
            for k, v in numbers.items():
                total[k] = total.get(k, 0) + v
        self.assertEqual(sorted(heard), [("added", "gate"), ("auto", "gate"), ("auto", "numbers"),
                                         ("auto", "sink")], r.stdout)
        failed = len(id_set(r.stdout, "failed"))
        self.assertEqual(failed, 100)
        self.assertEqual(heard[("auto", "numbers")],
                         dict(emit=500, execute=0, ack=0, fail=0, spoutAck=400, spoutFail=100, badEmit=0))
        for kind in ("auto", "added"):
            self.assertEqual(heard[(kind, "gate")],
                             dict(emit=400, execute=500, ack=400, fail=100, spoutAck=0, spoutFail=0, badEmit=0))
        self.assertEqual(heard[("auto", "sink")],
                         dict(emit=0, execute=400, ack=400, fail=0, spoutAck=0, spoutFail=0, badEmit=0))

    def test_task_hooks_hear_what_their_tasks_do_in_checkpoint_mode(self):
        self.check_task_hooks("checkpoint")

    def test_task_hooks_hear_what_their_tasks_do_in_acker_mode(self):
        self.check_task_hooks("acker")

    def test_emits_return_the_task_ids_of_every_grouping_in_acker_mode(self):
        self.check_task_ids("acker")

    def test_emits_return_the_task_ids_of_every_grouping_in_checkpoint_mode(self):
        self.check_task_ids("checkpoint")

    def test_main_without_a_submission_fails(self):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.BadMains$NoSubmit")
        self.assertEqual(r.returncode, 1)
        self.assertIn("main ran", r.stdout)
        self.assertIn("returned without submitting a topology", r.stderr)

    def test_main_that_throws_fails_with_its_exception(self):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.BadMains$Throws")
        self.assertEqual(r.returncode, 1)
        self.assertIn("IllegalArgumentException: no topology today", r.stderr)

    def test_unknown_main_class_and_missing_jar_are_named(self):
        r = gust_jar("--local", TESTS_JAR, "gust.tests.Nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot run gust.tests.Nope", r.stderr)
        r = gust_jar("--local", "/nonexistent/topology.jar", "Main")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent/topology.jar: no such jar", r.stderr)


if __name__ == "__main__":
    unittest.main()
