"""`gust local --checkpoint-dir` when checkpoints or their storage go wrong.

A checkpoint that cannot be resumed from never turns into a fresh start
with exit 0: component bytes that fail their reader behind valid checksums,
task indexes at or beyond the recorded parallelism, another topology's
checkpoint (refused; accepted with --allow-non-restored-state).  A stray
chk-<huge> folder is ignored.  A checkpoint directory that is unwritable at
start fails the start; one that breaks or fills up mid-run makes the stop
retry its final checkpoint a bounded number of times, then fail with one
clear error and a non-zero exit, without a tight loop (counted in log
lines, not time).

The native WordCount runs from a Flux file written here, naming its
library by absolute path; its checkpoints are edited with valid checksums
(re-signed as gust signs them) to reach the readers behind them.
"""
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
GUST = os.path.abspath(os.path.join(BUILD, "tools", "gust"))
LIBRARY = os.path.abspath(os.path.join(BUILD, "examples", "native", "libwordcount.so"))
FINAL_ATTEMPTS = 2

FLUX = """name: "{name}"
config:
  topology.max.spout.pending: 5000
  topology.gust.checkpoint.interval.ms: 300
  topology.gust.checkpoint.final.attempts: {attempts}
  topology.gust.restart.delay.ms: 10
spouts:
  - id: "sentences"
    className: "native:{lib}:sentence_spout_def"
    parallelism: 1
bolts:
  - id: "split"
    className: "native:{lib}:split_bolt_def"
    parallelism: 2
  - id: "{count}"
    className: "native:{lib}:count_bolt_def"
    parallelism: 2
streams:
  - from: "sentences"
    to: "split"
    grouping:
      type: SHUFFLE
  - from: "split"
    to: "{count}"
    grouping:
      type: FIELDS
      args: ["word"]
"""

INTEGRITY = "\n[integrity]\nsha256="


def sign(body):
    return body + INTEGRITY + hashlib.sha256(body.encode()).hexdigest() + "\n"


def read(path):
    with open(path) as f:
        return f.read()


def metadata_body(chk):
    text = read(os.path.join(chk, "_metadata"))
    return text[:text.rindex(INTEGRITY)]


def write_metadata(chk, body):
    with open(os.path.join(chk, "_metadata"), "w") as f:
        f.write(sign(body))


def task_section(body, task):
    start = body.index("[task %d]\n" % task)
    end = body.find("\n[", start + 1)
    return start, len(body) if end < 0 else end


def task_number(body, name):
    """The [task n] group whose name is `name`."""
    return int(re.search(r"\[task (\d+)\]\nname=%s\n" % re.escape(name), body).group(1))


def replace_state(chk, task, data):
    """Puts `data` in task's state file and re-signs the metadata so that
    every checksum is valid again."""
    with open(os.path.join(chk, "task-%d.state" % task), "wb") as f:
        f.write(data)
    body = metadata_body(chk)
    start, end = task_section(body, task)
    section = re.sub(r"size=\d+", "size=%d" % len(data), body[start:end])
    section = re.sub(r"sha256=[0-9a-f]+", "sha256=" + hashlib.sha256(data).hexdigest(), section)
    body = body[:start] + section + body[end:]
    total = sum(int(s) for s in re.findall(r"^size=(\d+)$", body, re.M))
    write_metadata(chk, re.sub(r"^total_size=\d+$", "total_size=%d" % total, body, flags=re.M))


def listing(d):
    return sorted(os.listdir(d))


def checkpoints(d):
    return sorted((n for n in os.listdir(d) if re.fullmatch(r"chk-[1-9]\d*", n)),
                  key=lambda n: int(n[4:]))


class CheckpointFaults(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gust-ckpt-faults-")
        self.ckpt = os.path.join(self.tmp, "checkpoints")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def flux(self, name="wordcount", count="count"):
        path = os.path.join(self.tmp, "%s-%s.yaml" % (name, count))
        with open(path, "w") as f:
            f.write(FLUX.format(name=name, count=count, lib=LIBRARY, attempts=FINAL_ATTEMPTS))
        return path

    def local(self, flux, *extra, duration="1.5", ckpt=None, timeout=120):
        return subprocess.run([GUST, "local", flux, "--duration", duration, "--checkpoint-dir",
                               ckpt or self.ckpt, *extra],
                              capture_output=True, text=True, timeout=timeout)

    def run_ok(self, flux, *extra):
        r = self.local(flux, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def newest(self):
        return os.path.join(self.ckpt, checkpoints(self.ckpt)[-1])

    # ---- item: no silent state loss on restore ----

    def test_component_bytes_failing_their_reader_stop_the_run_and_nothing_is_deleted(self):
        flux = self.flux()
        self.run_ok(flux)
        chk = self.newest()
        # split[0]'s task frame says 1000 component bytes follow; none do
        task = task_number(metadata_body(chk), "split[0]")
        replace_state(chk, task, b"GUSTBLT1" + (1000).to_bytes(8, "little"))
        before = listing(self.ckpt)
        r = self.local(flux, duration="20")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"cannot resume from checkpoint %s \(%s\): task split\[0\] failed"
                         % (chk[chk.rindex("-") + 1:], re.escape(chk)))
        self.assertIn("cut short", r.stderr)
        self.assertIn("nothing was deleted", r.stderr)
        self.assertEqual(listing(self.ckpt), before)  # no newer checkpoint, no older one deleted

    def test_task_indexes_beyond_the_parallelism_fall_back_and_say_so(self):
        flux = self.flux()
        self.run_ok(flux)
        self.run_ok(flux)  # at least two complete checkpoints now
        names = checkpoints(self.ckpt)
        self.assertGreaterEqual(len(names), 2)
        newest, previous = names[-1][4:], names[-2][4:]
        pristine = self.ckpt + ".pristine"
        shutil.copytree(self.ckpt, pristine)
        for bad_name in ("count[2147483647]", "count[99999999]", "count[-1]", "count[01]",
                         "count[18446744073709551617]"):
            with self.subTest(name=bad_name):
                shutil.rmtree(self.ckpt)
                shutil.copytree(pristine, self.ckpt)
                chk = os.path.join(self.ckpt, "chk-" + newest)
                body = metadata_body(chk)
                write_metadata(chk, body.replace("name=count[1]\n", "name=%s\n" % bad_name))
                r = self.local(flux, duration="0.5")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("checkpoint %s is unusable" % newest, r.stderr)
                self.assertIn(bad_name, r.stderr)
                self.assertIn("resumes from checkpoint %s " % previous, r.stderr)

    def test_every_complete_checkpoint_damaged_stops_the_run(self):
        flux = self.flux()
        self.run_ok(flux)
        for name in checkpoints(self.ckpt):
            chk = os.path.join(self.ckpt, name)
            write_metadata(chk, metadata_body(chk).replace("name=count[1]\n", "name=count[5]\n"))
        before = listing(self.ckpt)
        r = self.local(flux)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("no intact checkpoint", r.stderr)
        self.assertIn("count[5]", r.stderr)
        self.assertEqual(listing(self.ckpt), before)

    def test_another_topologys_checkpoint_is_refused_unless_allowed(self):
        self.run_ok(self.flux(name="first"))
        before = listing(self.ckpt)
        for flux, what in ((self.flux(name="second"), "was written by topology 'first'"),
                           (self.flux(name="first", count="tally"), "lacks: count")):
            with self.subTest(what=what):
                r = self.local(flux)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn(what, r.stderr)
                self.assertIn("--allow-non-restored-state", r.stderr)
                self.assertEqual(listing(self.ckpt), before)
        newest = checkpoints(self.ckpt)[-1]
        r = self.local(self.flux(name="second"), "--allow-non-restored-state")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resuming topology 'second' from it anyway", r.stderr)
        self.assertIn("resumes from checkpoint %s " % newest[4:], r.stderr)

    def test_a_stray_huge_checkpoint_folder_is_ignored(self):
        flux = self.flux()
        self.run_ok(flux)
        newest = int(checkpoints(self.ckpt)[-1][4:])
        strays = ["chk-18446744073709551615", "chk-99999999999999999999", "chk-007"]
        for s in strays:
            os.mkdir(os.path.join(self.ckpt, s))
        r = self.local(flux)
        self.assertEqual(r.returncode, 0, r.stderr)
        for s in strays:
            self.assertIn("ignoring %s: not a checkpoint" % os.path.join(self.ckpt, s), r.stderr)
            self.assertTrue(os.path.isdir(os.path.join(self.ckpt, s)))
        self.assertIn("resumes from checkpoint %d " % newest, r.stderr)
        self.assertGreater(int(checkpoints(self.ckpt)[-1][4:]), newest)  # numbering went on

    def test_an_implausibly_high_checkpoint_id_is_refused_at_start(self):
        os.makedirs(os.path.join(self.ckpt, "chk-9007199254740990"))
        r = self.local(self.flux())
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("chk-9007199254740990: checkpoint id implausibly high", r.stderr)

    # ---- item: storage faults ----

    def test_an_unwritable_checkpoint_dir_fails_at_start(self):
        blocker = os.path.join(self.tmp, "a-file")
        with open(blocker, "w") as f:
            f.write("x")
        r = self.local(self.flux(), ckpt=os.path.join(blocker, "checkpoints"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cannot create checkpoint directory %s/checkpoints" % blocker, r.stderr)
        self.assertNotIn("running topology", r.stderr)

    def assert_stop_fails_once_without_a_tight_loop(self, stderr, returncode):
        self.assertEqual(returncode, 1, stderr)
        lines = stderr.splitlines()
        stop = [i for i, l in enumerate(lines) if "stopping (deactivating spouts" in l]
        self.assertEqual(len(stop), 1, stderr)
        failures = [l for l in lines if "stopping failed" in l]
        # the final checkpoint was tried FINAL_ATTEMPTS times, each failure
        # logged once (one more if a periodic one was in flight at the stop)
        after = [l for l in lines[stop[0]:] if "could not be written" in l and l not in failures]
        self.assertGreaterEqual(len(after), FINAL_ATTEMPTS, stderr)
        self.assertLessEqual(len(after), FINAL_ATTEMPTS + 1, stderr)
        self.assertEqual(len(failures), 1, stderr)
        self.assertIn("the final checkpoint failed %d times" % FINAL_ATTEMPTS, failures[0])
        self.assertIn("topology.gust.checkpoint.final.attempts", failures[0])
        self.assertNotIn("tasks:", failures[0])  # not a hang: no task dump
        # one warning per failed checkpoint (+ the spout's), one per interval
        self.assertLess(len(lines), 200, stderr[-3000:])

    def run_until_first_checkpoint_then(self, break_storage, ckpt=None):
        ckpt = ckpt or self.ckpt
        err = open(os.path.join(self.tmp, "stderr"), "w+")
        p = subprocess.Popen([GUST, "local", self.flux(), "--duration", "0", "--checkpoint-dir",
                              ckpt], stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            give_up = time.monotonic() + 60
            while not any(os.path.exists(os.path.join(ckpt, n, "_metadata"))
                          for n in (os.listdir(ckpt) if os.path.isdir(ckpt) else [])):
                self.assertIsNone(p.poll(), "gust ended before its first checkpoint")
                self.assertLess(time.monotonic(), give_up, "no checkpoint within 60 s")
                time.sleep(0.05)
            break_storage()
            # wait until a checkpoint has failed, so that the run saw it
            while "could not be written" not in read(err.name):
                self.assertLess(time.monotonic(), give_up, "no checkpoint failed within 60 s")
                time.sleep(0.05)
            p.send_signal(signal.SIGTERM)
            returncode = p.wait(timeout=120)
        finally:
            if p.poll() is None:
                p.kill()
            err.close()
        return read(err.name), returncode

    def test_a_checkpoint_dir_replaced_by_a_file_mid_run_fails_the_stop_once(self):
        def replace():
            os.rename(self.ckpt, self.ckpt + ".old")
            with open(self.ckpt, "w") as f:
                f.write("not a directory")
        stderr, returncode = self.run_until_first_checkpoint_then(replace)
        self.assert_stop_fails_once_without_a_tight_loop(stderr, returncode)
        self.assertIn("Not a directory", stderr)

    def mount_small_tmpfs(self):
        """A 1 MB tmpfs in a private mount namespace, or skip."""
        probe = subprocess.run(["unshare", "-Urm", "sh", "-c",
                                "mount -t tmpfs -o size=1m tmpfs %s" % self.tmp],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest("cannot mount a tmpfs here (unshare -Urm: %s)" % probe.stderr.strip())

    def test_a_full_checkpoint_dir_at_start_fails_at_start(self):
        self.mount_small_tmpfs()
        mnt = os.path.join(self.tmp, "mnt")
        os.mkdir(mnt)
        script = ("mount -t tmpfs -o size=256k tmpfs {m} && mkdir {m}/checkpoints && "
                  "(cat /dev/zero > {m}/fill 2>/dev/null; true) && "
                  "exec {gust} local {flux} --duration 1 --checkpoint-dir {m}/checkpoints"
                  ).format(m=mnt, gust=GUST, flux=self.flux())
        r = subprocess.run(["unshare", "-Urm", "sh", "-c", script], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cannot write in checkpoint directory %s/checkpoints" % mnt, r.stderr)
        self.assertIn("No space left on device", r.stderr)

    def test_a_checkpoint_dir_that_fills_up_mid_run_fails_the_stop_once(self):
        self.mount_small_tmpfs()
        mnt = os.path.join(self.tmp, "mnt")
        os.mkdir(mnt)
        # gust runs in a private mount namespace on a 1 MB tmpfs; the test
        # fills it from inside that namespace once a checkpoint exists
        ckpt = os.path.join(mnt, "checkpoints")
        script = ("mount -t tmpfs -o size=1m tmpfs {m} && exec sh -c '"
                  "{gust} local {flux} --duration 0 --checkpoint-dir {c} 2>{err} & pid=$!; "
                  "trap \"kill -TERM $pid\" TERM; "
                  "until ls {c}/chk-*/_metadata >/dev/null 2>&1; do sleep 0.05; done; "
                  "cat /dev/zero > {m}/fill 2>/dev/null; "
                  "until grep -q \"could not be written\" {err}; do sleep 0.05; done; "
                  "kill -TERM $pid; wait $pid'"
                  ).format(m=mnt, c=ckpt, gust=GUST, flux=self.flux(),
                           err=os.path.join(self.tmp, "stderr"))
        r = subprocess.run(["unshare", "-Urm", "sh", "-c", script], capture_output=True, text=True,
                           timeout=180)
        stderr = read(os.path.join(self.tmp, "stderr"))
        self.assert_stop_fails_once_without_a_tight_loop(stderr, r.returncode)
        self.assertIn("No space left on device", stderr)


if __name__ == "__main__":
    unittest.main()
