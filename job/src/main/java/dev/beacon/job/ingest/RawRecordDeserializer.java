package dev.beacon.job.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Keeps a Kafka record as it is; parsing happens once, in triage, where failures become dead letters. */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final String[] NO_HEADERS = new String[0];

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        out.collect(new RawRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), key, headers(r), r.value()));
    }

    private static String[] headers(ConsumerRecord<byte[], byte[]> r) {
        Header[] all = r.headers().toArray();
        if (all.length == 0) {
            return NO_HEADERS;
        }
        ArrayList<String> flat = new ArrayList<>(all.length * 2);
        for (Header h : all) {
            flat.add(h.key());
            flat.add(h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return flat.toArray(NO_HEADERS);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
