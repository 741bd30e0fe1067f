/* A bolt made from a consumer of a tuple and the collector
 * (TopologyBuilder.setBolt(id, lambda, fields...)): a basic bolt that
 * hands it each input and declares the given fields on its stream. */
package org.apache.storm.lambda;

import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;

public class LambdaBiConsumerBolt extends BaseBasicBolt {
    private static final long serialVersionUID = 1L;
    private final SerializableBiConsumer<Tuple, BasicOutputCollector> biConsumer;
    private final String[] fields;

    public LambdaBiConsumerBolt(SerializableBiConsumer<Tuple, BasicOutputCollector> biConsumer, String[] fields) {
        this.biConsumer = biConsumer;
        this.fields = fields;
    }

    @Override
    public void execute(Tuple input, BasicOutputCollector collector) {
        biConsumer.accept(input, collector);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields(fields));
    }
}
