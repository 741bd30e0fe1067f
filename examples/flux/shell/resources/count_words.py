"""Counts words; on every tick tuple reports how many words it has seen on
the "totals" stream and logs how many distinct ones (a multilang log
command)."""
import collections

import multilang

counts = collections.Counter()


def process(tup):
    if multilang.is_tick(tup):
        multilang.emit([sum(counts.values())], stream="totals")
        multilang.log("%d distinct words so far" % len(counts))
        return
    word = tup.values[0]
    counts[word] += 1
    multilang.emit([word, counts[word]])


multilang.run_bolt(process)
