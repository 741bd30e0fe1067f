"""The class-based face of Storm's storm.py (BasicBolt), over multilang.py.

Scripts written for Storm's storm.py subclass BasicBolt, implement
process(self, tup) and call run(); emit() emits anchored to the tuple being
processed, which is acked when process returns (failed, with the error
reported, if it raises).  Only this common subset is provided.

    import storm
    class SplitSentenceBolt(storm.BasicBolt):
        def process(self, tup):
            for word in tup.values[0].split(" "):
                storm.emit([word])
    SplitSentenceBolt().run()
"""
import multilang

emit = multilang.emit
log = multilang.log


class BasicBolt(object):
    def initialize(self, conf, context):
        pass

    def process(self, tup):
        pass

    def run(self):
        """Handshakes, then processes tuples until the input ends;
        initialize(conf, context) runs before the first tuple."""
        started = []

        def process(tup):
            if not started:
                started.append(True)
                self.initialize(multilang.conf, multilang.context)
            self.process(tup)

        multilang.run_bolt(process)
