"""Splits each sentence into words, written as for Storm's storm.py: a
BasicBolt whose emits are anchored to the sentence, acked after."""
import storm


class SplitSentenceBolt(storm.BasicBolt):
    def process(self, tup):
        for word in tup.values[0].split():
            storm.emit([word])


SplitSentenceBolt().run()
