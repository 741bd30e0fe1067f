"""No loss across crashes: Kafka -> split -> count -> Kafka under `gust local`
while the harness kills the process with SIGKILL several times and starts it
again on the same checkpoint directory.

Afterwards every input record's effect is in the output topic (each input
sentence carries a unique word, which must come out counted); duplicates
(at-least-once replays) are allowed where a run was killed, but the inputs
produced after the last kill come out exactly once (or once more for each
sentence the final run failed and replayed).  Before the
last start the newest checkpoint's metadata is corrupted: the run must warn
and fall back to the previous complete checkpoint.

Real parts only: `gust kafka-mock` (librdkafka's mock cluster on 127.0.0.1)
in its own process, `gust local` processes, the native WordCount library.
"""
import collections
import glob
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_gust_kafka import GUST, BUILD, KafkaMock, consume, produce, summary, unique  # noqa: E402

WORDCOUNT = os.path.join(os.path.abspath(BUILD), "examples", "native", "libwordcount.so")


def kafka_components(bootstrap, source, target, group, key_field, message_field):
    """The Flux components section of a Kafka -> ... -> Kafka topology in
    storm-kafka-client's shapes: "spoutConfig" reads the value of each
    record of source (group, from the uncommitted offsets); "producerProps",
    "selector" and "mapper" make a KafkaBolt write key_field and
    message_field to target."""
    return """
components:
  - id: "translator"
    className: "org.apache.storm.kafka.spout.OnlyValueRecordTranslator"
  - id: "builder"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder"
    constructorArgs: ["%(bootstrap)s", ["%(source)s"]]
    configMethods:
      - name: "setProp"
        args: ["group.id", "%(group)s"]
      - name: "setFirstPollOffsetStrategy"
        args: [UNCOMMITTED_EARLIEST]
      - name: "setRecordTranslator"
        args: [ref: "translator"]
  - id: "spoutConfig"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig"
    constructorArgs: [ref: "builder"]
  - id: "producerProps"
    className: "java.util.Properties"
    configMethods:
      - {name: "put", args: ["bootstrap.servers", "%(bootstrap)s"]}
  - id: "selector"
    className: "org.apache.storm.kafka.bolt.selector.DefaultTopicSelector"
    constructorArgs: ["%(target)s"]
  - id: "mapper"
    className: "org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper"
    constructorArgs: ["%(key)s", "%(message)s"]
""" % dict(bootstrap=bootstrap, source=source, target=target, group=group, key=key_field,
           message=message_field)


# The bolt "out" (a KafkaBolt) built from kafka_components' beans, as a
# Flux bolts entry.
KAFKA_OUT_BOLT = """  - id: "out"
    className: "org.apache.storm.kafka.bolt.KafkaBolt"
    configMethods:
      - {name: "withProducerProperties", args: [ref: "producerProps"]}
      - {name: "withTopicSelector", args: [ref: "selector"]}
      - {name: "withTupleToKafkaMapper", args: [ref: "mapper"]}
"""


def pipeline_flux(bootstrap, source, target, group):
    return """
name: "no-loss"
%(components)s
config:
  topology.gust.reliability: "checkpoint"
  topology.gust.checkpoint.interval.ms: 200
  topology.message.timeout.secs: 10
  topology.max.spout.pending: 100   # slows the spouts to checkpoint pace: kills land mid-stream
spouts:
  - id: "sentences"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [ref: "spoutConfig"]
    parallelism: 2
bolts:
  - id: "split"
    className: "native:%(lib)s:split_bolt_def"
    parallelism: 2
  - id: "count"
    className: "native:%(lib)s:count_bolt_def"
    parallelism: 2
%(out)sstreams:
  - {from: "sentences", to: "split", grouping: {type: SHUFFLE}}
  - {from: "split", to: "count", grouping: {type: FIELDS, args: ["word"]}}
  - {from: "count", to: "out", grouping: {type: SHUFFLE}}
""" % dict(components=kafka_components(bootstrap, source, target, group, "word", "count"), lib=WORDCOUNT,
           out=KAFKA_OUT_BOLT)


def checkpoint_ids(ckpt):
    """The ids of the complete checkpoints (with their _metadata) in ckpt."""
    return sorted(int(m.split("chk-")[-1].split(os.sep)[0])
                  for m in glob.glob(os.path.join(ckpt, "chk-*", "_metadata")))


def newest_checkpoint(ckpt):
    ids = checkpoint_ids(ckpt)
    return ids[-1] if ids else 0


class NoLoss(unittest.TestCase):
    def test_kills_lose_nothing_and_only_killed_runs_duplicate(self):
        per_round, kills = 3000, 4
        n = per_round * (kills + 1)
        with tempfile.TemporaryDirectory() as d:
            source, target = unique("sentences"), unique("counts")
            mock = KafkaMock(d, [source + ":4", target + ":2"])
            try:
                bootstrap = mock.bootstrap
                flux = os.path.join(d, "no-loss.yaml")
                with open(flux, "w") as f:
                    f.write(pipeline_flux(bootstrap, source, target, unique("group")))
                ckpt = os.path.join(d, "checkpoints")
                cmd = [GUST, "local", flux, "--duration", "0", "--checkpoint-dir", ckpt]
                rng = random.Random(7)
                for k in range(kills):
                    # fresh input for every run, so that each kill lands mid-stream
                    produce(bootstrap, source, ["rec%d the quick brown fox" % i
                                                for i in range(k * per_round, (k + 1) * per_round)])
                    before = newest_checkpoint(ckpt)
                    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    # kill once this run completed a checkpoint, a little later: mid-stream
                    deadline = time.time() + 120  # a hang bound
                    while newest_checkpoint(ckpt) <= before and time.time() < deadline:
                        time.sleep(0.05)
                    self.assertGreater(newest_checkpoint(ckpt), before, "run %d never checkpointed" % k)
                    time.sleep(rng.uniform(0.0, 1.0))
                    p.send_signal(signal.SIGKILL)
                    p.wait(timeout=30)
                produce(bootstrap, source, ["rec%d the quick brown fox" % i
                                            for i in range(kills * per_round, n)])
                complete = sorted(glob.glob(os.path.join(ckpt, "chk-*", "_metadata")),
                                  key=lambda m: int(m.split("chk-")[1].split(os.sep)[0]))
                self.assertGreaterEqual(len(complete), 2, "the runs left fewer than 2 checkpoints")
                with open(complete[-1], "r+b") as m:  # corrupt the newest: fall back
                    m.seek(10)
                    byte = m.read(1)
                    m.seek(10)
                    m.write(bytes([byte[0] ^ 0x5A]))
                err_path = os.path.join(d, "final.err")
                with open(err_path, "w") as err:
                    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
                    words = collections.Counter()
                    deadline = time.time() + 300  # a hang bound: the loop ends when all came
                    wanted = {"rec%d" % i for i in range(n)}
                    while time.time() < deadline:
                        words = collections.Counter(k for _, _, k, _ in consume(bootstrap, target, 1.0))
                        if wanted <= set(words):
                            break
                    p.send_signal(signal.SIGINT)
                    out, _ = p.communicate(timeout=60)
                with open(err_path) as e:
                    stderr = e.read()
                self.assertEqual(p.returncode, 0, stderr[-3000:])
                self.assertIn("is unusable", stderr)       # the corrupt checkpoint was noticed
                self.assertIn("resumes from checkpoint", stderr)
                missing = sorted(wanted - set(words), key=lambda w: int(w[3:]))
                self.assertEqual(missing, [], "lost %d inputs, e.g. %s" % (len(missing), missing[:5]))
                # Duplicates are replays of what a run did past the checkpoint the next
                # run restored, or of what a run failed itself.  The last round's inputs
                # were produced after every kill, so only the final run read them: each
                # comes out once, or once more for each of its sentences that run failed.
                duplicates = sum(words[w] - 1 for w in wanted)
                last_round = ["rec%d" % i for i in range(kills * per_round, n)]
                replayed = sum(words[w] - 1 for w in last_round)
                failed = summary(out)["sentences"]["failed"]
                self.assertLessEqual(replayed, failed, "inputs read by one run only came out "
                                     "%d extra times, with %d failed" % (replayed, failed))
                print("no-loss: %d inputs, %d kills, all present; %d duplicate outputs "
                      "(at-least-once replays; the last round's exact)" % (n, kills, duplicates),
                      file=sys.stderr)
            finally:
                mock.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
