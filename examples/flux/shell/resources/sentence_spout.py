"""Emits sentences from a fixed list, reliably (each with a message id)."""
import itertools
import time

import multilang

SENTENCES = [
    "the quick brown fox jumps over the lazy dog",
    "a stream is an unbounded sequence of tuples",
    "every bolt acks what it has processed",
]

counter = itertools.count()


def next_tuple():
    n = next(counter)
    multilang.emit([SENTENCES[n % len(SENTENCES)]], message_id=n)
    time.sleep(0.01)


multilang.run_spout(next_tuple)
