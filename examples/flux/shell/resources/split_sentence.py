"""Splits each sentence into words (anchored to the sentence, which is
acked after)."""
import multilang


def process(tup):
    for word in tup.values[0].split():
        multilang.emit([word])


multilang.run_bolt(process)
