"""Emits sentences from a fixed list, reliably (each with a message id);
replays the ones that fail."""
import itertools

import multilang

SENTENCES = [
    "the quick brown fox jumps over the lazy dog",
    "a stream is an unbounded sequence of tuples",
    "every bolt acks what it has processed",
]

counter = itertools.count()
failed = []


def next_tuple():
    n = failed.pop() if failed else next(counter)
    multilang.emit([SENTENCES[n % len(SENTENCES)]], id=n)


def fail(n):
    failed.append(n)


multilang.run_spout(next_tuple, fail=fail)
