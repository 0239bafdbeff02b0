package dev.beacon.drill.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the drill's deliveries to the input topic, one at a time and acknowledged, so the write order is exactly the
 * scenario's order, and remembers where each one landed: the job must leave an audit row at every position.
 */
public final class Publisher implements AutoCloseable {

    /** Where a delivery landed. */
    public record Position(String topic, int partition, long offset, DrillScenario.Delivery delivery) {
        public String key() {
            return topic + "/" + partition + "@" + offset;
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Position> published = new ArrayList<>();

    public Publisher(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    public void publish(List<DrillScenario.Delivery> deliveries) {
        for (DrillScenario.Delivery d : deliveries) {
            try {
                RecordMetadata m = producer.send(new ProducerRecord<>(topic, d.partition(), null, d.value())).get();
                published.add(new Position(topic, m.partition(), m.offset(), d));
            } catch (Exception e) {
                throw new IllegalStateException("cannot publish " + d.what() + " to " + topic, e);
            }
        }
    }

    /** Everything published so far, in order. */
    public List<Position> published() {
        return List.copyOf(published);
    }

    @Override
    public void close() {
        producer.close();
    }
}
