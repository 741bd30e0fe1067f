"""Counts words; on every tick tuple reports how many words it has seen on
the "totals" stream."""
import collections

import multilang

counts = collections.Counter()


def process(message):
    if multilang.is_tick(message):
        multilang.emit([sum(counts.values())], stream="totals")
        return
    word = message["tuple"][0]
    counts[word] += 1
    multilang.emit([word, counts[word]], anchors=[message["id"]])


multilang.run_bolt(process)
