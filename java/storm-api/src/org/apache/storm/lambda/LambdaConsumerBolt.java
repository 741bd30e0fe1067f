/* A bolt made from a consumer of tuples (TopologyBuilder.setBolt(id,
 * lambda)): a basic bolt that hands each input to it and emits nothing. */
package org.apache.storm.lambda;

import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Tuple;

public class LambdaConsumerBolt extends BaseBasicBolt {
    private static final long serialVersionUID = 1L;
    private final SerializableConsumer<Tuple> consumer;

    public LambdaConsumerBolt(SerializableConsumer<Tuple> consumer) {
        this.consumer = consumer;
    }

    @Override
    public void execute(Tuple input, BasicOutputCollector collector) {
        consumer.accept(input);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
    }
}
