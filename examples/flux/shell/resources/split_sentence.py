"""Splits each sentence into words, anchored to the sentence."""
import multilang


def process(message):
    for word in message["tuple"][0].split():
        multilang.emit([word], anchors=[message["id"]])


multilang.run_bolt(process)
